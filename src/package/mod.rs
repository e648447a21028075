//! Packagers: each writes one kind of chapter index from the finished book.

mod manifest;
mod playlist;

use std::path::Path;

use crate::error::Result;

pub use manifest::{MANIFEST_FILE, Manifest};
pub use playlist::PLAYLIST_FILE;

/// A narrated leaflet, as every packager sees it: titles, files and times.
#[derive(Debug, Clone)]
pub struct Book {
    pub title: String,
    pub language: String,
    pub slug: String,
    pub source_file: String,
    pub source_sha256: String,
    pub backend: String,
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

pub trait Packager {
    fn name(&self) -> &'static str;
    /// The file this packager writes, relative to the package folder.
    fn file(&self) -> &'static str;
    fn render(&self, book: &Book, out: &mut dyn std::io::Write) -> std::io::Result<()>;
}

/// The packagers in the order they run. The manifest comes last: it is the
/// sign that a package is complete.
pub fn all() -> Vec<Box<dyn Packager>> {
    vec![
        Box::new(playlist::Playlist),
        Box::new(manifest::ManifestWriter),
    ]
}

/// Render every packager's file into `dir`, each atomically.
pub fn write_all(book: &Book, dir: &Path) -> Result<()> {
    for p in all() {
        crate::fsutil::write_atomic(&dir.join(p.file()), |w| p.render(book, w))?;
    }
    Ok(())
}

/// Seconds rounded to the millisecond, for files people read.
pub fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}
