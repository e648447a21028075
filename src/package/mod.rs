//! Packagers: each writes one kind of chapter index from the finished book.

mod bundle;
pub mod catalogue;
mod chapter_audio;
pub mod check;
mod daisy;
mod epub;
mod joined;
mod m4b;
mod manifest;
mod player;
mod playlist;

use std::path::{Path, PathBuf};

use crate::audio::Span;
use crate::error::Result;
use crate::script::Role;

pub use bundle::{README_FILE, ZIP_FILE, readme_in};
pub use catalogue::{CATALOGUE_FILE, CATALOGUE_PAGE, Catalogue};
pub use daisy::{CONTENT_FILE, NCC_FILE};
pub use epub::EPUB_FILE;
pub use joined::{CUE_SHEET, JOINED_MP3, JOINED_WAV};
pub use manifest::{ChapterEntry, MANIFEST_FILE, Manifest, UtteranceEntry};
pub use player::{CHAPTERS_VTT_FILE, PLAYER_FILE, render_html, render_vtt};
pub use playlist::PLAYLIST_FILE;

/// The chapter files' format (`--audio`): MP3 for listeners (small, played
/// everywhere), WAV for staff who edit the audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AudioFormat {
    #[default]
    Mp3,
    Wav,
}

impl AudioFormat {
    pub const ALL: [AudioFormat; 2] = [AudioFormat::Mp3, AudioFormat::Wav];

    /// The name `--audio` takes and the manifest gives, and the files' ending.
    pub fn name(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "mp3",
            AudioFormat::Wav => "wav",
        }
    }

    pub fn from_name(name: &str) -> Option<AudioFormat> {
        AudioFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The media type players and EPUB readers expect.
    pub fn media_type(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::Wav => "audio/wav",
        }
    }
}

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
    /// The chapter files' format.
    pub audio_format: AudioFormat,
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
    /// Where the chapter's file is now (in the cache, in the book's audio
    /// format), to be put in the package.
    pub audio: PathBuf,
    /// The chapter's mastered samples as a WAV (in the cache): what other
    /// formats are made from, whatever the chapter files are.
    pub pcm: PathBuf,
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

/// Where a packager writes: the staging folder of the new package, where
/// the formats before it in [`REGISTRY`] have written, and the package it
/// replaces, if any (a format may take an unchanged file from it).
pub struct Output<'a> {
    pub dir: &'a Path,
    pub previous: Option<&'a Path>,
}

/// One output format: its name, the files it writes, and its own check of
/// them. Each file is written atomically (see [`crate::fsutil::write_atomic`]).
pub trait Packager: Sync {
    /// The name staff use with `--formats`.
    fn name(&self) -> &'static str;
    /// What it gives the listener, for `--formats` help.
    fn about(&self) -> &'static str;
    /// Written whatever `--formats` says.
    fn always(&self) -> bool {
        false
    }
    /// Written when `--formats` is not given; a format that needs a
    /// program the machine may not have is written only when named.
    fn by_default(&self) -> bool {
        true
    }
    /// Whether this format writes a file of this name, for this book or an
    /// earlier one: a rebuild replaces such files and removes them when no
    /// longer written; any other file in a package is staff's and is kept.
    fn owns(&self, file: &str) -> bool;
    /// Write this format's files for `book`; returns their names.
    fn write(&self, book: &Book, out: &Output) -> Result<Vec<String>>;
    /// Check this format's files in a finished package against its
    /// manifest, when they are there.
    fn check(&self, c: &mut check::Checker, manifest: &Manifest);
}

/// A packager whose output is one file rendered from the book.
pub trait SingleFile {
    fn name(&self) -> &'static str;
    fn about(&self) -> &'static str;
    fn always(&self) -> bool {
        false
    }
    fn file(&self) -> &'static str;
    fn render(&self, book: &Book, out: &mut dyn std::io::Write) -> std::io::Result<()>;
    fn check(&self, c: &mut check::Checker, manifest: &Manifest);
}

