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
    /// Whether this format is written alone: once every format before it
    /// in [`REGISTRY`] is finished, and before any format after it starts,
    /// because it reads what they wrote or they read what it writes. The
    /// formats between two that are written alone are written side by
    /// side ([`write_all`]), so none of them may read another's files.
    fn alone(&self) -> bool {
        false
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
    fn alone(&self) -> bool {
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

    fn alone(&self) -> bool {
        SingleFile::alone(self)
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

/// Run the packagers: in order where one is written [`Packager::alone`],
/// and side by side on the current rayon pool between those. The names
/// come back in the packagers' order, and so does the first error, however
/// the work was spread.
pub fn write_all(book: &Book, out: &Output, packagers: &[&dyn Packager]) -> Result<Vec<String>> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut rest = packagers;
    while let Some(first) = rest.first() {
        let n = if first.alone() {
            1
        } else {
            rest.iter().position(|p| p.alone()).unwrap_or(rest.len())
        };
        let (group, after) = rest.split_at(n);
        let written: Vec<Result<Vec<String>>> =
            group.par_iter().map(|p| p.write(book, out)).collect();
        for names in written {
            files.extend(names?);
        }
        rest = after;
    }
    Ok(files)
}

/// The smallest text file the zip formats (the EPUB, the bundle) deflate;
/// smaller ones are stored. Deflating a file of a few kilobytes saves a
/// kilobyte or two in a package of megabytes of audio, but every deflated
/// entry sets up a compressor of its own (about 300 KB of tables, cleared
/// and then handed back): on a rebuild that was a quarter of the page faults
/// and most of the instructions of writing the EPUB.
pub const DEFLATE_FROM: usize = 16 * 1024;

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
        let alone: Vec<&str> = REGISTRY
            .iter()
            .filter(|p| p.alone())
            .map(|p| p.name())
            .collect();
        assert_eq!(alone, ["audio", "zip", "manifest"]);
        let chosen = select(&["daisy".to_string()]).unwrap();
        let chosen: Vec<&str> = chosen.iter().map(|p| p.name()).collect();
        assert_eq!(chosen, ["audio", "daisy", "manifest"]);
        let all: Vec<&str> = select(&[]).unwrap().iter().map(|p| p.name()).collect();
        assert!(!all.contains(&"m4b"), "m4b only when named: {all:?}");
        assert_eq!(all.len(), REGISTRY.len() - 1);
    }

    /// A format that notes when it starts and ends, and takes a while.
    struct Timed {
        name: &'static str,
        alone: bool,
        log: &'static std::sync::Mutex<Vec<(&'static str, bool)>>,
        fail: bool,
    }

    impl Packager for Timed {
        fn name(&self) -> &'static str {
            self.name
        }
        fn about(&self) -> &'static str {
            ""
        }
        fn alone(&self) -> bool {
            self.alone
        }
        fn owns(&self, _: &str) -> bool {
            false
        }
        fn write(&self, _: &Book, _: &Output) -> Result<Vec<String>> {
            self.log.lock().unwrap().push((self.name, true));
            std::thread::sleep(std::time::Duration::from_millis(50));
            self.log.lock().unwrap().push((self.name, false));
            if self.fail {
                return Err(crate::Error::Other(format!("{} failed", self.name)));
            }
            Ok(vec![format!("{}.file", self.name)])
        }
        fn check(&self, _: &mut check::Checker, _: &Manifest) {}
    }

    fn empty_book() -> Book {
        Book {
            title: String::new(),
            language: "en".into(),
            organisation: None,
            slug: "x".into(),
            identifier: String::new(),
            date: String::new(),
            source_file: String::new(),
            source_sha256: String::new(),
            backend: String::new(),
            model_sha256: String::new(),
            voice: String::new(),
            rate_wpm: 160,
            sample_rate: 16_000,
            audio_format: AudioFormat::Mp3,
            chapters: Vec::new(),
        }
    }

    #[test]
    fn formats_written_alone_never_overlap_the_others_and_names_keep_their_order() {
        static LOG: std::sync::Mutex<Vec<(&str, bool)>> = std::sync::Mutex::new(Vec::new());
        let f = |name, alone, fail| Timed {
            name,
            alone,
            log: &LOG,
            fail,
        };
        let all = [
            f("audio", true, false),
            f("a", false, false),
            f("b", false, false),
            f("c", false, false),
            f("zip", true, false),
            f("d", false, false),
            f("manifest", true, false),
        ];
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let write = |formats: &[Timed]| {
            let chosen: Vec<&dyn Packager> = formats.iter().map(|p| p as &dyn Packager).collect();
            let out = Output {
                dir: std::path::Path::new("."),
                previous: None,
            };
            pool.install(|| write_all(&empty_book(), &out, &chosen))
        };
        let files = write(&all).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.trim_end_matches(".file")).collect();
        assert_eq!(names, ["audio", "a", "b", "c", "zip", "d", "manifest"]);
        let log = LOG.lock().unwrap().clone();
        // Each format written alone runs with nothing else running.
        let mut running: Vec<&str> = Vec::new();
        for (name, starts) in &log {
            if *starts {
                running.push(name);
            } else {
                running.retain(|r| r != name);
            }
            let alone = ["audio", "zip", "manifest"];
            if running.iter().any(|r| alone.contains(r)) {
                assert_eq!(running.len(), 1, "{running:?} at once in {log:?}");
            }
        }
        // Those between the chapter audio and the zip overlapped.
        let most = log
            .iter()
            .scan(0i32, |n, (_, starts)| {
                *n += if *starts { 1 } else { -1 };
                Some(*n)
            })
            .max();
        assert!(most >= Some(2), "{log:?}");

        // The first failure in the registry's order is the one reported,
        // and no format after its group is written.
        LOG.lock().unwrap().clear();
        let failing = [
            f("audio", true, false),
            f("a", false, false),
            f("b", false, true),
            f("c", false, true),
            f("manifest", true, false),
        ];
        let err = write(&failing).unwrap_err();
        assert_eq!(err.to_string(), "b failed");
        assert!(!LOG.lock().unwrap().iter().any(|(n, _)| *n == "manifest"));
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
