//! Bytes to text: UTF-8 with or without a byte-order mark, else Windows-1252.

use std::path::Path;

use crate::error::{Error, Result};

pub struct Decoded {
    pub text: String,
    pub warnings: Vec<String>,
}

pub fn decode(path: &Path, bytes: &[u8]) -> Result<Decoded> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    if bytes.contains(&0) {
        return Err(Error::NotText {
            path: path.to_path_buf(),
            why: "it holds binary data (NUL bytes)".into(),
        });
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
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
        return Err(Error::NotText {
            path: path.to_path_buf(),
            why: "it is mostly control characters".into(),
        });
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    Ok(Decoded { text, warnings })
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
        decode(Path::new("x.txt"), bytes)
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
