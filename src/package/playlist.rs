//! `playlist.m3u8`: an extended M3U playlist of the chapters, in order.

use super::{Book, SingleFile};
use crate::clock;
use crate::plain::one_line;

pub const PLAYLIST_FILE: &str = "playlist.m3u8";

pub struct Playlist;

impl SingleFile for Playlist {
    fn name(&self) -> &'static str {
        "m3u8"
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
