//! What a file is, told from its bytes and text rather than its name: a PDF,
//! a Word or OpenDocument file (both zips), a saved web page, Markdown, or
//! text extracted from a PDF. The name only breaks a tie.

use std::io::{Cursor, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The reader a file is given to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Pdf,
    Docx,
    Odt,
    Html,
    Markdown,
    /// Text extracted from a PDF (or typed or pasted): no markup.
    Text,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Pdf,
        Kind::Docx,
        Kind::Odt,
        Kind::Html,
        Kind::Markdown,
        Kind::Text,
    ];

    /// The name `--input-format` takes and `chapters --json` shows.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Odt => "odt",
            Kind::Html => "html",
            Kind::Markdown => "markdown",
            Kind::Text => "text",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        let name = name.to_ascii_lowercase();
        let name = match name.as_str() {
            "md" => "markdown",
            "htm" => "html",
            "txt" => "text",
            other => other,
        };
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the reader takes the file's bytes (not decoded text).
    pub fn is_binary(self) -> bool {
        matches!(self, Kind::Pdf | Kind::Docx | Kind::Odt)
    }
}

/// The extensions a folder is searched for.
pub const EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "pdf", "docx", "odt", "html", "htm", "xhtml",
];

/// The kind of a file: `None` when the bytes are no leaflet of any kind
/// (a picture, a sound, another zip); the text reader's decoder then says
/// what it is.
pub fn sniff(path: &Path, bytes: &[u8]) -> Option<Kind> {
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Some(Kind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_kind(bytes);
    }
    if looks_binary(head) {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    let text = text.trim_start_matches('\u{feff}');
    if is_html(text) {
        return Some(Kind::Html);
    }
    let named_markdown = extension(path).is_some_and(|e| e == "md" || e == "markdown");
    if named_markdown || markdown_score(text) >= 2 {
        Some(Kind::Markdown)
    } else {
        Some(Kind::Text)
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// NUL bytes, or the magic numbers of pictures and sounds.
fn looks_binary(head: &[u8]) -> bool {
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    !utf16 && head.contains(&0)
}

/// A Word file has `word/document.xml`; an OpenDocument text file names its
/// type in `mimetype`. Only the zip's directory and that small entry are read.
fn zip_kind(bytes: &[u8]) -> Option<Kind> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if zip.by_name("word/document.xml").is_ok() {
        return Some(Kind::Docx);
    }
    let mut mimetype = String::new();
    let entry = zip.by_name("mimetype").ok()?;
    entry.take(200).read_to_string(&mut mimetype).ok()?;
    (mimetype.trim() == "application/vnd.oasis.opendocument.text").then_some(Kind::Odt)
}

/// A document type, an `<html>` element, or a `<head>` or `<body>` near the top.
fn is_html(text: &str) -> bool {
    let start: String = text
        .trim_start()
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || (start.starts_with('<') && (start.contains("<head") || start.contains("<body")))
}

/// How much the text looks like Markdown: ATX headings (`## Why…`), setext
/// underlines, links written `[text](url)`, and lines in `**bold**`. Text
/// from a PDF has none of these, so two are enough.
fn markdown_score(text: &str) -> usize {
    let mut score = 0;
    let mut previous = "";
    for line in text.lines().take(2000) {
        if markdown_line(previous, line.trim_end()) {
            score += 1;
        }
        previous = line;
    }
    score
}

fn markdown_line(previous: &str, t: &str) -> bool {
    let hashes = t.chars().take_while(|&c| c == '#').count();
    let atx = (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') && t.len() > hashes + 1;
    let setext = !previous.trim().is_empty()
        && t.len() >= 3
        && (t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-'))
        && !previous.trim_start().starts_with(['-', '*', '•']);
    let link = t.contains("](") && t.contains('[');
    let bold = t.starts_with("**") && t.ends_with("**") && t.len() > 4;
    atx || setext || link || bold
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str, bytes: &[u8]) -> Option<Kind> {
        sniff(Path::new(name), bytes)
    }

    #[test]
    fn markdown_saved_as_txt_is_read_as_markdown() {
        let md = "# Grommets\n\nSome text.\n\n## Why might my child need one?\n\nMore text.\n";
        assert_eq!(kind("page.txt", md.as_bytes()), Some(Kind::Markdown));
        let pdf_text = "Grommets\n\nSome text wrapped\nover lines.\n\n• A bullet\n";
        assert_eq!(kind("page.txt", pdf_text.as_bytes()), Some(Kind::Text));
        assert_eq!(kind("page.md", pdf_text.as_bytes()), Some(Kind::Markdown));
    }

    #[test]
    fn web_pages_pdfs_and_zips_are_told_apart_by_their_bytes() {
        let html = "\u{feff}  <!DOCTYPE html>\n<html lang=\"en\"><body><h1>X</h1></body></html>";
        assert_eq!(kind("saved.txt", html.as_bytes()), Some(Kind::Html));
        assert_eq!(
            kind("x.html", b"<div><body>hi</body></div>"),
            Some(Kind::Html)
        );
        assert_eq!(kind("leaflet.txt", b"%PDF-1.7\n..."), Some(Kind::Pdf));
        assert_eq!(kind("notes.md", b"\x89PNG\r\n\x1a\n\0\0"), None);
        // A zip that is neither Word nor OpenDocument is no leaflet.
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            w.start_file("hello.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, b"hello").unwrap();
            w.finish().unwrap();
        }
        assert_eq!(kind("x.docx", buf.get_ref()), None);
    }

    #[test]
    fn input_format_names() {
        assert_eq!(Kind::from_name("MD"), Some(Kind::Markdown));
        assert_eq!(Kind::from_name("htm"), Some(Kind::Html));
        assert_eq!(Kind::from_name("pdf"), Some(Kind::Pdf));
        assert_eq!(Kind::from_name("rtf"), None);
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
    }
}
