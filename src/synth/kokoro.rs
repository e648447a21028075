//! Kokoro-82M v1.0 (int8 ONNX): phoneme ids and a voice's style row in,
//! 24 kHz samples out. One model serves every Kokoro voice; a voice is a
//! 510 x 256 table of style vectors, one row per utterance length.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::value::Tensor;

use super::onnx::{SessionPool, failed};
use crate::error::{Error, Result};

pub const SAMPLE_RATE: u32 = 24_000;
/// Phonemes the model takes at once (ids without the two pads).
pub const MAX_PHONEMES: usize = 510;
const STYLE_DIM: usize = 256;
const STYLE_ROWS: usize = 510;

/// The Kokoro graph, shared by all the Kokoro voices.
pub struct KokoroModel {
    pool: SessionPool,
}

impl KokoroModel {
    pub fn new(onnxruntime: &Path, model: &Path) -> KokoroModel {
        KokoroModel {
            pool: SessionPool::new(onnxruntime, model, 1),
        }
    }

    /// Open the first session now rather than at the first utterance.
    pub fn open_ahead(&self) -> Result<()> {
        self.pool.open_ahead()
    }

    /// `ids`: phoneme ids with the 0 pad at each end; `style`: the voice's
    /// row for this length; `speed`: 1.0 is the voice's own pace.
    pub fn synthesize_ids(&self, ids: &[i64], style: &[f32], speed: f32) -> Result<Vec<f32>> {
        if ids.len() <= 2 {
            return Ok(Vec::new());
        }
        self.pool.with_stoppable(|session, run| {
            let tokens = Tensor::from_array(([1usize, ids.len()], ids.to_vec()))
                .map_err(failed("Kokoro's input"))?;
            let style = Tensor::from_array(([1usize, STYLE_DIM], style.to_vec()))
                .map_err(failed("Kokoro's input"))?;
            let speed =
                Tensor::from_array(([1usize], vec![speed])).map_err(failed("Kokoro's input"))?;
            let outputs = session
                .run_with_options(
                    ort::inputs! {"tokens" => tokens, "style" => style, "speed" => speed},
                    run,
                )
                .map_err(failed("the Kokoro voice model failed"))?;
            let (_, audio) = outputs[0]
                .try_extract_tensor::<f32>()
                .map_err(failed("the Kokoro voice model's output"))?;
            Ok(audio.to_vec())
        })
    }
}

/// A Kokoro voice pack (`voices/NAME.bin`), read when first needed.
pub struct VoicePack {
    path: PathBuf,
    rows: OnceLock<std::result::Result<Vec<f32>, String>>,
}

impl VoicePack {
    pub fn new(path: &Path) -> VoicePack {
        VoicePack {
            path: path.to_path_buf(),
            rows: OnceLock::new(),
        }
    }

    fn rows(&self) -> Result<&[f32]> {
        self.rows
            .get_or_init(|| {
                let bytes = std::fs::read(&self.path)
                    .map_err(|e| format!("cannot read {}: {e}", self.path.display()))?;
                if bytes.len() != STYLE_ROWS * STYLE_DIM * 4 {
                    return Err(format!(
                        "{} is {} bytes, not the {} of a Kokoro voice pack",
                        self.path.display(),
                        bytes.len(),
                        STYLE_ROWS * STYLE_DIM * 4
                    ));
                }
                Ok(bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect())
            })
            .as_deref()
            .map_err(|why| Error::Other(why.clone()))
    }

    /// The style for an utterance of `phonemes` phonemes (Kokoro's own
    /// choice: row `phonemes - 1`).
    pub fn style(&self, phonemes: usize) -> Result<&[f32]> {
        let row = phonemes.clamp(1, STYLE_ROWS) - 1;
        Ok(&self.rows()?[row * STYLE_DIM..(row + 1) * STYLE_DIM])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_voice_pack_of_the_wrong_size_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bf_emma.bin");
        std::fs::write(&path, [0u8; 1024]).unwrap();
        let err = VoicePack::new(&path).style(10).unwrap_err().to_string();
        assert!(
            err.contains("bf_emma.bin") && err.contains("1024 bytes"),
            "{err}"
        );
    }

    #[test]
    fn the_style_row_follows_the_utterance_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pack.bin");
        let bytes: Vec<u8> = (0..STYLE_ROWS * STYLE_DIM)
            .flat_map(|i| ((i / STYLE_DIM) as f32).to_le_bytes())
            .collect();
        std::fs::write(&path, bytes).unwrap();
        let pack = VoicePack::new(&path);
        assert_eq!(pack.style(1).unwrap()[0], 0.0);
        assert_eq!(pack.style(42).unwrap()[255], 41.0);
        // Past the table's end the last row is used.
        assert_eq!(pack.style(9999).unwrap()[0], (STYLE_ROWS - 1) as f32);
        assert_eq!(pack.style(42).unwrap().len(), STYLE_DIM);
    }
}
