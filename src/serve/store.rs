//! The web app's leaflets, kept on disk beside the packages so that nothing
//! lives only in memory: `OUT/_sources/<id>.<ext>` is the uploaded file,
//! `<id>.corrected.md` the outline as staff corrected it, and `<id>.json`
//! the leaflet's record (its settings and how its last build went).
//!
//! An id is an ASCII slug made from the uploaded file's name; the name a
//! user sent is only ever shown, never used as a path.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::build::hex;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::leaflet::Kind;
use crate::package::{self, Manifest};
use crate::slug::slugify;

/// The folder inside the output folder that holds the uploaded leaflets. A
/// package's folder is a slug, which never starts with `_`, so the two
/// cannot meet.
pub const SOURCES_DIR: &str = "_sources";
/// The team lexicon's default place: in the output folder, where `build`
/// finds it too.
pub const LEXICON_FILE: &str = crate::build::TEAM_LEXICON;

const CORRECTED: &str = ".corrected.md";

/// How a leaflet's last build went, as written to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BuildState {
    Queued,
    Building,
    Built,
    Failed,
    Cancelled,
    /// The server stopped while the build was queued or running.
    Interrupted,
}

/// What a leaflet's last build left behind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastBuild {
    pub state: BuildState,
    /// Seconds since 1970 when the state was written.
    pub at: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub slug: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    /// The team lexicon's sha256 at build time: a change to it makes the
    /// package out of date.
    #[serde(default)]
    pub lexicon_sha256: String,
}

/// A leaflet's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    /// The file name as it was uploaded, to show staff.
    pub file_name: String,
    /// The reader its bytes called for.
    pub kind: String,
    pub uploaded: u64,
    #[serde(default)]
    pub voice: Option<String>,
    #[serde(default)]
    pub rate_wpm: Option<u32>,
    #[serde(default)]
    pub last_build: Option<LastBuild>,
}

/// The leaflets in one output folder.
#[derive(Debug, Clone)]
pub struct Store {
    pub out: PathBuf,
    pub lexicon: PathBuf,
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether `id` could have been made by this store: a slug, so it is safe
/// to join to a folder.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

fn extension(kind: Kind) -> &'static str {
    match kind {
        Kind::Pdf => "pdf",
        Kind::Docx => "docx",
        Kind::Odt => "odt",
        Kind::Html => "html",
        Kind::Markdown => "md",
        Kind::Text => "txt",
    }
}

impl Store {
    pub fn new(out: &Path, lexicon: Option<&Path>) -> Store {
        Store {
            out: out.to_path_buf(),
            lexicon: lexicon.map_or_else(|| out.join(LEXICON_FILE), Path::to_path_buf),
        }
    }

    pub fn dir(&self) -> PathBuf {
        self.out.join(SOURCES_DIR)
    }

    fn record_path(&self, id: &str) -> PathBuf {
        self.dir().join(format!("{id}.json"))
    }

    /// The uploaded file.
    pub fn original(&self, record: &Record) -> PathBuf {
        let kind = Kind::from_name(&record.kind).unwrap_or(Kind::Text);
        self.dir()
            .join(format!("{}.{}", record.id, extension(kind)))
    }

    /// The outline as staff corrected it (it may not exist).
    pub fn corrected(&self, id: &str) -> PathBuf {
        self.dir().join(format!("{id}{CORRECTED}"))
    }

    /// What a build reads: the corrected outline when there is one.
    pub fn source(&self, record: &Record) -> PathBuf {
        let corrected = self.corrected(&record.id);
        if corrected.is_file() {
            corrected
        } else {
            self.original(record)
        }
    }

