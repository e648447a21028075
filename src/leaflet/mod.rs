//! The leaflet model, and reading a file into it.
//!
//! A [`Leaflet`] is what a person sees on the page: a title, chapters (one per
//! section heading, with its level) and their blocks of text, plus a record of
//! everything that was dropped as page debris so staff can check nothing real
//! was lost.

mod cleanup;
mod decode;
mod language;
mod markdown;
mod text;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};

pub use decode::Decoded;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leaflet {
    pub title: String,
    /// The hospital or trust that publishes the leaflet, when the cover says.
    pub organisation: Option<String>,
    /// Two-letter language code (ISO 639-1), e.g. `en`.
    pub language: String,
    pub chapters: Vec<Chapter>,
    /// Text that is not spoken, with the reason, in reading order.
    pub dropped: Vec<Dropped>,
    /// Problems worth telling staff about that did not stop the reading.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chapter {
    pub title: String,
    /// 1 for a top-level section, 2 for a subsection, and so on.
    pub level: u8,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum Block {
    Paragraph(String),
    ListItem(String),
    /// The text under or beside a picture, read as a caption.
    Caption(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dropped {
    pub text: String,
    pub reason: String,
}

impl Block {
    pub fn text(&self) -> &str {
        match self {
            Block::Paragraph(t) | Block::ListItem(t) | Block::Caption(t) => t,
        }
    }
}

impl Chapter {
    /// Words a listener hears in this chapter: its title and its text.
    pub fn words(&self) -> usize {
        count_words(&self.title)
            + self
                .blocks
                .iter()
                .map(|b| count_words(b.text()))
                .sum::<usize>()
    }
}

pub fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// The kind of file, from its name: Markdown for `.md`/`.markdown`, else text
/// extracted from a PDF or a web page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    PdfText,
    Markdown,
}

impl Format {
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown") => {
                Format::Markdown
            }
            _ => Format::PdfText,
        }
    }
}

/// A leaflet read from disk, with what is needed to name it and trace it back.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub leaflet: Leaflet,
}

/// Read and parse a leaflet file. Errors name the file and say what to do.
pub fn read(path: &Path, lang: Option<&str>) -> Result<Source> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let decoded = decode::decode(path, &bytes)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut leaflet = parse(&decoded.text, Format::from_path(path), &stem, lang);
    leaflet.warnings.extend(decoded.warnings);
    if leaflet.chapters.iter().all(|c| c.blocks.is_empty()) && leaflet.chapters.len() <= 1 {
        let has_words = leaflet.chapters.iter().any(|c| c.words() > 0);
        if !has_words {
            return Err(Error::NoContent {
                path: path.to_path_buf(),
            });
        }
    }
    Ok(Source {
        path: path.to_path_buf(),
        bytes,
        leaflet,
    })
}

/// Parse decoded text. `fallback_title` names the leaflet when it has no title
/// line of its own; `lang` overrides language detection.
pub fn parse(text: &str, format: Format, fallback_title: &str, lang: Option<&str>) -> Leaflet {
    let mut leaflet = match format {
        Format::Markdown => markdown::parse(text),
        Format::PdfText => text::parse(text),
    };
    if leaflet.title.is_empty() {
        leaflet.title = fallback_title.to_string();
        if let Some(first) = leaflet.chapters.first_mut().filter(|c| c.title.is_empty()) {
            first.title = fallback_title.to_string();
        }
    }
    leaflet.language = match lang {
        Some(l) => l.to_ascii_lowercase(),
        None => language::detect(text).to_string(),
    };
    leaflet
}
