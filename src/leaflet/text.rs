//! Text extracted from a PDF (pdftotext and similar): find the title, the
//! section headings and the blocks of text with general layout rules.
//!
//! The rules look at what a reader sees: a heading starts where a new unit of
//! text may start (after a blank line, the end of a sentence, an indent or a
//! link line), is short or is a question, and is followed by prose.

use std::collections::HashSet;

use super::cleanup::{self, Line};
use super::{Block, Chapter, Dropped, Leaflet};

/// Glyphs that PDF extractors leave where a bullet was drawn.
const BULLETS: &[char] = &[
    '\u{f0b7}', '\u{f0a7}', '\u{f0ab}', '\u{f0d8}', '\u{f0fc}', '\u{f076}', '\u{f0a8}', '➢', '•',
    '▪', '◦', '●', '○', '■', '□', '◆', '►', '▶', '✓', '✔', '*', '-', '–', '·',
];

/// Words a heading does not end with: a line ending in one is wrapped.
const JOINING_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "for", "in", "on", "with", "by", "at", "from",
    "your", "our", "is", "are", "be", "as", "that", "this",
];

pub fn parse(text: &str) -> Leaflet {
    let mut dropped = Vec::new();
    let lines = cleanup::lines_without_furniture(text, &mut dropped);
    let vocab = vocabulary(&lines);
    let mut seg = Segmenter {
        lines: &lines,
        vocab,
        chapters: Vec::new(),
        open: None,
        addresses: HashSet::new(),
        dropped,
        pending_bullet: false,
    };
    let start = seg.title();
    seg.body(start);
    seg.close();
    Leaflet {
        title: seg.chapters[0].title.clone(),
        language: String::new(),
        chapters: seg.chapters,
        dropped: seg.dropped,
        warnings: Vec::new(),
    }
}

fn vocabulary(lines: &[Line]) -> HashSet<String> {
    lines
        .iter()
        .flat_map(|l| l.text.split(|c: char| !(c.is_alphanumeric() || c == '-')))
        .filter(|w| !w.is_empty() && !w.ends_with('-'))
        .map(str::to_lowercase)
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Paragraph,
    ListItem,
    Caption,
}

struct Segmenter<'a> {
    lines: &'a [Line],
    vocab: HashSet<String>,
    chapters: Vec<Chapter>,
    open: Option<(Kind, String)>,
    /// Web and email addresses already given in the text.
    addresses: HashSet<String>,
    dropped: Vec<Dropped>,
    /// A bullet glyph stood alone on the line before.
    pending_bullet: bool,
}

