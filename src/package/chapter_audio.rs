//! The chapter files themselves: each chapter's MP3 or WAV, linked from the
//! audio cache into the package (no copy where the file system allows), and
//! checked against the manifest.

use std::path::Path;

use super::check::{Checker, TOLERANCE_S};
use super::manifest::{ChapterEntry, Manifest};
use super::{Book, MANIFEST_FILE, Output, Packager};
use crate::error::{Error, Result};

pub struct ChapterAudio;

impl Packager for ChapterAudio {
    fn name(&self) -> &'static str {
        "audio"
    }

    fn about(&self) -> &'static str {
        "one MP3 (or WAV, with --audio wav) file per chapter, always written"
    }

    /// The other formats read the chapter files.
    fn alone(&self) -> bool {
        true
    }

    fn always(&self) -> bool {
        true
    }

    /// `NN-title.mp3` or `NN-title.wav`: two digits, then anything, then
    /// the ending.
    fn owns(&self, file: &str) -> bool {
        numbered(file, ".mp3") || numbered(file, ".wav")
    }

    fn write(&self, book: &Book, out: &Output) -> Result<Vec<String>> {
        for chapter in &book.chapters {
            link_or_copy(&chapter.audio, &out.dir.join(&chapter.file))?;
        }
        Ok(book.chapters.iter().map(|c| c.file.clone()).collect())
    }

    fn check(&self, c: &mut Checker, m: &Manifest) {
        c.lengths = check_chapters(c, m);
    }
}

/// Whether a file name is a chapter's: two digits first, `ending` last.
pub fn numbered(file: &str, ending: &str) -> bool {
    file.len() > 2 && file.as_bytes()[..2].iter().all(u8::is_ascii_digit) && file.ends_with(ending)
}

/// The cache's file, linked into the package where the file system allows
/// (no copy, no extra space), copied where it does not.
pub fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|source| Error::Write {
            path: to.to_path_buf(),
            source,
        })
}

/// Each chapter WAV: present, mono 16-bit at the stated rate, as long as the
/// manifest says, starting where the previous one ended. Returns the lengths
/// in samples (0 for a chapter that could not be read).
fn check_chapters(c: &mut Checker, m: &Manifest) -> Vec<u64> {
    let mut lengths = Vec::new();
    let mut start = 0.0;
    for (i, ch) in m.chapters.iter().enumerate() {
        if ch.index != i + 1 {
            c.problem(
                MANIFEST_FILE,
                format!("chapter {} is numbered {}", i + 1, ch.index),
            );
        }
        if (ch.start_s - start).abs() > TOLERANCE_S {
            c.problem(
                MANIFEST_FILE,
                format!(
                    "chapter {} starts at {}s, not {start:.3}s",
                    ch.index, ch.start_s
                ),
            );
        }
        start += ch.duration_s;
        lengths.push(if ch.file.ends_with(".mp3") {
            check_mp3(c, m, ch)
        } else {
            check_wav(c, m, ch)
        });
    }
    if (m.total_duration_s - start).abs() > TOLERANCE_S {
        c.problem(
            MANIFEST_FILE,
            format!(
                "total_duration_s is {}s but the chapters add up to {start:.3}s",
                m.total_duration_s
            ),
        );
    }
    lengths
}

fn check_wav(c: &mut Checker, m: &Manifest, ch: &ChapterEntry) -> u64 {
    let reader = match hound::WavReader::open(c.dir.join(&ch.file)) {
        Ok(r) => r,
        Err(e) => {
            c.problem(
                &ch.file,
                format!("is missing or not a valid WAV file ({e})"),
            );
            return 0;
        }
    };
    let spec = reader.spec();
    let wanted = (
        m.audio.channels,
        m.audio.sample_rate,
        m.audio.bits_per_sample,
    );
    if (spec.channels, spec.sample_rate, spec.bits_per_sample) != wanted {
        c.problem(
            &ch.file,
            format!(
                "is {} channel(s), {} Hz, {}-bit; the manifest says {} channel(s), {} Hz, {}-bit",
                spec.channels, spec.sample_rate, spec.bits_per_sample, wanted.0, wanted.1, wanted.2
            ),
        );
    }
    let samples = reader.duration() as u64;
    let secs = samples as f64 / spec.sample_rate.max(1) as f64;
    if (secs - ch.duration_s).abs() > TOLERANCE_S {
        c.problem(
            &ch.file,
            format!("lasts {secs:.3}s; the manifest says {}s", ch.duration_s),
        );
    }
    samples
}

/// A chapter MP3: its Info tag says it decodes to the manifest's length, at
/// the manifest's rate, mono.
fn check_mp3(c: &mut Checker, m: &Manifest, ch: &ChapterEntry) -> u64 {
    let path = c.dir.join(&ch.file);
    if let Err(e) = std::fs::metadata(&path) {
        c.problem(&ch.file, format!("is missing ({e})"));
        return 0;
    }
    let Some(stream) = crate::audio::mp3::file_frames(&path) else {
        c.problem(
            &ch.file,
            "is not an MP3 file with an Info tag (its exact length is unknown)".to_string(),
        );
        return 0;
    };
    if (stream.channels, stream.sample_rate) != (1, m.audio.sample_rate) {
        c.problem(
            &ch.file,
            format!(
                "is {} channel(s) at {} Hz; the manifest says mono at {} Hz",
                stream.channels, stream.sample_rate, m.audio.sample_rate
            ),
        );
    }
    let secs = stream.samples as f64 / stream.sample_rate.max(1) as f64;
    if (secs - ch.duration_s).abs() > TOLERANCE_S {
        c.problem(
            &ch.file,
            format!("lasts {secs:.3}s; the manifest says {}s", ch.duration_s),
        );
    }
    stream.samples
}
