//! The CUE sheet beside `leaflet.wav`: one track per chapter, for players that read `.cue` files.
//!
//! A CUE sheet is plain text, one command a line: `TITLE "..."`, `PERFORMER
//! "..."`, `FILE "..." WAVE`, then `TRACK NN AUDIO` with its `TITLE` and
//! `INDEX 01 mm:ss:ff` (minutes, seconds and frames of 1/75 s) per chapter.
//! It is written in UTF-8 without a byte-order mark (a mark would hide the
//! first command from the simpler parsers) and with Unix line ends.

use std::io::{self, Write};

use crate::{clock, plain};

/// Track numbers have two digits.
pub const MAX_TRACKS: usize = 99;

/// What the sheet says; the times are sample offsets into the audio file.
pub struct Sheet<'a> {
    pub title: &'a str,
    pub performer: &'a str,
    pub file: &'a str,
    /// The file's type as CUE names it: `WAVE` or `MP3`.
    pub file_type: &'a str,
    pub sample_rate: u32,
    /// Each track's title and first sample, in order.
    pub tracks: Vec<(&'a str, u64)>,
}

/// Write the sheet. There must be at most [`MAX_TRACKS`] tracks (the caller
/// checks, to fail before writing anything).
pub fn render(sheet: &Sheet, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "REM COMMENT {}",
        quoted(&format!("audio-leaflet {}", env!("CARGO_PKG_VERSION")))
    )?;
    writeln!(out, "TITLE {}", quoted(sheet.title))?;
    writeln!(out, "PERFORMER {}", quoted(sheet.performer))?;
    writeln!(out, "FILE {} {}", quoted(sheet.file), sheet.file_type)?;
    for (n, (title, start)) in (1..).zip(&sheet.tracks) {
        writeln!(out, "  TRACK {n:02} AUDIO")?;
        writeln!(out, "    TITLE {}", quoted(title))?;
        writeln!(
            out,
            "    INDEX 01 {}",
            clock::cue_index(*start, sheet.sample_rate)
        )?;
    }
    Ok(())
}

/// A CUE string, in double quotes on one line. The format has no escape
/// character, so nothing inside may end the string or the line early:
/// - a straight double quote becomes a typographic one (`“` where a quotation
///   opens, after a space or a bracket or at the start, `”` elsewhere): players
///   that show the title show nearly the same text, where `\"` would be shown
///   as written by some players and end the string in others;
/// - a backslash becomes `＼` (the full-width reverse solidus), since some
///   parsers (libcue's among them) take a backslash as an escape and would
///   swallow the closing quote after a title ending in one;
/// - line breaks and runs of spaces become one space, control characters go.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut previous: Option<char> = None;
    // The only spaces left are the single ones between words.
    for c in plain::one_line_printable(text).chars() {
        let c = match c {
            '"' if previous.is_none_or(|p| p == ' ' || "([{<“‘".contains(p)) => '“',
            '"' => '”',
            '\\' => '＼',
            c => c,
        };
        out.push(c);
        previous = Some(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_backslashes_and_line_breaks_cannot_break_a_string() {
        assert_eq!(quoted(r#"Say "no" (or "yes")"#), "\"Say “no” (or “yes”)\"");
        assert_eq!(quoted("\"Quoted\" first"), "\"“Quoted” first\"");
        assert_eq!(quoted(r"C:\leaflets\"), "\"C:＼leaflets＼\"");
        assert_eq!(quoted(" Two\n lines\t\u{7} "), "\"Two lines\"");
        assert_eq!(
            quoted("Risks <5% 😀 שאלות \"تمام\""),
            "\"Risks <5% 😀 שאלות “تمام”\""
        );
    }

    #[test]
    fn renders_a_sheet() {
        let sheet = Sheet {
            title: "Knee \"care\"",
            performer: "kal16 (flite)",
            file: "leaflet.wav",
            file_type: "WAVE",
            sample_rate: 16_000,
            tracks: vec![("Knee \"care\"", 0), ("After", 16_000 * 75 + 1_000)],
        };
        let mut out = Vec::new();
        render(&sheet, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let expected = format!(
            "REM COMMENT \"audio-leaflet {}\"\n\
             TITLE \"Knee “care”\"\n\
             PERFORMER \"kal16 (flite)\"\n\
             FILE \"leaflet.wav\" WAVE\n  \
             TRACK 01 AUDIO\n    \
             TITLE \"Knee “care”\"\n    \
             INDEX 01 00:00:00\n  \
             TRACK 02 AUDIO\n    \
             TITLE \"After\"\n    \
             INDEX 01 01:15:04\n",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(text, expected);
    }
}