/// Every format, in the order they are written: the chapter audio first,
/// since others read it, and the manifest last, the sign that a package is
/// complete. A new format is a file and a line here.
pub const REGISTRY: &[&dyn Packager] = &[
    &chapter_audio::ChapterAudio,
    &playlist::Playlist,
    &daisy::Daisy,
    &player::Player,
    &joined::Joined,
    &epub::Epub,
    &m4b::M4b,
    &bundle::Bundle,
    &manifest::ManifestWriter,
];

/// The names `--formats` takes.
pub fn format_names() -> Vec<&'static str> {
    REGISTRY.iter().map(|p| p.name()).collect()
}

/// `--formats` help: each format's name and what it gives.
pub fn formats_help() -> String {
    let list: Vec<String> = REGISTRY
        .iter()
        .map(|p| format!("{}: {}", p.name(), p.about()))
        .collect();
    format!(
        "Which outputs to write, by name, comma-separated (default: all but m4b). {}",
        list.join("; ")
    )
}

/// The packagers for the chosen format names (all when `names` is empty),
/// with those always written, in registry order.
pub fn select(names: &[String]) -> Result<Vec<&'static dyn Packager>> {
    for name in names {
        if !REGISTRY.iter().any(|p| p.name() == name) {
            return Err(crate::Error::Other(format!(
                "unknown format `{name}`: choose from {}",
                format_names().join(", ")
            )));
        }
    }
    let wanted = |p: &dyn Packager| {
        p.always() || (names.is_empty() && p.by_default()) || names.iter().any(|w| w == p.name())
    };
    Ok(REGISTRY.iter().copied().filter(|p| wanted(*p)).collect())
}

/// Whether some format writes a file of this name into packages.
pub fn is_generated(file: &str) -> bool {
    REGISTRY.iter().any(|p| p.owns(file))
}

impl<T: SingleFile + Sync> Packager for T {
    fn name(&self) -> &'static str {
        SingleFile::name(self)
    }

    fn about(&self) -> &'static str {
        SingleFile::about(self)
    }

    fn always(&self) -> bool {
        SingleFile::always(self)
    }

    fn owns(&self, file: &str) -> bool {
        file == self.file()
    }

    fn write(&self, book: &Book, out: &Output) -> Result<Vec<String>> {
        crate::fsutil::write_atomic(&out.dir.join(self.file()), |w| self.render(book, w))?;
        Ok(vec![self.file().to_string()])
    }

    fn check(&self, c: &mut check::Checker, manifest: &Manifest) {
        SingleFile::check(self, c, manifest)
    }
}

/// Run the packagers in order.
pub fn write_all(book: &Book, out: &Output, packagers: &[&dyn Packager]) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for p in packagers {
        files.extend(p.write(book, out)?);
    }
    Ok(files)
}

/// Seconds rounded to the millisecond, for files people read.
pub fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_names_each_format_once_and_writes_the_manifest_last() {
        let names = format_names();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(names.len(), unique.len(), "{names:?}");
        assert_eq!(names.last(), Some(&"manifest"));
        assert!(REGISTRY[0].always(), "the chapter audio comes first");
        let chosen = select(&["daisy".to_string()]).unwrap();
        let chosen: Vec<&str> = chosen.iter().map(|p| p.name()).collect();
        assert_eq!(chosen, ["audio", "daisy", "manifest"]);
        let all: Vec<&str> = select(&[]).unwrap().iter().map(|p| p.name()).collect();
        assert!(!all.contains(&"m4b"), "m4b only when named: {all:?}");
        assert_eq!(all.len(), REGISTRY.len() - 1);
    }

    #[test]
    fn each_generated_file_has_one_owner_and_staff_files_none() {
        for file in [
            "01-intro.wav",
            "02-care.smil",
            NCC_FILE,
            CONTENT_FILE,
            PLAYER_FILE,
            CHAPTERS_VTT_FILE,
            PLAYLIST_FILE,
            JOINED_WAV,
            CUE_SHEET,
            EPUB_FILE,
            m4b::M4B_FILE,
            ZIP_FILE,
            MANIFEST_FILE,
        ] {
            let owners = REGISTRY.iter().filter(|p| p.owns(file)).count();
            assert_eq!(owners, 1, "{file}");
        }
        for file in ["notes.txt", "cover.jpg", "my.wav", "1.smil"] {
            assert!(!is_generated(file), "{file} is staff's");
        }
    }
}
