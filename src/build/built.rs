//! What each package was last built from, so that a rebuild with nothing
//! changed writes nothing: a record per package in the working folder,
//! holding a hash of everything that decides the package's bytes (the whole
//! book, the formats, the program) and the size and time of each file the
//! package folder held once written. A package is left as it is only when
//! both match; anything else (an edit, another program, a file touched or
//! removed by hand, a build stopped half-way) writes it again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Config;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::leaflet;
use crate::package::Book;
use crate::synth::SynthId;

/// The records' folder, inside the output folder's working folder.
const BUILT_DIR: &str = ".audio-leaflet/built";

/// Where the record of the package `slug` is kept.
pub fn path(out: &Path, slug: &str) -> PathBuf {
    out.join(BUILT_DIR).join(format!("{slug}.json"))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// SHA-256 of the book, the formats and the program.
    inputs: String,
    /// Each file in the package folder: name, size, modification time (ns).
    files: Vec<(String, u64, u128)>,
    /// [`source_key`] of what the package was built from, and the counts
    /// its report gives, so that an unchanged leaflet is known before its
    /// script is written (empty in records of earlier versions).
    #[serde(default)]
    source: String,
    #[serde(default)]
    chapters: usize,
    #[serde(default)]
    audio_s: f64,
    /// The key of the reading of the file it was built from
    /// ([`super::readings`]), which `clean` keeps (empty in records of
    /// earlier versions).
    #[serde(default)]
    reading: String,
}

/// A SHA-256 of everything a package is made from that is known once the
/// leaflet is read and its voice chosen: the file's bytes and reader, its
/// package's name, the voice, the options that shape the script and the
/// audio, the formats and the program. The same key means the same book,
/// so the same package.
pub fn source_key(
    read_key: &str,
    kind: leaflet::Kind,
    slug: &str,
    synth: &SynthId,
    config: &Config,
) -> String {
    let mut h = ProgramHash::new();
    // The file's bytes, by their hash with the reader's options and the
    // program (`readings::key`), so a rebuild hashes the file once.
    h.part(read_key.as_bytes());
    h.part(format!("{kind:?}").as_bytes());
    h.part(slug.as_bytes());
    h.part(format!("{synth:?}").as_bytes());
    h.part(
        format!(
            "{:?} {:?} {:?} {:?} {:?}",
            config.lang, config.input_format, config.rate_wpm, config.audio, config.script.pauses
        )
        .as_bytes(),
    );
    h.part(config.script.lexicon.fingerprint().as_bytes());
    for f in &config.formats {
        h.part(f.name().as_bytes());
    }
    h.finish()
}

/// A SHA-256 of the program ([`program`]) and of parts given after it,
/// each with its length so that no two lists of parts run together: the
/// build keys here and in `readings`.
pub(super) struct ProgramHash(Sha256);

impl ProgramHash {
    pub(super) fn new() -> ProgramHash {
        let mut h = ProgramHash(Sha256::new());
        h.part(program().as_bytes());
        h
    }

    pub(super) fn part(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    pub(super) fn finish(self) -> String {
        super::hex(&self.0.finalize())
    }
}

/// When the package in `dir` was built from `key` (its record at `path`
/// says so) and is untouched since: its chapter count and length.
pub fn up_to_date(path: &Path, dir: &Path, key: &str) -> Option<(usize, f64)> {
    let saved = read(path)?;
    (!saved.source.is_empty() && saved.source == key && saved.untouched(dir))
        .then_some((saved.chapters, saved.audio_s))
}

fn read(path: &Path) -> Option<Record> {
    let text = std::fs::read(path).ok()?;
    serde_json::from_slice::<Record>(&text).ok()
}

impl Record {
    /// The record a package built now from `book` would have (its files
    /// are listed when it is saved).
    pub fn new(book: &Book, config: &Config, source: &str, reading: &str) -> Record {
        let mut h = Sha256::new();
        // The book's every field, chapter paths and passages included: its
        // debug form is all of it, and the same book prints the same.
        h.update(format!("{book:?}").as_bytes());
        for f in &config.formats {
            h.update(f.name().as_bytes());
            h.update(b"\0");
        }
        h.update(program().as_bytes());
        Record {
            inputs: super::hex(&h.finalize()),
            files: Vec::new(),
            source: source.to_string(),
            chapters: book.chapters.len(),
            audio_s: book.total_s(),
            reading: reading.to_string(),
        }
    }

    /// Whether the package in `dir` is the one this record describes, as
    /// recorded at `path` after its last build, and untouched since.
    /// A record of an earlier version, or of a change that left the book
    /// the same (a touched leaflet), is brought up to date, so that the next
    /// rebuild knows sooner.
    pub fn matches(&self, path: &Path, dir: &Path) -> bool {
        let Some(saved) = read(path) else {
            return false;
        };
        let same = saved.inputs == self.inputs && saved.untouched(dir);
        if same && (saved.source != self.source || saved.reading != self.reading) {
            // Only a faster next rebuild depends on this: a failure to
            // write it leaves the package as good as it is.
            let _ = self.clone().save(path, dir);
        }
        same
    }

    /// Whether `dir` holds the files this saved record lists, as they were.
    fn untouched(&self, dir: &Path) -> bool {
        !self.files.is_empty() && listing(dir).as_ref() == Some(&self.files)
    }

    /// Record the package just put in `dir`.
    pub fn save(mut self, path: &Path, dir: &Path) -> Result<()> {
        let Some(files) = listing(dir) else {
            return Ok(());
        };
        self.files = files;
        if let Some(parent) = path.parent() {
            fsutil::create_dir_all(parent)?;
        }
        let json = serde_json::to_vec(&self).expect("a record serialises");
        fsutil::write_bytes_atomic(path, &json)
    }
}

/// The reading that the package `slug` in `out` was built from, as its
/// record says (none for a record from before readings were kept): what
/// `clean` keeps of the working folder's readings.
pub fn reading_of(out: &Path, slug: &str) -> Option<String> {
    read(&path(out, slug))
        .map(|r| r.reading)
        .filter(|r| !r.is_empty())
}

/// Remove a package's record before its folder changes.
pub fn forget(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Write {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// The program that builds: its version, and the executable's size and time
/// (a rebuilt program, even at the same version, may write other bytes).
fn program() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{} {:?}", m.len(), m.modified().ok()))
        .unwrap_or_default();
    format!("{} {exe}", env!("CARGO_PKG_VERSION"))
}

/// Every file in `dir` with its size and modification time, by name.
fn listing(dir: &Path) -> Option<Vec<(String, u64, u128)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let meta = entry.metadata().ok()?;
        let time = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        let name = entry.file_name().to_string_lossy().into_owned();
        files.push((name, meta.len(), time));
    }
    files.sort();
    Some(files)
}
