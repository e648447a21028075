//! Bytes to text: UTF-8 with or without a byte-order mark, else Windows-1252.

use std::path::Path;
use std::sync::LazyLock;

use crate::error::{Error, Result};

pub struct Decoded {
    pub text: String,
    pub warnings: Vec<String>,
}

/// Lines: what a file of text may hold on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// At most [`MAX_LINE_CHARS`]: text and Markdown.
    Short,
    /// Any length: a web page's markup is often all on one line.
    Any,
}

pub fn decode(path: &Path, bytes: &[u8], lines: Lines) -> Result<Decoded> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return utf16_with_bom(bytes)
            .map(|text| Decoded {
                text: text.replace("\r\n", "\n").replace('\r', "\n"),
                warnings: Vec::new(),
            })
            .ok_or_else(|| Error::NotText {
                path: path.to_path_buf(),
                why: "starts like UTF-16 text but is not: save it as UTF-8 and try again".into(),
            });
    }
    if let Some(kind) = known_binary(bytes) {
        return Err(Error::NotText {
            path: path.to_path_buf(),
            why: kind.into(),
        });
    }
    if bytes.contains(&0) {
        return Err(Error::NotText {
            path: path.to_path_buf(),
            why: "is not a text file: it holds binary data (NUL bytes); give the text of the leaflet, as .txt or .md".into(),
        });
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) if let Some(encoding) = declared_charset(body, lines) => {
            let (text, had_errors) = encoding.decode_without_bom_handling(body);
            if had_errors {
                warnings.push(format!(
                    "`{}` says it is {} but some bytes are not; those were read as replacement marks (save it as UTF-8 to silence this)",
                    path.display(),
                    encoding.name()
                ));
            }
            text.into_owned()
        }
        Err(_) => {
            warnings.push(format!(
                "`{}` is not UTF-8; read it as Windows-1252 (save it as UTF-8 to silence this)",
                path.display()
            ));
            body.iter().map(|&b| cp1252(b)).collect()
        }
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
        .count();
    if controls * 20 > text.chars().count() {
        let why = if warnings.is_empty() {
            "is not a text file: it is mostly control characters; give the text of the leaflet, as .txt or .md"
        } else {
            "is in an encoding that is neither UTF-8 nor Windows-1252: save it as UTF-8 and try again"
        };
        return Err(Error::NotText {
            path: path.to_path_buf(),
            why: why.into(),
        });
    }
    let longest = match lines {
        Lines::Short => longest_line(&text),
        Lines::Any => None,
    };
    if let Some((line, chars)) = longest.filter(|&(_, n)| n > MAX_LINE_CHARS) {
        return Err(Error::NotText {
            path: path.to_path_buf(),
            why: format!(
                "has a line (line {line}) of {chars} characters, more than a leaflet's lines can be ({MAX_LINE_CHARS}): is this really the leaflet's text?"
            ),
        });
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    Ok(Decoded { text, warnings })
}

/// The character encoding a web page declares in its first 1024 bytes
/// (`<meta charset="...">` or `<meta http-equiv="Content-Type"
/// content="text/html; charset=...">`), as the HTML standard's prescan
/// looks for it, by its WHATWG label; UTF-16 labels are taken as UTF-8 (the
/// bytes were not UTF-16, or they would have had a byte-order mark), and
/// a page declared UTF-8 that is not is left to the Windows-1252 guess. Only
/// web pages ([`Lines::Any`]) declare one.
fn declared_charset(bytes: &[u8], lines: Lines) -> Option<&'static encoding_rs::Encoding> {
    static CHARSET: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        regex::bytes::Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"#)
            .unwrap()
    });
    if lines != Lines::Any {
        return None;
    }
    let head = &bytes[..bytes.len().min(1024)];
    let label = CHARSET.captures(head)?.get(1)?.as_bytes();
    let encoding = encoding_rs::Encoding::for_label(label)?.output_encoding();
    // A page that says UTF-8 but is not is read as Windows-1252, with the
    // warning, like an undeclared one.
    (encoding != encoding_rs::UTF_8).then_some(encoding)
}

/// Longer than any paragraph a leaflet prints on one line, even one saved
/// from a web page with each paragraph on a line.
pub const MAX_LINE_CHARS: usize = 100_000;

/// The line number and length of the longest line.
fn longest_line(text: &str) -> Option<(usize, usize)> {
    text.split(['\n', '\r'])
        .enumerate()
        .map(|(i, l)| (i + 1, l.chars().count()))
        .max_by_key(|&(_, n)| n)
}

/// Windows' "Unicode" text: UTF-16 with a byte-order mark.
fn utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let (le, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|p| {
        if le {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// Files staff may pick by mistake, known by their first bytes.
fn known_binary(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF") {
        Some(
            "is a PDF, not text: leave out --input-format (or give --input-format pdf) to read it as one",
        )
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        Some("is a WAV sound file, not a leaflet: give the leaflet's text (.txt or .md)")
    } else if starts(b"PK\x03\x04") {
        Some(
            "is a zip file that is neither a Word (.docx) nor an OpenDocument (.odt) document: give the leaflet as .docx, .odt, .pdf, a web page or text",
        )
    } else if starts(b"\xD0\xCF\x11\xE0") {
        Some(
            "is a password-protected or old-format (.doc) Office file: remove the password or save it as .docx, and try again",
        )
    } else if starts(b"\x89PNG") || starts(b"\xFF\xD8\xFF") || starts(b"GIF8") {
        Some("is a picture, not a leaflet: give the leaflet's text (.txt or .md)")
    } else if starts(b"ID3") || starts(b"OggS") || starts(b"fLaC") {
        Some("is a sound file, not a leaflet: give the leaflet's text (.txt or .md)")
    } else {
        None
    }
}

/// Windows-1252: Latin-1 except for the printable characters at 0x80-0x9F.
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Result<Decoded> {
        decode(Path::new("x.txt"), bytes, Lines::Short)
    }

    #[test]
    fn strips_bom_and_crlf() {
        let d = dec(b"\xEF\xBB\xBFTitle\r\nText\r\n").unwrap();
        assert_eq!(d.text, "Title\nText\n");
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn falls_back_to_windows_1252_with_a_warning() {
        let d = dec(b"Caf\xe9 \x93quoted\x94").unwrap();
        assert_eq!(d.text, "Café “quoted”");
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn refuses_empty_and_binary() {
        assert!(matches!(dec(b"  \n\n"), Err(Error::Empty { .. })));
        assert!(matches!(
            dec(b"PK\x03\x04\x00\x00"),
            Err(Error::NotText { .. })
        ));
    }
}