    /// Every leaflet, oldest upload first.
    pub fn list(&self) -> Vec<Record> {
        let Ok(entries) = std::fs::read_dir(self.dir()) else {
            return Vec::new();
        };
        let mut records: Vec<Record> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let id = name.strip_suffix(".json")?;
                self.get(id).ok()
            })
            .collect();
        records.sort_by(|a, b| (a.uploaded, &a.id).cmp(&(b.uploaded, &b.id)));
        records
    }

    pub fn get(&self, id: &str) -> Result<Record> {
        if !is_id(id) {
            return Err(Error::Other(format!("there is no leaflet `{id}`")));
        }
        let path = self.record_path(id);
        let text = std::fs::read_to_string(&path).map_err(|_| {
            Error::Other(format!(
                "there is no leaflet `{id}`: upload it on the leaflets page"
            ))
        })?;
        serde_json::from_str(&text).map_err(|e| {
            Error::Other(format!(
                "`{}` is damaged ({e}): delete it and upload the leaflet again",
                path.display()
            ))
        })
    }

    pub fn save(&self, record: &Record) -> Result<()> {
        let text = serde_json::to_string_pretty(record).map_err(|e| {
            Error::Other(format!("cannot write the record of `{}` ({e})", record.id))
        })?;
        write_bytes(&self.record_path(&record.id), text.as_bytes())
    }

    /// Keep an uploaded file: its id comes from `file_name` (made unique),
    /// its extension from the reader its bytes call for.
    pub fn add(&self, file_name: &str, kind: Kind, bytes: &[u8]) -> Result<Record> {
        fsutil::create_dir_all(&self.dir())?;
        let stem = Path::new(file_name.rsplit(['/', '\\']).next().unwrap_or(""))
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = match slugify(&stem, 60) {
            s if s.is_empty() => "leaflet".to_string(),
            s => s,
        };
        let mut id = base.clone();
        let mut n = 2;
        while self.record_path(&id).exists() {
            id = format!("{base}-{n}");
            n += 1;
        }
        let record = Record {
            id,
            file_name: crate::plain::one_line(file_name),
            kind: kind.name().to_string(),
            uploaded: now(),
            voice: None,
            rate_wpm: None,
            last_build: None,
        };
        write_bytes(&self.original(&record), bytes)?;
        self.save(&record)?;
        Ok(record)
    }

    /// Change a record under its own name, reading it fresh first.
    pub fn update(&self, id: &str, change: impl FnOnce(&mut Record)) -> Result<Record> {
        let mut record = self.get(id)?;
        change(&mut record);
        self.save(&record)?;
        Ok(record)
    }

    /// On start: a build the server was running or had queued when it
    /// stopped did not finish; say so.
    pub fn recover(&self) -> Result<usize> {
        let mut n = 0;
        for record in self.list() {
            let unfinished = record
                .last_build
                .as_ref()
                .is_some_and(|b| matches!(b.state, BuildState::Queued | BuildState::Building));
            if unfinished {
                self.update(&record.id, |r| {
                    if let Some(b) = &mut r.last_build {
                        b.state = BuildState::Interrupted;
                        b.at = now();
                    }
                })?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// The sha256 of the team lexicon (empty when there is none).
    pub fn lexicon_sha256(&self) -> String {
        std::fs::read(&self.lexicon)
            .map(|b| hex(&Sha256::digest(&b)))
            .unwrap_or_default()
    }

    /// The package a leaflet's last good build made, if it is still there.
    pub fn package(&self, record: &Record) -> Option<(String, Manifest)> {
        let slug = &record.last_build.as_ref()?.slug;
        if slug.is_empty() {
            return None;
        }
        let text =
            std::fs::read_to_string(self.out.join(slug).join(package::MANIFEST_FILE)).ok()?;
        Some((slug.clone(), serde_json::from_str(&text).ok()?))
    }

    /// Whether a package still matches what a build would make now: the
    /// same source bytes, voice, rate and team lexicon.
    pub fn up_to_date(&self, record: &Record, manifest: &Manifest) -> bool {
        let Ok(bytes) = std::fs::read(self.source(record)) else {
            return false;
        };
        let voice_same = record
            .voice
            .as_ref()
            .is_none_or(|v| *v == manifest.voice.name);
        let rate_same = record.rate_wpm.is_none_or(|r| r == manifest.voice.rate_wpm);
        let lexicon_same = record
            .last_build
            .as_ref()
            .is_some_and(|b| b.lexicon_sha256 == self.lexicon_sha256());
        manifest.source.sha256 == hex(&Sha256::digest(&bytes))
            && voice_same
            && rate_same
            && lexicon_same
    }
}

/// Write a whole file atomically (a temporary file renamed into place).
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    fsutil::write_atomic(path, |w| w.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_slugs_and_unique_and_names_never_become_paths() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path(), None);
        let a = store
            .add("../../etc/Passwd Leaflet.txt", Kind::Text, b"x")
            .unwrap();
        assert_eq!(a.id, "passwd-leaflet");
        let b = store
            .add("..\\Passwd Leaflet.md", Kind::Markdown, b"# x")
            .unwrap();
        assert_eq!(b.id, "passwd-leaflet-2");
        assert!(store.original(&b).ends_with("_sources/passwd-leaflet-2.md"));
        let c = store.add("../", Kind::Pdf, b"%PDF").unwrap();
        assert_eq!(c.id, "leaflet");
        assert_eq!(store.list().len(), 3);
        assert!(!is_id("../x") && !is_id("") && !is_id("A") && is_id("a-2"));
        assert!(store.get("../x").is_err());
    }

    #[test]
    fn an_unfinished_build_is_recorded_as_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path(), None);
        let r = store.add("a.txt", Kind::Text, b"x").unwrap();
        store
            .update(&r.id, |r| {
                r.last_build = Some(LastBuild {
                    state: BuildState::Building,
                    at: 1,
                    slug: String::new(),
                    error: String::new(),
                    lexicon_sha256: String::new(),
                })
            })
            .unwrap();
        assert_eq!(store.recover().unwrap(), 1);
        let state = store.get(&r.id).unwrap().last_build.unwrap().state;
        assert_eq!(state, BuildState::Interrupted);
    }
}
