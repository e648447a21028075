//! Audio: samples and spans of them, mastering, and writing WAV files.

mod loudness;
pub mod master;
pub mod mp3;
mod pcm;
pub mod pieces;

use std::io::Cursor;
use std::path::Path;

use crate::error::{Error, Result};
use crate::fsutil;

pub use pcm::{Pcm, Span, Speech, silence_len};

/// Samples handed to the WAV writer at a time (its sample writer holds a
/// buffer of that many).
const WAV_CHUNK: usize = 1 << 16;

/// Write mono 16-bit PCM as a WAV file to `out`, a piece at a time.
fn write_wav_to<W: std::io::Write + std::io::Seek>(out: W, pcm: &Pcm) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: pcm.sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::new(out, spec)?;
    for chunk in pcm.samples.chunks(WAV_CHUNK) {
        let mut w = writer.get_i16_writer(chunk.len() as u32);
        // The checked `write_sample` asserts the room left at every sample,
        // which keeps the loop from being vectorised whenever the compiler
        // does not prove it away itself (one build of this crate did, the
        // next did not: 5.6 million instructions for the reference
        // leaflet's WAVs, then 128 million).
        #[allow(unsafe_code)]
        for &s in chunk {
            // SAFETY: the writer was made for `chunk.len()` samples and is
            // given exactly that many, one at a time.
            unsafe { w.write_sample_unchecked(s) };
        }
        w.flush()?;
    }
    writer.finalize()
}

/// Encode mono 16-bit PCM as a WAV file in memory.
pub fn wav_bytes(pcm: &Pcm) -> Result<Vec<u8>, hound::Error> {
    let mut cursor = Cursor::new(Vec::with_capacity(44 + pcm.samples.len() * 2));
    write_wav_to(&mut cursor, pcm)?;
    Ok(cursor.into_inner())
}

/// Write a WAV file atomically (temporary file, then rename), straight to
/// the file rather than through a copy of it in memory.
pub fn write_wav(path: &Path, pcm: &Pcm) -> Result<()> {
    fsutil::write_file_atomic(path, |file| {
        let mut out = std::io::BufWriter::new(file);
        write_wav_to(&mut out, pcm).map_err(|e| match e {
            hound::Error::IoError(e) => e,
            other => std::io::Error::other(other),
        })?;
        std::io::Write::flush(&mut out)
    })
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