impl Segmenter<'_> {
    /// Read the title from the first lines (a wrapped title is joined) and open
    /// the title chapter. Returns the index of the first line after it.
    fn title(&mut self) -> usize {
        let lines = self.lines;
        let mut i = 0;
        while i < lines.len() && lines[i].is_blank() {
            i += 1;
        }
        let mut title = String::new();
        if i < lines.len() && !is_prose(&lines[i].text) && lines[i].text.len() <= 120 {
            title = lines[i].text.clone();
            i += 1;
            while i < lines.len() && !lines[i].is_blank() && continues_title(&title, &lines[i].text)
            {
                title = format!("{title} {}", lines[i].text);
                i += 1;
            }
        }
        self.chapters.push(Chapter {
            title: squeeze(&title),
            level: 1,
            blocks: Vec::new(),
        });
        i
    }

    fn body(&mut self, start: usize) {
        let lines = self.lines;
        let mut seen_prose = false;
        let mut prev: Option<&Line> = None;
        let mut after_special = true;
        let mut i = start;
        while i < lines.len() {
            let line = &lines[i];
            if line.is_blank() {
                self.close();
                prev = Some(line);
                i += 1;
                continue;
            }
            let prev_blank = prev.is_none_or(Line::is_blank);
            let unit_start = prev_blank
                || after_special
                || prev.is_some_and(|p| ends_sentence(&p.text))
                || line.page_start;
            after_special = false;
            if unit_start {
                let isolated_ok = seen_prose && prev_blank;
                if let Some((title, n)) = self.heading_at(i, isolated_ok) {
                    self.close();
                    self.chapters.push(Chapter {
                        title,
                        level: 1,
                        blocks: Vec::new(),
                    });
                    i += n;
                    prev = Some(&lines[i - 1]);
                    after_special = true;
                    continue;
                }
            }
            if self.special_line(line) {
                after_special = true;
            } else {
                self.text_line(line, unit_start, prev_blank);
            }
            seen_prose |= is_prose(&line.text);
            prev = Some(line);
            i += 1;
        }
    }

    /// Link lines, figure labels and lone bullet glyphs. True when handled.
    fn special_line(&mut self, line: &Line) -> bool {
        let text = line.text.as_str();
        if text
            .chars()
            .all(|c| BULLETS.contains(&c) || c.is_whitespace())
            && text != "-"
        {
            self.close();
            self.pending_bullet = true;
            return true;
        }
        if let Some(key) = cleanup::link_line_key(text) {
            let open_has = self
                .open
                .as_ref()
                .is_some_and(|(_, t)| t.split_whitespace().any(|w| cleanup::address_key(w) == key));
            if self.addresses.contains(&key) || open_has {
                self.close();
                self.dropped.push(Dropped {
                    text: text.to_string(),
                    reason: "link line repeating an address already given".into(),
                });
                return true;
            }
        }
        let bare_label = cleanup::CAPTION
            .captures(text)
            .is_some_and(|c| c.name("rest").is_none_or(|r| r.as_str().trim().is_empty()));
        if bare_label {
            self.close();
            self.dropped.push(Dropped {
                text: text.to_string(),
                reason: "figure label with no caption text".into(),
            });
            return true;
        }
        false
    }

    fn text_line(&mut self, line: &Line, unit_start: bool, prev_blank: bool) {
        let text = line.text.as_str();
        let (bullet, rest) = strip_bullet(text);
        let kind = if unit_start && cleanup::CAPTION.is_match(text) {
            Some(Kind::Caption)
        } else if bullet || self.pending_bullet {
            Some(Kind::ListItem)
        } else if line.indented && prev_blank && starts_lower(text) {
            // A list whose bullet glyphs the extractor dropped.
            Some(Kind::ListItem)
        } else if line.indented && unit_start || self.open.is_none() || self.is_label_run(text) {
            Some(Kind::Paragraph)
        } else {
            None
        };
        self.pending_bullet = false;
        match kind {
            Some(kind) => {
                self.close();
                self.open = Some((kind, rest.to_string()));
            }
            None => {
                let (_, open) = self.open.as_mut().expect("a block is open");
                cleanup::join(open, rest, &self.vocab);
            }
        }
    }

    /// An address or contact block: short lines, each starting with a capital,
    /// that a reader pauses between rather than running together.
    fn is_label_run(&self, next: &str) -> bool {
        let Some((Kind::Paragraph, open)) = &self.open else {
            return false;
        };
        let last_line_short = open.chars().count() < 45;
        last_line_short
            && !open.contains(". ")
            && !ends_with_joining_word(open)
            && !open.ends_with(['-', ','])
            && (starts_upper(next) || is_key_value(next))
            && !is_prose(next)
    }

    fn close(&mut self) {
        let Some((kind, text)) = self.open.take() else {
            return;
        };
        let text = cleanup::strip_reference_numbers(&squeeze(&text), &mut self.dropped);
        for word in text.split_whitespace() {
            if cleanup::is_address_like(word) {
                self.addresses.insert(cleanup::address_key(word));
            }
        }
        let block = match kind {
            Kind::Paragraph => Block::Paragraph(text),
            Kind::ListItem => Block::ListItem(text),
            Kind::Caption => Block::Caption(text),
        };
        self.chapters
            .last_mut()
            .expect("the title chapter exists")
            .blocks
            .push(block);
    }

    /// A heading starting at line `i`: its text and how many lines it spans.
    fn heading_at(&self, i: usize, isolated_ok: bool) -> Option<(String, usize)> {
        let lines = self.lines;
        let first = &lines[i].text;
        if !starts_upper(first)
            || strip_bullet(first).0
            || cleanup::CAPTION.is_match(first)
            || cleanup::link_line_key(first).is_some()
        {
            return None;
        }
        if let Some(q) = self.question_at(i) {
            return Some(q);
        }
        let mut text = first.clone();
        let mut n = 1;
        while n < 3 && i + n < lines.len() {
            let next = &lines[i + n];
            let wrapped = !next.is_blank()
                && (ends_with_joining_word(&text) || starts_lower(&next.text))
                && !ends_sentence(&text);
            if !wrapped {
                break;
            }
            cleanup::join(&mut text, &next.text, &self.vocab);
            n += 1;
        }
        if !is_short_heading(&text) {
            return None;
        }
        let after = lines.get(i + n)?;
        if !after.is_blank() {
            let body_follows = is_prose(&after.text) && !starts_lower(&after.text);
            // A heading over a list or a block of "label: value" lines.
            let items_follow =
                isolated_ok && (is_key_value(&after.text) || strip_bullet(&after.text).0);
            return (body_follows || items_follow).then(|| (squeeze(&text), n));
        }
        let next_filled = lines[i + n..].iter().find(|l| !l.is_blank())?;
        (isolated_ok && is_prose(&next_filled.text) && !starts_lower(&next_filled.text))
            .then(|| (squeeze(&text), n))
    }

    /// A question of up to three lines that ends a line with "?".
    fn question_at(&self, i: usize) -> Option<(String, usize)> {
        let lines = self.lines;
        let mut text = String::new();
        for k in 0..3 {
            let line = lines.get(i + k)?;
            if line.is_blank() || (k > 0 && ends_sentence(&lines[i + k - 1].text)) {
                return None;
            }
            cleanup::join(&mut text, &line.text, &self.vocab);
            if line.text.ends_with('?') {
                let body = &text[..text.len() - 1];
                let one_sentence = !body.contains(['?', '!']) && !body.contains(". ");
                let has_body = lines[i + k + 1..].iter().any(|l| !l.is_blank());
                return (one_sentence && has_body && word_count(&text) <= 45)
                    .then(|| (squeeze(&text), k + 1));
            }
        }
        None
    }
}

