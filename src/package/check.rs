//! `audio-leaflet check`: is a package complete and consistent? The
//! manifest must read; then each format checks its own files against it
//! ([`super::Packager::check`]): every chapter WAV readable and as long as
//! the manifest says, the playlist in order, the DAISY book, web player and
//! joined file agreeing with the chapters.

use std::path::{Path, PathBuf};

use roxmltree::{Document, ParsingOptions};

use super::MANIFEST_FILE;
use super::manifest::Manifest;

/// How far a duration may differ from the manifest.
pub const TOLERANCE_S: f64 = 0.010;

/// One thing wrong with a package, named by its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.what)
    }
}

/// A package being checked: each format's check reads its files through
/// this and adds what it finds wrong.
pub struct Checker {
    pub dir: PathBuf,
    pub problems: Vec<Problem>,
    /// Each chapter file's length in samples, once the chapter audio is
    /// checked (0 for one that could not be read).
    pub lengths: Vec<u64>,
}

impl Checker {
    pub fn problem(&mut self, file: &str, what: impl Into<String>) {
        self.problems.push(Problem {
            file: file.to_string(),
            what: what.into(),
        });
    }

    /// Whether the package has this file (a format checks only what it wrote).
    pub fn has(&self, file: &str) -> bool {
        self.dir.join(file).exists()
    }

    pub fn read(&mut self, file: &str) -> Option<String> {
        match std::fs::read_to_string(self.dir.join(file)) {
            Ok(text) => Some(text),
            Err(e) => {
                self.problem(file, format!("cannot be read ({e})"));
                None
            }
        }
    }
}

/// Check the package in `dir`: the manifest, then each format's own check
/// of its files (a format left out by `--formats` finds none and says
/// nothing). An empty list means it is sound.
pub fn check(dir: &Path) -> Vec<Problem> {
    let mut c = Checker {
        dir: dir.to_path_buf(),
        problems: Vec::new(),
        lengths: Vec::new(),
    };
    let Some(text) = c.read(MANIFEST_FILE) else {
        c.problems[0]
            .what
            .push_str(": this is not a finished package (build it again)");
        return c.problems;
    };
    let manifest: Manifest = match serde_json::from_str(&text) {
        Ok(m) => m,
        Err(e) => {
            c.problem(MANIFEST_FILE, format!("is not a valid manifest: {e}"));
            return c.problems;
        }
    };
    // The chapter audio first: the others compare themselves with its
    // lengths. Then every other format's check side by side, each with its
    // own list, joined in the registry's order.
    use rayon::prelude::*;
    let (first, rest) = super::REGISTRY.split_first().expect("formats");
    first.check(&mut c, &manifest);
    let found: Vec<Vec<Problem>> = rest
        .par_iter()
        .map(|packager| {
            let mut own = Checker {
                dir: c.dir.clone(),
                problems: Vec::new(),
                lengths: c.lengths.clone(),
            };
            packager.check(&mut own, &manifest);
            own.problems
        })
        .collect();
    c.problems.extend(found.into_iter().flatten());
    c.problems
}

/// XML as the DAISY files are written: with a DOCTYPE.
pub fn parse(text: &str) -> Result<Document<'_>, roxmltree::Error> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options)
}

/// The `content` of every `<meta name=…>`.
pub fn metas<'a>(doc: &'a Document, name: &str) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.has_tag_name("meta") && n.attribute("name") == Some(name))
        .filter_map(|n| n.attribute("content"))
        .collect()
}
