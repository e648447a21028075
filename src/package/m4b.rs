//! `leaflet.m4b`: the whole leaflet as one audiobook file with chapters, for
//! Apple Books and the audiobook players that want M4B rather than MP3.
//!
//! No AAC encoder is written in Rust, and the usual free one (FFmpeg's own,
//! LGPL) is not something to link; so, as with Debian's `espeak-ng`, the
//! `ffmpeg` program is run as a separate process: the chapters' samples go
//! to its standard input, a chapter list in FFmpeg's metadata format beside
//! them, and it writes AAC-LC in an MP4 container with a chapter track and
//! an edit list for the encoder's priming, so chapter starts stay exact. It
//! is written only when asked for (`--formats m4b` or a list naming it),
//! since FFmpeg may not be installed; when it is missing the build says how
//! to install it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use super::check::Checker;
use super::manifest::Manifest;
use super::{Book, Output, Packager};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::plain::one_line_printable;

pub const M4B_FILE: &str = "leaflet.m4b";

pub struct M4b;

impl Packager for M4b {
    fn name(&self) -> &'static str {
        "m4b"
    }

    fn about(&self) -> &'static str {
        "leaflet.m4b, an audiobook with chapters for Apple Books (needs the ffmpeg program; only when named)"
    }

    fn by_default(&self) -> bool {
        false
    }

    fn owns(&self, file: &str) -> bool {
        file == M4B_FILE
    }

    fn write(&self, book: &Book, out: &Output) -> Result<Vec<String>> {
        let path = out.dir.join(M4B_FILE);
        let fail = |why: String| Error::Other(format!("cannot write `{}`: {why}", path.display()));
        let meta = fsutil::temp_beside(&path, ".ffmeta")?;
        std::fs::write(meta.path(), chapter_list(book)).map_err(|e| fail(e.to_string()))?;
        // ffmpeg writes the temporary file, which is then renamed into place.
        let encoded = fsutil::temp_beside(&path, ".m4b")?;
        encode(book, meta.path(), encoded.path()).map_err(fail)?;
        fsutil::persist(encoded, &path)?;
        Ok(vec![M4B_FILE.to_string()])
    }

    fn check(&self, c: &mut Checker, m: &Manifest) {
        if !c.has(M4B_FILE) {
            return;
        }
        let bytes = std::fs::read(c.dir.join(M4B_FILE)).unwrap_or_default();
        // An MP4 file starts with its `ftyp` box; the brand says M4B/M4A.
        if bytes.get(4..8) != Some(b"ftyp") {
            c.problem(M4B_FILE, "is not an MP4 file");
            return;
        }
        // FFmpeg writes the chapters twice: a QuickTime chapter track and
        // a Nero chapter list (`chpl`), which is the one looked for here.
        if !m.chapters.is_empty() && !bytes.windows(4).any(|w| w == b"chpl") {
            c.problem(M4B_FILE, "has no chapter list");
        }
    }
}

/// FFmpeg's metadata file: the book's title and voice, and a chapter per
/// chapter in milliseconds. Its values escape `=`, `;`, `#`, `\` and line
/// ends with a backslash.
fn chapter_list(book: &Book) -> String {
    let esc = |s: &str| {
        let mut out = String::new();
        for c in one_line_printable(s).chars() {
            if matches!(c, '=' | ';' | '#' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out
    };
    let rate = u64::from(book.sample_rate.max(1));
    let mut text = String::from(";FFMETADATA1\n");
    text.push_str(&format!("title={}\n", esc(&book.title)));
    text.push_str(&format!("album={}\n", esc(&book.title)));
    text.push_str(&format!("artist={}\n", esc(&book.voice)));
    text.push_str("genre=Audiobook\n");
    let mut at = 0u64;
    for (n, ch) in (1..).zip(&book.chapters) {
        let title = if ch.title.trim().is_empty() {
            format!("Chapter {n}")
        } else {
            ch.title.clone()
        };
        text.push_str("[CHAPTER]\nTIMEBASE=1/1000\n");
        text.push_str(&format!("START={}\n", at * 1000 / rate));
        at += ch.samples;
        text.push_str(&format!("END={}\n", at * 1000 / rate));
        text.push_str(&format!("title={}\n", esc(&title)));
    }
    text
}

/// Run ffmpeg: the chapters' samples in on standard input, `out` written.
fn encode(book: &Book, meta: &Path, out: &Path) -> std::result::Result<(), String> {
    let kbps = crate::audio::mp3::bitrate_kbps(book.sample_rate);
    let mut child = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "s16le", "-ar"])
        .arg(book.sample_rate.to_string())
        .args(["-ac", "1", "-i", "pipe:0", "-i"])
        .arg(meta)
        .args(["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"])
        .args(["-c:a", "aac", "-b:a"])
        .arg(format!("{kbps}k"))
        .args(["-f", "ipod", "-movflags", "+faststart"])
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "the ffmpeg program could not be run ({e}): install it (`apt-get install ffmpeg`) or leave m4b out of --formats"
            )
        })?;
    let mut stdin = child.stdin.take().ok_or("ffmpeg took no input")?;
    for ch in &book.chapters {
        let samples = crate::audio::read_wav(&ch.pcm).map_err(|e| e.to_string())?;
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        if let Err(e) = stdin.write_all(&bytes) {
            let _ = child.kill();
            return Err(format!("ffmpeg stopped reading the audio ({e})"));
        }
    }
    drop(stdin);
    let result = child.wait_with_output().map_err(|e| e.to_string())?;
    if !result.status.success() {
        return Err(format!(
            "ffmpeg failed: {}",
            one_line_printable(&String::from_utf8_lossy(&result.stderr))
        ));
    }
    Ok(())
}