fn strip_bullet(text: &str) -> (bool, &str) {
    let mut chars = text.char_indices();
    if let Some((_, c)) = chars.next() {
        let rest = text[c.len_utf8()..].trim_start();
        let spaced = text[c.len_utf8()..].starts_with(char::is_whitespace);
        if BULLETS.contains(&c) && spaced && !rest.is_empty() {
            return (true, rest);
        }
        if c == 'o' && spaced && rest.starts_with(char::is_alphabetic) {
            return (true, rest);
        }
    }
    (false, text)
}

/// "e-mail: x@y.org", "Review date: 01/07/28": a short label, then a colon.
fn is_key_value(text: &str) -> bool {
    text.split_once(':')
        .is_some_and(|(key, _)| key.len() <= 24 && key.split_whitespace().count() <= 3)
}

fn continues_title(title: &str, next: &str) -> bool {
    (ends_with_joining_word(title) || starts_lower(next))
        && !ends_sentence(title)
        && title.len() + next.len() <= 150
}

fn is_short_heading(text: &str) -> bool {
    let words = word_count(text);
    text.chars().count() <= 80
        && (1..=12).contains(&words)
        && !text.ends_with(['.', ',', ';', ':', '-', '–'])
        && !ends_with_joining_word(text)
        && text
            .split_whitespace()
            .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        && !text.split_whitespace().any(cleanup::is_address_like)
}

/// A line that reads as running text rather than a label or an address line.
fn is_prose(text: &str) -> bool {
    text.chars().count() >= 45 || (ends_sentence(text) && word_count(text) >= 3)
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(['"', '\'', ')', '’', '”'])
        .ends_with(['.', '!', '?', ':'])
}

fn ends_with_joining_word(text: &str) -> bool {
    text.split_whitespace()
        .last()
        .is_some_and(|w| JOINING_WORDS.contains(&w.to_lowercase().as_str()))
}

fn starts_upper(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn starts_lower(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_lowercase)
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
