//! The leaflet model, and reading a file into it.
//!
//! A [`Leaflet`] is what a person sees on the page: a title, chapters (one per
//! section heading, with its level) and their blocks of text, plus a record of
//! everything that was dropped as page debris so staff can check nothing real
//! was lost.

mod cleanup;
mod decode;
pub mod document;
mod docx;
mod export;
mod html;
mod language;
mod markdown;
mod odt;
mod pdf;
mod sniff;
mod text;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};

/// Whether a word is (part of) a web or email address, for the script.
pub(crate) use cleanup::is_address_like;
pub use decode::Decoded;
pub use export::to_markdown;
pub use sniff::{EXTENSIONS, Kind, sniff};

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
    /// The reader that read it.
    pub kind: Kind,
    pub leaflet: Leaflet,
}

/// Read and parse a leaflet file. Errors name the file and say what to do.
/// The largest leaflet file read: far more than any leaflet (the longest
/// real ones are under 100 KB), small enough to refuse a wrong file quickly.
pub const MAX_BYTES: u64 = 5_000_000;
/// The most chapters a leaflet may have: file names and players count them
/// in a few digits, and no real leaflet comes near.
pub const MAX_CHAPTERS: usize = 500;

pub fn read(path: &Path, lang: Option<&str>) -> Result<Source> {
    read_as(path, lang, None)
}

/// Read a leaflet with the reader for `kind`, or for what the bytes say it
/// is when `kind` is `None` (`--input-format` gives it).
pub fn read_as(path: &Path, lang: Option<&str>, kind: Option<Kind>) -> Result<Source> {
    parse_file(path, read_file(path)?, lang, kind)
}

/// The bytes of the leaflet file at `path`, refused (with a message naming
/// it) when it is a folder or larger than any leaflet.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let rerr = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(rerr)?;
    if meta.is_dir() {
        return Err(Error::NotText {
            path: path.to_path_buf(),
            why: "is a folder with no leaflets in it (.pdf, .docx, .odt, .html, .md or .txt files): give leaflet files, or a folder that holds them".into(),
        });
    }
    if meta.len() > MAX_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            bytes: meta.len(),
            limit: MAX_BYTES,
        });
    }
    std::fs::read(path).map_err(rerr)
}

/// Parse the `bytes` of the leaflet file at `path` as [`read_as`] does,
/// with the same checks.
pub fn parse_file(
    path: &Path,
    bytes: Vec<u8>,
    lang: Option<&str>,
    kind: Option<Kind>,
) -> Result<Source> {
    let (kind, leaflet) = read_bytes(path, &bytes, lang, kind)?;
    if leaflet.chapters.len() > MAX_CHAPTERS {
        return Err(Error::TooManyChapters {
            path: path.to_path_buf(),
            count: leaflet.chapters.len(),
            limit: MAX_CHAPTERS,
        });
    }
    if !has_text(&leaflet) {
        return Err(Error::NoContent {
            path: path.to_path_buf(),
        });
    }
    Ok(Source {
        path: path.to_path_buf(),
        bytes,
        kind,
        leaflet,
    })
}

/// Read a leaflet's bytes (`path` names it in messages and gives the
/// fallback title): the reader it was given to, and the leaflet.
pub fn read_bytes(
    path: &Path,
    bytes: &[u8],
    lang: Option<&str>,
    kind: Option<Kind>,
) -> Result<(Kind, Leaflet)> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = kind.or_else(|| sniff::sniff(path, bytes));
    if let Some(k) = kind.filter(|k| k.is_binary()) {
        return Ok((k, read_binary(path, bytes, k, &stem, lang)?));
    }
    let kind = kind.unwrap_or(Kind::Text);
    let lines = match kind {
        Kind::Html => decode::Lines::Any,
        _ => decode::Lines::Short,
    };
    let decoded = decode::decode(path, bytes, lines)?;
    let mut leaflet = match kind {
        Kind::Html => {
            let doc = guarded(path, kind, || html::read(&decoded.text))?;
            from_document(doc, &stem, lang)
        }
        Kind::Markdown => parse(&decoded.text, Format::Markdown, &stem, lang),
        _ => parse(&decoded.text, Format::PdfText, &stem, lang),
    };
    leaflet.warnings.extend(decoded.warnings);
    Ok((kind, leaflet))
}

