//! `playlist.m3u8`: an extended M3U playlist of the chapters, in order.

use super::check::Checker;
use super::manifest::Manifest;
use super::{Book, SingleFile};
use crate::clock;
use crate::plain::one_line;

pub const PLAYLIST_FILE: &str = "playlist.m3u8";

pub struct Playlist;

impl SingleFile for Playlist {
    fn name(&self) -> &'static str {
        "m3u8"
    }

    fn about(&self) -> &'static str {
        "an M3U8 playlist of the chapters"
    }

    fn check(&self, c: &mut Checker, m: &Manifest) {
        if c.has(PLAYLIST_FILE) {
            check_playlist(c, m);
        }
    }

    fn file(&self) -> &'static str {
        PLAYLIST_FILE
    }

    fn render(&self, book: &Book, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(out, "#EXTM3U")?;
        writeln!(out, "#PLAYLIST:{}", one_line(&book.title))?;
        for c in &book.chapters {
            let secs = book.duration_s(c);
            writeln!(
                out,
                "#EXTINF:{},{}",
                clock::decimal_seconds(secs),
                one_line(&c.title)
            )?;
            writeln!(out, "{}", c.file)?;
        }
        Ok(())
    }
}

/// The playlist names every chapter, in order, with its length and title.
fn check_playlist(c: &mut Checker, m: &Manifest) {
    let Some(text) = c.read(PLAYLIST_FILE) else {
        return;
    };
    if !text.starts_with("#EXTM3U") {
        c.problem(PLAYLIST_FILE, "does not start with #EXTM3U");
    }
    let files: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    let wanted: Vec<&str> = m.chapters.iter().map(|ch| ch.file.as_str()).collect();
    if files != wanted {
        c.problem(
            PLAYLIST_FILE,
            format!("lists {files:?}; the chapters are {wanted:?}"),
        );
    }
    let infos = text.lines().filter(|l| l.starts_with("#EXTINF:")).count();
    if infos != m.chapters.len() {
        c.problem(
            PLAYLIST_FILE,
            format!(
                "has {infos} #EXTINF lines for {} chapters",
                m.chapters.len()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::BookChapter;

    #[test]
    fn lists_chapters_in_order_with_seconds() {
        let chapter = |index, title: &str, samples| BookChapter {
            index,
            level: 1,
            title: title.into(),
            file: format!("0{index}-x.wav"),
            samples,
            words: 3,
            loudness_lufs: -18.0,
            true_peak_dbtp: -3.0,
            audio_key: String::new(),
            passages: Vec::new(),
            audio: Default::default(),
            pcm: Default::default(),
        };
        let book = Book {
            title: "T".into(),
            language: "en".into(),
            organisation: None,
            slug: "t".into(),
            identifier: "audio-leaflet-t".into(),
            date: "2026-01-01".into(),
            source_file: "t.txt".into(),
            source_sha256: String::new(),
            backend: "flite".into(),
            model_sha256: String::new(),
            voice: "kal16".into(),
            rate_wpm: 175,
            sample_rate: 16_000,
            audio_format: crate::package::AudioFormat::Wav,
            chapters: vec![chapter(1, "One", 32_000), chapter(2, "Two\nlines", 8_000)],
        };
        let mut out = Vec::new();
        Playlist.render(&book, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "#EXTM3U\n#PLAYLIST:T\n#EXTINF:2.000,One\n01-x.wav\n#EXTINF:0.500,Two lines\n02-x.wav\n"
        );
    }
}
