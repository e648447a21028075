//! Audio: samples and spans of them, mastering, and writing WAV files.

mod loudness;
pub mod master;
pub mod mp3;
mod pcm;

use std::io::Cursor;
use std::path::Path;

use crate::error::{Error, Result};
use crate::fsutil;

pub use pcm::{Pcm, Span, Speech};

/// Encode mono 16-bit PCM as a WAV file in memory.
pub fn wav_bytes(pcm: &Pcm) -> Result<Vec<u8>, hound::Error> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: pcm.sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut cursor = Cursor::new(Vec::with_capacity(44 + pcm.samples.len() * 2));
    let mut writer = hound::WavWriter::new(&mut cursor, spec)?;
    {
        let mut w = writer.get_i16_writer(pcm.samples.len() as u32);
        for &s in &pcm.samples {
            w.write_sample(s);
        }
        w.flush()?;
    }
    writer.finalize()?;
    Ok(cursor.into_inner())
}

/// Write a WAV file atomically (temporary file, then rename).
pub fn write_wav(path: &Path, pcm: &Pcm) -> Result<()> {
    let bytes = wav_bytes(pcm).map_err(|source| Error::Wav {
        path: path.to_path_buf(),
        source,
    })?;
    fsutil::write_bytes_atomic(path, &bytes)
}

/// The samples of a mono 16-bit WAV file (as [`write_wav`] writes them).
pub fn read_wav(path: &Path) -> Result<Vec<i16>> {
    let wav = |source| Error::Wav {
        path: path.to_path_buf(),
        source,
    };
    let reader = hound::WavReader::open(path).map_err(wav)?;
    let spec = reader.spec();
    if spec.channels != 1 || spec.bits_per_sample != 16 {
        return Err(Error::Other(format!(
            "`{}` is not mono 16-bit audio: build the leaflet again with --force",
            path.display()
        )));
    }
    // The reader stands at the samples: take them as bytes in one read, not
    // one call per sample.
    let count = reader.duration() as usize;
    let mut bytes = Vec::with_capacity(count * 2);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(reader.into_inner(), count as u64 * 2),
        &mut bytes,
    )
    .map_err(|e| wav(hound::Error::IoError(e)))?;
    if bytes.len() != count * 2 {
        return Err(Error::Other(format!(
            "`{}` ends early: build the leaflet again with --force",
            path.display()
        )));
    }
    Ok(bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect())
}
