//! What each leaflet file read as, kept by its bytes, so that a rebuild
//! with nothing changed knows a leaflet's package name, voice and build key
//! without parsing it again (parsing, with the reader's patterns to compile,
//! was most of such a rebuild's work).
//!
//! A reading is kept in the working folder under a SHA-256 of the file's
//! bytes, the options that steer the reader and the program, so the same
//! key always means the same reading: a file, program or option that
//! changed misses it and is parsed. It is written once its leaflet is
//! built, through a temporary file (in the cache folder) renamed into place, so shards sharing
//! the folder may write the same reading at once. A rebuild that finds its
//! package out of date parses the file anyway, to write the script.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::fsutil;
use crate::leaflet::{Kind, Leaflet};
use serde::{Deserialize, Serialize};

/// The readings' folder, inside the output folder's working folder.
const READINGS_DIR: &str = ".audio-leaflet/read";

/// What a build needs of a leaflet before it knows whether to build it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub kind: Kind,
    pub title: String,
    pub language: String,
    pub chapters: usize,
    pub warnings: Vec<String>,
}

impl Reading {
    pub fn of(kind: Kind, leaflet: &Leaflet) -> Reading {
        Reading {
            kind,
            title: leaflet.title.clone(),
            language: leaflet.language.clone(),
            chapters: leaflet.chapters.len(),
            warnings: leaflet.warnings.clone(),
        }
    }
}

/// The key of reading `bytes` with `lang` and `kind` (`--lang`,
/// `--input-format`) by this program.
pub fn key(bytes: &[u8], lang: Option<&str>, kind: Option<Kind>) -> String {
    let mut h = super::built::ProgramHash::new();
    h.part(bytes);
    h.part(format!("{lang:?} {kind:?}").as_bytes());
    h.finish()
}

fn path(out: &Path, key: &str) -> PathBuf {
    out.join(READINGS_DIR).join(format!("{key}.json"))
}

/// The reading kept under `key`, if any (one that does not parse is none).
pub fn recall(out: &Path, key: &str) -> Option<Reading> {
    let text = std::fs::read(path(out, key)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Remove the readings whose keys are not in `used` (`audio-leaflet
/// clean`): how many there were, and their bytes.
pub fn clean(out: &Path, used: &std::collections::HashSet<String>) -> Result<(usize, u64)> {
    let dir = out.join(READINGS_DIR);
    fsutil::remove_unused(&dir, used, |name| name.strip_suffix(".json"), |_| true)
}

/// Keep `reading` under `key`, unless it is kept already (a damaged one
/// is written again).
pub fn keep(out: &Path, key: &str, reading: &Reading) -> Result<()> {
    if recall(out, key).as_ref() == Some(reading) {
        return Ok(());
    }
    let path = path(out, key);
    if let Some(dir) = path.parent() {
        fsutil::create_dir_all(dir)?;
    }
    // The temporary file is made in the cache folder, where a writer killed
    // before its rename leaves the only litter a build may leave, which no
    // lookup reads and `clean` removes; then renamed into place.
    let cache = out.join(super::cache::CACHE_DIR);
    fsutil::create_dir_all(&cache)?;
    let mut tmp = fsutil::temp_beside(&cache.join("reading"), ".json")?;
    serde_json::to_writer(std::io::BufWriter::new(tmp.as_file_mut()), reading).map_err(|e| {
        crate::error::Error::Write {
            path: path.clone(),
            source: std::io::Error::other(e),
        }
    })?;
    fsutil::persist(tmp, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading() -> Reading {
        Reading {
            kind: Kind::Markdown,
            title: "Knee injection".into(),
            language: "en".into(),
            chapters: 4,
            warnings: vec!["a warning".into()],
        }
    }

    #[test]
    fn kept_readings_are_recalled_by_their_key() {
        let out = tempfile::tempdir().unwrap();
        let key = key(b"# Knee injection", None, None);
        assert_eq!(recall(out.path(), &key), None);
        keep(out.path(), &key, &reading()).unwrap();
        assert_eq!(recall(out.path(), &key), Some(reading()));
        // A second writer of the same reading changes nothing.
        keep(out.path(), &key, &reading()).unwrap();
        assert_eq!(recall(out.path(), &key), Some(reading()));
    }

    #[test]
    fn the_key_follows_the_bytes_and_the_options() {
        let plain = key(b"text", None, None);
        assert_eq!(plain, key(b"text", None, None));
        assert_ne!(plain, key(b"text!", None, None));
        assert_ne!(plain, key(b"text", Some("cy"), None));
        assert_ne!(plain, key(b"text", None, Some(Kind::Text)));
    }

    #[test]
    fn a_damaged_reading_is_not_recalled() {
        let out = tempfile::tempdir().unwrap();
        let key = key(b"x", None, None);
        std::fs::create_dir_all(out.path().join(READINGS_DIR)).unwrap();
        std::fs::write(path(out.path(), &key), b"{\"kind\":").unwrap();
        assert_eq!(recall(out.path(), &key), None);
    }
}