/// Whether the leaflet has text to read beyond its headings: a word in a
/// paragraph, a list item or a caption. A saved web page whose text a
/// script was to fill in (only its title is in the file), a document of
/// pictures, bullets or headings alone, or page debris alone has none, and
/// would otherwise be narrated as a title and nothing else.
fn has_text(leaflet: &Leaflet) -> bool {
    leaflet
        .chapters
        .iter()
        .flat_map(|c| &c.blocks)
        .any(|b| count_words(b.text()) > 0)
}

fn read_binary(
    path: &Path,
    bytes: &[u8],
    kind: Kind,
    stem: &str,
    lang: Option<&str>,
) -> Result<Leaflet> {
    let document = guarded(path, kind, || match kind {
        Kind::Pdf => pdf::read(bytes),
        Kind::Docx => docx::read(bytes),
        _ => odt::read(bytes),
    })?;
    Ok(from_document(document, stem, lang))
}

/// Run a reader, its failure as an error naming the file. A reader that
/// panics (a parser's bug on a strange file) is caught: the user is told the
/// file could not be read and what to do, never shown the panic.
fn guarded(
    path: &Path,
    kind: Kind,
    read: impl FnOnce() -> std::result::Result<document::Document, String>,
) -> Result<document::Document> {
    let result = crate::fsutil::quietly(read).unwrap_or_else(|| {
        Err(format!(
            "could not be read: the {} reader failed on it; save it another way (for example as PDF or Markdown) and try again, and report the file",
            kind.name()
        ))
    });
    result.map_err(|why| Error::NotText {
        path: path.to_path_buf(),
        why,
    })
}

/// The leaflet a structured reader's document makes: the same outline and
/// debris rules as Markdown; `--lang`, else the language the file declares,
/// else the one its text is in.
fn from_document(doc: document::Document, fallback_title: &str, lang: Option<&str>) -> Leaflet {
    let text = doc.text();
    let mut leaflet = markdown::from_units(doc.units);
    leaflet.warnings.extend(doc.warnings);
    if leaflet.title.is_empty() {
        leaflet.title = fallback_title.to_string();
        if let Some(first) = leaflet.chapters.first_mut().filter(|c| c.title.is_empty()) {
            first.title = fallback_title.to_string();
        }
    }
    leaflet.language = match lang.or(doc.language.as_deref()) {
        Some(l) => l.to_ascii_lowercase(),
        None => language::detect(&text).to_string(),
    };
    leaflet
}

/// A `---` block of `key: value` lines at the top of a Markdown file.
fn front_matter(text: &str) -> (Vec<(String, String)>, &str) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (Vec::new(), text);
    };
    let Some(end) = rest
        .find("\n---\n")
        .map(|e| e + 1)
        .or_else(|| rest.starts_with("---\n").then_some(0))
    else {
        return (Vec::new(), text);
    };
    let pairs = rest[..end]
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    (pairs, &rest[end + 4..])
}

/// Parse decoded text. `fallback_title` names the leaflet when it has no title
/// line of its own; `lang` overrides language detection.
pub fn parse(text: &str, format: Format, fallback_title: &str, lang: Option<&str>) -> Leaflet {
    let (front, text) = match format {
        Format::Markdown => front_matter(text),
        Format::PdfText => (Vec::new(), text),
    };
    let mut lang = lang.map(str::to_string);
    let mut organisation = None;
    for (key, value) in front {
        match key.as_str() {
            "language" | "lang" if lang.is_none() && !value.is_empty() => lang = Some(value),
            "organisation" | "organization" if !value.is_empty() => organisation = Some(value),
            _ => {}
        }
    }
    // Detected once, before reading: the PDF-text reader's word repairs
    // are for English only.
    let language = match lang {
        Some(l) => l.to_ascii_lowercase(),
        None => language::detect(text).to_string(),
    };
    let mut leaflet = match format {
        Format::Markdown => markdown::parse(text),
        Format::PdfText => text::parse(text, language.starts_with("en")),
    };
    if organisation.is_some() {
        leaflet.organisation = organisation;
    }
    if leaflet.title.is_empty() {
        leaflet.title = fallback_title.to_string();
        if let Some(first) = leaflet.chapters.first_mut().filter(|c| c.title.is_empty()) {
            first.title = fallback_title.to_string();
        }
    }
    leaflet.language = language;
    leaflet
}
