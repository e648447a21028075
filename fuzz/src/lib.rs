//! What must hold for any input, however broken or hostile: the checks that
//! the fuzz targets run on each input, and that the test suite runs on the
//! crash inputs kept in `tests/fixtures/fuzz/` and in its property tests
//! (`tests/cli/main.rs` includes this file as the module `checks`).
//!
//! Each check panics with the offending value when a rule is broken.

use std::sync::LazyLock;

use audio_leaflet::leaflet::{self, Format, Kind, Leaflet};
use audio_leaflet::script::normalize::{self, Lang};
use audio_leaflet::script::{self, Options, Script};

/// The name a leaflet without a title of its own gets (the file name).
pub const FALLBACK_TITLE: &str = "fuzz input";

/// Leaflet text (titles, blocks and dropped text) per byte of input, at most.
pub const LEAFLET_GROWTH: usize = 4;
/// Spoken text per byte of input in one utterance, and in all of them.
pub const UTTERANCE_GROWTH: usize = 32;
pub const SCRIPT_GROWTH: usize = 128;
/// Room for what does not come from the input: the fallback title, the
/// opening announcement and the closing.
pub const FIXED_TEXT: usize = 1024;

static OPTIONS: LazyLock<Options> = LazyLock::new(Options::with_built_in_lexicon);

/// Bytes as text: what the reader would see of them, invalid UTF-8 replaced.
pub fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The format and the text for a target that reads both: the first byte
/// chooses the format.
pub fn format_and_text(data: &[u8]) -> (Format, String) {
    match data.split_first() {
        Some((first, rest)) => {
            let format = if first % 2 == 0 {
                Format::PdfText
            } else {
                Format::Markdown
            };
            (format, text_of(rest))
        }
        None => (Format::PdfText, String::new()),
    }
}

/// Read `text` and check the leaflet: it has its title chapter, levels are
/// 1 to 6, and it holds no more text than a small multiple of the input.
pub fn read(text: &str, format: Format) -> Leaflet {
    let leaflet = leaflet::parse(text, format, FALLBACK_TITLE, None);
    assert!(!leaflet.chapters.is_empty(), "no title chapter");
    for c in &leaflet.chapters {
        assert!((1..=6).contains(&c.level), "level {}: {c:?}", c.level);
    }
    let size = leaflet_text_len(&leaflet);
    let limit = LEAFLET_GROWTH * text.len() + FIXED_TEXT;
    assert!(
        size <= limit,
        "{size} bytes of leaflet text from {} bytes of input",
        text.len()
    );
    leaflet
}

/// Leaflet text a structured file (PDF, Word, OpenDocument) may give at
/// most, whatever its size: their contents are compressed, so the bound is
/// the readers' own limit on what they unpack, not a multiple of the input.
pub const UNPACKED_LIMIT: usize = 64 << 20;

/// Read bytes as a file of `kind` (or of the kind they look like, when
/// `None`), as `build` would. A refusal is fine; a reader that panicked (the
/// error says the reader failed) is a finding, as is a leaflet that breaks
/// the rules [`read`] checks.
pub fn read_file(data: &[u8], kind: Option<Kind>) -> Option<Leaflet> {
    let path = std::path::Path::new("fuzz-input");
    match leaflet::read_bytes(path, data, None, kind) {
        Ok((read_as, leaflet)) => {
            assert!(!leaflet.chapters.is_empty(), "no title chapter");
            for c in &leaflet.chapters {
                assert!((1..=6).contains(&c.level), "level {}: {c:?}", c.level);
            }
            let size = leaflet_text_len(&leaflet);
            let limit = if read_as.is_binary() {
                UNPACKED_LIMIT
            } else {
                LEAFLET_GROWTH * data.len() + FIXED_TEXT + 64
            };
            assert!(
                size <= limit,
                "{size} bytes of leaflet text from {} bytes",
                data.len()
            );
            Some(leaflet)
        }
        Err(e) => {
            let message = e.to_string();
            assert!(
                !message.contains("reader failed on it"),
                "a reader panicked: {message}"
            );
            None
        }
    }
}

/// Bytes of text in a leaflet: title, organisation, chapter titles, blocks
/// and dropped text.
pub fn leaflet_text_len(leaflet: &Leaflet) -> usize {
    let chapters: usize = leaflet
        .chapters
        .iter()
        .map(|c| c.title.len() + c.blocks.iter().map(|b| b.text().len()).sum::<usize>())
        .sum();
    let dropped: usize = leaflet.dropped.iter().map(|d| d.text.len()).sum();
    leaflet.title.len() + leaflet.organisation.as_ref().map_or(0, String::len) + chapters + dropped
}

/// Read `text`, write its script with the built-in lexicon and check every
/// utterance (see [`spoken_text`]) and the script's size.
pub fn script(text: &str, format: Format) -> Script {
    let leaflet = read(text, format);
    let script = script::write(&leaflet, &OPTIONS);
    assert_eq!(script.chapters.len(), leaflet.chapters.len());
    let mut total = 0;
    for chapter in &script.chapters {
        assert!(!chapter.utterances.is_empty(), "chapter without its title");
        for u in &chapter.utterances {
            spoken_text(&u.text, text.len(), UTTERANCE_GROWTH);
            total += u.text.len();
        }
    }
    let limit = SCRIPT_GROWTH * text.len() + FIXED_TEXT;
    assert!(
        total <= limit,
        "{total} bytes of script from {} bytes of input",
        text.len()
    );
    script
}

/// The spoken form of `text` in English and in Spanish, checked.
pub fn normalize(text: &str) -> [String; 2] {
    [Lang::En, Lang::Es].map(|lang| {
        let said = normalize::spoken(text, lang, &OPTIONS.lexicon);
        spoken_text(&said, text.len(), UTTERANCE_GROWTH);
        said
    })
}

/// What the voice is given: no control characters, no markup, and at most
/// `growth` bytes per byte of input (plus the fixed text).
pub fn spoken_text(said: &str, input_len: usize, growth: usize) {
    assert!(
        !said.chars().any(char::is_control),
        "control character in {said:?}"
    );
    if let Some(markup) = raw_markup(said) {
        panic!("raw markup {markup:?} in {said:?}");
    }
    assert!(
        said.len() <= growth * input_len + FIXED_TEXT,
        "{} bytes said for {input_len} bytes of input",
        said.len()
    );
}

/// Markup a listener must not be given: an HTML tag (`<b>`, `</p>`,
/// `<!DOCTYPE html>`), the opening of an HTML comment (`<!--`), Markdown
/// strong emphasis (`**`) or a Markdown link (`](`). A `<` or `>` on its own
/// ("< 5", "Settings > Display", "a -> b") is not.
pub fn raw_markup(text: &str) -> Option<&str> {
    for bad in ["<!--", "**", "]("] {
        if let Some(at) = text.find(bad) {
            return Some(&text[at..at + bad.len()]);
        }
    }
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices('<') {
        let opens = bytes
            .get(at + 1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?'));
        if let Some(len) = text[at..].find('>').filter(|_| opens) {
            return Some(&text[at..=at + len]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::raw_markup;

    #[test]
    fn markup_is_told_from_comparisons() {
        for text in [
            "<b>x",
            "a </p> b",
            "<!DOCTYPE html>",
            "**x",
            "[a](b)",
            "<!-- x",
        ] {
            assert!(raw_markup(text).is_some(), "{text}");
        }
        for text in [
            "< 5 and > 3",
            "Settings > Display",
            "a <b",
            "x* *y",
            "a --> b",
        ] {
            assert_eq!(raw_markup(text), None, "{text}");
        }
    }
}
