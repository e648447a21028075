//! Packagers: each writes one kind of chapter index from the finished book.

pub mod check;
mod daisy;
mod joined;
mod manifest;
mod player;
mod playlist;

use std::path::Path;

use crate::audio::Span;
use crate::error::Result;
use crate::script::Role;

pub use daisy::NCC_FILE;
pub use joined::{CUE_SHEET, JOINED_WAV};
pub use manifest::{ChapterEntry, MANIFEST_FILE, Manifest, UtteranceEntry};
pub use player::{CHAPTERS_VTT_FILE, PLAYER_FILE, render_html, render_vtt};
pub use playlist::PLAYLIST_FILE;

/// A narrated leaflet, as every packager sees it: titles, files and times.
#[derive(Debug, Clone)]
pub struct Book {
    pub title: String,
    pub language: String,
    /// The publisher, when the leaflet's cover names it.
    pub organisation: Option<String>,
    pub slug: String,
    /// A stable identifier for the book (DAISY players key bookmarks on it).
    pub identifier: String,
    /// The date of the build that first produced this version of the leaflet,
    /// `YYYY-MM-DD`: kept across rebuilds so unchanged outputs stay identical.
    pub date: String,
    pub source_file: String,
    pub source_sha256: String,
    pub backend: String,
    /// The natural voices' model hash (empty for the others).
    pub model_sha256: String,
    pub voice: String,
    pub rate_wpm: u32,
    pub sample_rate: u32,
    pub chapters: Vec<BookChapter>,
}

#[derive(Debug, Clone)]
pub struct BookChapter {
    pub index: usize,
    pub level: u8,
    pub title: String,
    /// File name within the package folder.
    pub file: String,
    pub samples: u64,
    pub words: usize,
    /// Integrated loudness (LUFS) and true peak (dBTP) of the chapter file.
    pub loudness_lufs: f64,
    pub true_peak_dbtp: f64,
    /// The chapter's entry in the audio cache (see `audio-leaflet clean`).
    pub audio_key: String,
    /// What the chapter says, utterance by utterance, and where in its audio.
    pub passages: Vec<Passage>,
}

/// One utterance of a chapter: the text as the leaflet shows it, what is
/// said, and where it is in the chapter's file.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub role: Role,
    pub display: String,
    pub spoken: String,
    /// In samples of the chapter's audio.
    pub span: Span,
}

impl Book {
    pub fn duration_s(&self, chapter: &BookChapter) -> f64 {
        chapter.samples as f64 / self.sample_rate as f64
    }

    pub fn total_s(&self) -> f64 {
        self.chapters.iter().map(|c| self.duration_s(c)).sum()
    }

    /// Start time of each chapter in the whole leaflet, in seconds.
    pub fn starts_s(&self) -> Vec<f64> {
        let mut at = 0u64;
        self.chapters
            .iter()
            .map(|c| {
                let start = at;
                at += c.samples;
                start as f64 / self.sample_rate as f64
            })
            .collect()
    }
}

/// One output format. Each writes its files into the package folder, every
/// file atomically (see [`crate::fsutil::write_atomic`]).
pub trait Packager: Sync {
    /// The name staff use with `--formats`.
    fn name(&self) -> &'static str;
    /// Write this format's files for `book` into `dir`, where the chapter WAVs
    /// already are. Returns the file names written, relative to `dir`.
    fn write(&self, book: &Book, dir: &Path) -> Result<Vec<String>>;
}

/// A packager whose output is one file rendered from the book.
pub trait SingleFile {
    fn name(&self) -> &'static str;
    fn file(&self) -> &'static str;
    fn render(&self, book: &Book, out: &mut dyn std::io::Write) -> std::io::Result<()>;
}

/// Names accepted by `--formats`, in the order they run. The manifest is
/// always written, and last: it is the sign that a package is complete.
pub const FORMATS: &[&str] = &["m3u8", "daisy", "html", "wav", "manifest"];

/// The packagers for the chosen format names (all when `names` is empty).
pub fn select(names: &[String]) -> Result<Vec<&'static dyn Packager>> {
    for name in names {
        if !FORMATS.contains(&name.as_str()) {
            return Err(crate::Error::Other(format!(
                "unknown format `{name}`: choose from {}",
                FORMATS.join(", ")
            )));
        }
    }
    let wanted = |n: &str| n == "manifest" || names.is_empty() || names.iter().any(|w| w == n);
    let mut chosen: Vec<&'static dyn Packager> = Vec::new();
    for &name in FORMATS {
        if wanted(name) {
            chosen.push(by_name(name));
        }
    }
    Ok(chosen)
}

fn by_name(name: &str) -> &'static dyn Packager {
    match name {
        "m3u8" => &playlist::Playlist,
        "daisy" => &daisy::Daisy,
        "html" => &player::Player,
        "wav" => &joined::Joined,
        "manifest" => &manifest::ManifestWriter,
        _ => unreachable!("format names are checked against FORMATS"),
    }
}

impl<T: SingleFile + Sync> Packager for T {
    fn name(&self) -> &'static str {
        SingleFile::name(self)
    }

    fn write(&self, book: &Book, dir: &Path) -> Result<Vec<String>> {
        crate::fsutil::write_atomic(&dir.join(self.file()), |w| self.render(book, w))?;
        Ok(vec![self.file().to_string()])
    }
}

/// Run the packagers in order.
pub fn write_all(book: &Book, dir: &Path, packagers: &[&dyn Packager]) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for p in packagers {
        files.extend(p.write(book, dir)?);
    }
    Ok(files)
}

/// Seconds rounded to the millisecond, for files people read.
pub fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}
