//! Text extracted from a PDF (pdftotext and similar): find the title, the
//! section headings and the blocks of text with general layout rules.
//!
//! The rules look at what a reader sees: a heading starts where a new unit of
//! text may start (after a blank line, the end of a sentence, an indent or a
//! link line), is short or is a question, and is followed by prose.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::cleanup::{self, Line};
use super::{Block, Chapter, Dropped, Leaflet};
use crate::plain::one_line;

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

/// Read text extracted from a PDF; `english` when it is in English, for the
/// repairs that use the English word list.
pub fn parse(text: &str, english: bool) -> Leaflet {
    let mut dropped = Vec::new();
    let mut lines = cleanup::lines_without_furniture(text, &mut dropped);
    join_across_page_breaks(&mut lines);
    let vocab = vocabulary(&lines);
    for line in &mut lines {
        if english {
            line.text = cleanup::rejoin_split_words(&line.text, &vocab);
            if let Some((number, rest)) = glued_page_number(&line.text) {
                dropped.push(Dropped {
                    text: number.to_string(),
                    reason: "page number glued to a heading".into(),
                });
                line.text = rest.to_string();
            }
        }
        let unglued = cleanup::addresses_unglued(&line.text);
        if let Cow::Owned(tidied) = cleanup::tight_punctuation(&unglued) {
            line.text = tidied;
        } else if let Cow::Owned(unglued) = unglued {
            line.text = unglued;
        }
    }
    let mut seg = Segmenter {
        lines: &lines,
        vocab,
        chapters: Vec::new(),
        open: None,
        addresses: HashSet::new(),
        dropped,
        pending_bullets: 0,
        organisation: None,
    };
    let start = seg.title();
    seg.body(start);
    seg.close();
    seg.drop_reference_lists();
    set_heading_levels(&mut seg.chapters);
    for chapter in &mut seg.chapters {
        pair_table_cells(&mut chapter.blocks);
    }
    Leaflet {
        title: seg.chapters[0].title.clone(),
        organisation: seg.organisation,
        language: String::new(),
        chapters: seg.chapters,
        dropped: seg.dropped,
        warnings: Vec::new(),
    }
}

/// A sentence that runs on over a page break is one paragraph: remove the
/// blank lines the break left, so it is not split (or taken for a heading).
fn join_across_page_breaks(lines: &mut Vec<Line>) {
    let mut i = 0;
    while i < lines.len() {
        if lines[i].page_start {
            let prev = (0..i).rev().find(|&p| !lines[p].is_blank());
            if let Some(p) = prev {
                let before = &lines[p].text;
                let runs_on = !ends_sentence(before)
                    && (starts_lower(&lines[i].text)
                        || before.ends_with(['-', ','])
                        || ends_with_joining_word(before));
                if runs_on {
                    lines.drain(p + 1..i);
                    i = p + 1;
                    lines[i].page_start = false;
                    lines[i].indented = false;
                }
            }
        }
        i += 1;
    }
}

/// Numbered headings ("2.1 Diet") sit below their parent; a heading that
/// repeats under several sections ("How much do I need?") is a subheading.
/// As in Markdown, levels go to 6 and the shallowest section is level 1: a
/// subsection with no section above it is a section.
fn set_heading_levels(chapters: &mut [Chapter]) {
    static NUMBERED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[0-9]{1,2}((?:\.[0-9]{1,2})+)\.?\s").unwrap());
    let mut counts = std::collections::HashMap::new();
    for c in chapters.iter().skip(1) {
        *counts.entry(c.title.to_lowercase()).or_insert(0usize) += 1;
    }
    for c in chapters.iter_mut().skip(1) {
        if let Some(m) = NUMBERED.captures(&c.title) {
            c.level = (1 + m[1].matches('.').count()).min(6) as u8;
        } else if counts[&c.title.to_lowercase()] > 1 {
            c.level = 2;
        }
    }
    let shallowest = chapters.iter().skip(1).map(|c| c.level).min().unwrap_or(1);
    for c in chapters.iter_mut().skip(1) {
        c.level -= shallowest - 1;
    }
}

/// A table flattened one cell per line ("Before meals", "4 to 7 mmol/L", ...)
/// reads better as "Before meals: 4 to 7 mmol/L". Only a run of three or more
/// such label-then-number pairs is taken for a table, so an address stays.
fn pair_table_cells(blocks: &mut Vec<Block>) {
    let cell = |b: &Block| match b {
        Block::Paragraph(t) => {
            t.chars().count() <= 50 && !ends_sentence(t) && !t.contains(". ") && !t.ends_with(':')
        }
        _ => false,
    };
    let has_digit = |b: &Block| b.text().contains(|c: char| c.is_ascii_digit());
    let mut out = Vec::with_capacity(blocks.len());
    let mut i = 0;
    while i < blocks.len() {
        let mut j = i;
        while j + 1 < blocks.len()
            && cell(&blocks[j])
            && cell(&blocks[j + 1])
            && !has_digit(&blocks[j])
            && has_digit(&blocks[j + 1])
        {
            j += 2;
        }
        if (j - i) / 2 >= 3 {
            for pair in blocks[i..j].chunks(2) {
                out.push(Block::Paragraph(format!(
                    "{}: {}",
                    pair[0].text(),
                    pair[1].text()
                )));
            }
            i = j;
        } else {
            out.push(blocks[i].clone());
            i += 1;
        }
    }
    *blocks = out;
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
    /// Bullet glyphs that stood on lines of their own, still waiting for the
    /// items they mark.
    pending_bullets: usize,
    organisation: Option<String>,
}

impl Segmenter<'_> {
    /// Read the cover: the organisation's name, generic labels ("Patient
    /// information leaflet") and the title, in whatever order they come, up to
    /// the first prose. Opens the title chapter; returns the next line index.
    fn title(&mut self) -> usize {
        let lines = self.lines;
        let mut i = next_filled(lines, 0);
        let mut title = String::new();
        let mut labels = Vec::new();
        let mut captions = Vec::new();
        let mut organisation: Vec<String> = Vec::new();
        // A picture's description on the cover is read as a caption, and
        // is never the title; text glued to it is read as a line of its own.
        let mut glued_rest: Option<String> = None;
        // A long first line is a title too when a blank line sets it apart
        // and it does not end a sentence.
        let stands_alone = |i: usize| {
            lines.get(i + 1).is_none_or(Line::is_blank)
                && !ends_sentence(&lines[i].text)
                && lines[i].text.chars().count() <= 120
        };
        while i < lines.len() && title.is_empty() {
            let line = glued_rest.take().unwrap_or_else(|| lines[i].text.clone());
            if let Some((caption, rest)) = glued_caption(&line) {
                captions.push(Block::Caption(caption.to_string()));
                glued_rest = Some(rest.to_string());
                continue;
            }
            // Only a whole one: a description wrapped over two lines is read
            // as before.
            let described = line.trim_end().ends_with(')')
                && cleanup::CAPTION
                    .captures(&line)
                    .is_some_and(|c| c.name("described").is_some());
            if described {
                captions.push(Block::Caption(one_line(&line)));
                i = next_filled(lines, i + 1);
                continue;
            }
            let whole = line == lines[i].text;
            if is_prose(&line) && !(stands_alone(i) && whole && i == next_filled(lines, 0)) {
                if !whole {
                    // Prose glued to a description: the body reads both.
                    captions.pop();
                }
                break;
            }
            let (group, next) = self.cover_group(i, &line);
            if !group
                .split_whitespace()
                .any(|w| w.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
            {
                self.dropped.push(Dropped {
                    text: group,
                    reason: "stray glyph on the cover".into(),
                });
            } else if is_organisation(&group) {
                organisation.push(group);
            } else if GENERIC_LABEL.is_match(&group) {
                labels.push(group);
            } else {
                title = group;
            }
            i = next_filled(lines, next);
        }
        if title.is_empty() && organisation.is_empty() && !labels.is_empty() {
            title = labels.remove(0);
        }
        if !organisation.is_empty() {
            let name = one_line(&organisation.join(" "));
            self.dropped.push(Dropped {
                text: name.clone(),
                reason: "organisation name on the cover".into(),
            });
            self.organisation = Some(name);
        }
        self.chapters.push(Chapter {
            title: one_line(&title),
            level: 1,
            blocks: captions
                .into_iter()
                .chain(labels.into_iter().map(Block::Paragraph))
                .collect(),
        });
        i
    }

    /// One line of the cover (`first`, the text of line `start` or what is
    /// left of it) with the lines that continue it.
    fn cover_group(&self, start: usize, first: &str) -> (String, usize) {
        let lines = self.lines;
        let mut text = first.to_string();
        let mut i = start + 1;
        while i < lines.len()
            && !lines[i].is_blank()
            && (continues_title(&text, &lines[i].text)
                || is_organisation(&format!("{text} {}", lines[i].text)))
        {
            text = format!("{text} {}", lines[i].text);
            i += 1;
        }
        (one_line(&text), i)
    }

    fn body(&mut self, start: usize) {
        let lines = self.lines;
        let mut seen_prose = false;
        let mut prev: Option<&Line> = None;
        // The last line with text, across blank lines.
        let mut last_text: Option<&Line> = None;
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
                || prev.is_some_and(|p| {
                    ends_sentence(&p.text) || cleanup::link_line_key(&p.text).is_some()
                })
                || (line.page_start && line.indented);
            after_special = false;
            let value_due = self
                .open
                .as_ref()
                .is_some_and(|(k, t)| *k == Kind::Paragraph && is_bare_label(t));
            if unit_start && !value_due {
                let isolated_ok = seen_prose
                    && prev_blank
                    && last_text.is_none_or(|t: &Line| ends_sentence(&t.text));
                if let Some((title, n)) = self.heading_at(i, isolated_ok, seen_prose) {
                    self.close();
                    self.chapters.push(Chapter {
                        title,
                        level: 1,
                        blocks: Vec::new(),
                    });
                    i += n;
                    prev = Some(&lines[i - 1]);
                    last_text = prev;
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
            last_text = prev;
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
            self.pending_bullets += text.chars().filter(|c| BULLETS.contains(c)).count();
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
        let bare_label = cleanup::CAPTION.captures(text).is_some_and(|c| {
            c.name("described").is_none()
                && c.name("rest").is_none_or(|r| r.as_str().trim().is_empty())
        });
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
        // "(Image of a scanner)Division of Imaging": an extractor glued the
        // next line to a picture's description. The description is a
        // caption of its own, and what follows starts a paragraph.
        if unit_start && let Some((caption, rest)) = glued_caption(text) {
            self.close();
            self.open = Some((Kind::Caption, caption.to_string()));
            self.close();
            let rest = Line {
                text: rest.to_string(),
                indented: false,
                page_start: false,
            };
            self.text_line(&rest, true, false);
            return;
        }
        let (bullet, rest) = strip_bullet(text);
        let open_kind = self.open.as_ref().map(|(k, _)| *k);
        let kind = if unit_start && cleanup::CAPTION.is_match(text) {
            Some(Kind::Caption)
        } else if bullet || self.pending_bullets > 0 {
            self.pending_bullets = self.pending_bullets.saturating_sub(1);
            Some(Kind::ListItem)
        } else if unit_start && NUMBERED_ITEM.is_match(text) {
            Some(Kind::ListItem)
        } else if line.indented && prev_blank && starts_lower(text) {
            // A list whose bullet glyphs the extractor dropped.
            Some(Kind::ListItem)
        } else if self.is_value_of_label(text) {
            let (_, open) = self.open.as_mut().expect("a label is open");
            if !open.ends_with(':') {
                open.push(':');
            }
            open.push(' ');
            open.push_str(text);
            return;
        } else if line.indented && unit_start
            || self.open.is_none()
            || self.is_label_run(text)
            || self.breaks_at_an_address(text)
            || (open_kind == Some(Kind::ListItem) && starts_upper(text) && text.ends_with(':'))
        {
            Some(Kind::Paragraph)
        } else {
            None
        };
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

    /// "Review date" then "01/07/28" on the next line: a label and its value.
    fn is_value_of_label(&self, next: &str) -> bool {
        let Some((Kind::Paragraph, open)) = &self.open else {
            return false;
        };
        if is_bare_label(open) {
            return !is_prose(next) && !next.ends_with(':') && word_count(next) <= 5;
        }
        let label = !open.contains(char::is_numeric)
            && word_count(open) <= 4
            && !ends_with_joining_word(open)
            && (open.ends_with(':') || !open.ends_with(['.', ',', ';', '-', '?', '!']));
        let value = next.starts_with(|c: char| c.is_ascii_digit()) && word_count(next) <= 3;
        label && value
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

    /// "www.nhs.uk/asthma" then "www.asthma.org.uk" on the next line: a list
    /// of links, each its own paragraph. Run together, the spelt-out
    /// addresses would give a listener no way to tell where one ends. So
    /// too a line that starts with a capital after one that ends with an
    /// address ("... or email help@uhs.nhs.uk" then "For help with ..."):
    /// the sentence ended there, only its full stop was left off.
    fn breaks_at_an_address(&self, next: &str) -> bool {
        let Some((Kind::Paragraph | Kind::ListItem, open)) = &self.open else {
            return false;
        };
        // From the end: the open paragraph may be long.
        let ends_with_address = open
            .split_whitespace()
            .next_back()
            .is_some_and(cleanup::is_address_like);
        (cleanup::is_bare_address(open) && cleanup::is_bare_address(next))
            || (ends_with_address && starts_upper(next))
    }

    fn close(&mut self) {
        let Some((kind, text)) = self.open.take() else {
            return;
        };
        let text = cleanup::strip_reference_numbers(&one_line(&text), &mut self.dropped);
        let text = inline_bullets_as_commas(&text);
        let text = cleanup::space_numbers_from_words(&text);
        // A citation that opened the block leaves a space at its start.
        let text = one_line(&cleanup::strip_bracket_citations(&text, &mut self.dropped));
        for word in text.split_whitespace() {
            if cleanup::is_address_like(word) {
                self.addresses.insert(cleanup::address_key(word));
            }
        }
        let block = match kind {
            Kind::ListItem => Block::ListItem(text),
            // Whether a block is a caption is read from its final text, as
            // the Markdown reader reads it, so that both readers agree.
            Kind::Paragraph | Kind::Caption => match cleanup::CAPTION.captures(&text) {
                Some(c) if c.name("rest").is_some_and(|r| r.as_str().trim().is_empty()) => {
                    self.dropped.push(Dropped {
                        text,
                        reason: "figure label with no caption text".into(),
                    });
                    return;
                }
                Some(_) => Block::Caption(text),
                None => Block::Paragraph(text),
            },
        };
        self.chapters
            .last_mut()
            .expect("the title chapter exists")
            .blocks
            .push(block);
    }

    /// A reference list is for readers who can look the sources up; a listener
    /// cannot. Its chapter is dropped, each entry recorded.
    fn drop_reference_lists(&mut self) {
        static REFERENCES: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)^(references|bibliography|sources|citations|reference list)$").unwrap()
        });
        let mut kept = Vec::with_capacity(self.chapters.len());
        for (i, chapter) in std::mem::take(&mut self.chapters).into_iter().enumerate() {
            if i == 0 || !REFERENCES.is_match(&chapter.title) {
                kept.push(chapter);
                continue;
            }
            let reason = format!("reference list (under \"{}\")", chapter.title);
            self.dropped.push(Dropped {
                text: chapter.title.clone(),
                reason: reason.clone(),
            });
            for block in chapter.blocks {
                self.dropped.push(Dropped {
                    text: block.text().to_string(),
                    reason: reason.clone(),
                });
            }
        }
        self.chapters = kept;
    }

    /// A heading starting at line `i`: its text and how many lines it spans.
    /// `isolated_ok`: a heading may stand alone between blank lines here (the
    /// text before it ended a sentence, so it is not a table cell or label).
    fn heading_at(&self, i: usize, isolated_ok: bool, seen_prose: bool) -> Option<(String, usize)> {
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
        if first
            .split_once(": ")
            .is_some_and(|(_, value)| !value.trim().is_empty())
        {
            return None; // "Ward: 01632 960 555" is a line of contact details
        }
        let mut text = first.clone();
        let mut n = 1;
        while n < 3 && i + n < lines.len() {
            let next = &lines[i + n];
            let wrapped = !next.is_blank()
                && ((ends_with_joining_word(&text) && !is_prose(&next.text))
                    || starts_lower(&next.text))
                && !ends_sentence(&text)
                && cleanup::link_line_key(&next.text).is_none();
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
            // A next line starting in lower case or with a bare number
            // ("2398 or read...") carries on the same sentence.
            let runs_on = starts_lower(&after.text)
                || (after.text.starts_with(|c: char| c.is_ascii_digit())
                    && !NUMBERED_ITEM.is_match(&after.text));
            let body_follows = !runs_on
                && (is_prose(&after.text)
                    || (word_count(&after.text) >= 4
                        && lines.get(i + n + 1).is_some_and(|l| starts_lower(&l.text))));
            // A heading over a list, links or "label: value" lines.
            let items_follow = seen_prose
                && (is_key_value(&after.text)
                    || strip_bullet(&after.text).0
                    || NUMBERED_ITEM.is_match(&after.text)
                    || cleanup::link_line_key(&after.text).is_some());
            return (body_follows || items_follow).then(|| (one_line(&text), n));
        }
        let next_filled = lines[i + n..].iter().find(|l| !l.is_blank())?;
        (isolated_ok && is_prose(&next_filled.text) && !starts_lower(&next_filled.text))
            .then(|| (one_line(&text), n))
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
                    .then(|| (one_line(&text), k + 1));
            }
        }
        None
    }
}

/// Labels that say what kind of document this is, not what it is about.
static GENERIC_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:patient\s+)?(?:information|leaflet|factsheet)(?:\s+(?:leaflet|sheet|factsheet|booklet))?(?:\s+for\s+.*)?|(?:the\s+)?(?:department|division|directorate)\s+of\s+[^.?!]{3,60})$")
        .unwrap()
});

/// "(Image of a scanner)Division of Imaging": a picture's description
/// ([`cleanup::CAPTION`]) and the capital that starts the text glued to it.
fn glued_caption(text: &str) -> Option<(&str, &str)> {
    let close = text.find(')')?;
    let (caption, rest) = text.split_at(close + 1);
    let described = cleanup::CAPTION
        .captures(caption)
        .is_some_and(|c| c.name("described").is_some());
    (described && !caption[1..].contains('(') && rest.starts_with(char::is_uppercase))
        .then_some((caption, rest))
}

/// The name of a hospital, trust or health board as printed on a cover.
fn is_organisation(text: &str) -> bool {
    static ORG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:\bNHS|\bTrust|\bHospitals?|\bHealth Board|\bInfirmary|\bUniversity Hospitals?)$",
        )
        .unwrap()
    });
    ORG.is_match(text.trim_end_matches(['.', ',']))
}

fn next_filled(lines: &[Line], mut i: usize) -> usize {
    while i < lines.len() && lines[i].is_blank() {
        i += 1;
    }
    i
}

/// "1. Take...", "2) Ring...", "(a) ...", "b. ...", "iv. ...", "(ii) ...": an
/// item of a list numbered with digits, letters or lower-case Roman numerals.
static NUMBERED_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[0-9]{1,2}[.)]|\([0-9]{1,2}\)|\(?[a-h][.)]|\(?(?:i{1,3}|iv|vi{0,3}|ix|x)[.)])\s+\S",
    )
    .unwrap()
});

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
    text.split_once(':').is_some_and(|(key, value)| {
        key.len() <= 24 && key.split_whitespace().count() <= 3 && !value.trim().is_empty()
    })
}

/// "Department:" alone on a line, its value on the next.
fn is_bare_label(text: &str) -> bool {
    text.ends_with(':') && word_count(text) <= 3 && text.len() <= 30
}

/// "Trust • 1st edition": a bullet used as a separator inside a line.
fn inline_bullets_as_commas(text: &str) -> String {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.chars().all(|c| BULLETS.contains(&c)) && !w.chars().all(|c| c == '-' || c == '–')
            {
                ","
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
}

fn continues_title(title: &str, next: &str) -> bool {
    (ends_with_joining_word(title)
        || starts_lower(next)
        || title.ends_with(',')
        || is_bracketed_short_name(next))
        && !ends_sentence(title)
        && title.len() + next.len() <= 150
}

/// "(MRI)", "(OA)": a title's short name on a line of its own.
fn is_bracketed_short_name(text: &str) -> bool {
    text.strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .is_some_and(|name| {
            (1..=12).contains(&name.len())
                && name.chars().any(|c| c.is_ascii_uppercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '&'))
        })
}

fn is_short_heading(text: &str) -> bool {
    let words = word_count(text);
    text.chars().count() <= 80
        && (1..=12).contains(&words)
        && !text.ends_with(['.', ',', ';', ':', '-', '–'])
        && !ends_with_dangling_word(text)
        && text
            .split_whitespace()
            .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        && !text.split_whitespace().any(cleanup::is_address_like)
}

/// A line that reads as running text rather than a label or an address line.
fn is_prose(text: &str) -> bool {
    text.chars().count() >= 45 || (ends_sentence(text) && word_count(text) >= 3)
}

/// "2What is osteoarthritis?", "3Planning and pacing": a page number an
/// extractor glued to the heading that starts the next page. One or two
/// digits straight before a capitalised word of the English word list, on
/// a line that is a question or does not end a sentence (a sentence could
/// have lost the space in "2Weeks"). Returns the number and the heading.
fn glued_page_number(text: &str) -> Option<(&str, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&digits) || (ends_sentence(text) && !text.trim_end().ends_with('?')) {
        return None;
    }
    let (number, rest) = text.split_at(digits);
    let word = rest.split(|c: char| !c.is_ascii_alphabetic()).next()?;
    let capitalised = word.len() >= 3
        && word.starts_with(|c: char| c.is_ascii_uppercase())
        && word[1..].bytes().all(|b| b.is_ascii_lowercase());
    (capitalised && crate::words::is_dictionary_word(&word.to_ascii_lowercase()))
        .then_some((number, rest))
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(['"', '\'', ')', '’', '”'])
        .ends_with(['.', '!', '?', ':'])
}

/// A heading can end in "for" or "to" ("Signs to look out for") but not in an
/// article or conjunction.
fn ends_with_dangling_word(text: &str) -> bool {
    const DANGLING: &[&str] = &["a", "an", "the", "and", "or", "of", "your", "our"];
    text.split_whitespace()
        .last()
        .is_some_and(|w| DANGLING.contains(&w.to_lowercase().as_str()))
}

fn ends_with_joining_word(text: &str) -> bool {
    text.split_whitespace()
        .last()
        .is_some_and(|w| JOINING_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Spanish opens questions and exclamations with "¿" and "¡".
fn starts_upper(text: &str) -> bool {
    text.trim_start_matches(['¿', '¡', '"', '“', '\''])
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn starts_lower(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_lowercase)
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Split words are put back in English text only: the word list is
    /// English.
    #[test]
    fn split_words_are_put_back_in_english_only() {
        let text = "Knee care\n\nAfter your proce dure, rest.\n";
        let said = |english| parse(text, english).chapters[0].blocks.clone();
        assert_eq!(
            said(true),
            [Block::Paragraph("After your procedure, rest.".into())]
        );
        assert_eq!(
            said(false),
            [Block::Paragraph("After your proce dure, rest.".into())]
        );
    }

    #[test]
    fn a_page_number_glued_to_a_heading_goes() {
        assert_eq!(
            glued_page_number("2What is osteoarthritis?"),
            Some(("2", "What is osteoarthritis?"))
        );
        assert_eq!(
            glued_page_number("3Planning and pacing day-to-day tasks"),
            Some(("3", "Planning and pacing day-to-day tasks"))
        );
        // A sentence, a name that is not a word, a longer number, or a space: left.
        assert_eq!(
            glued_page_number("2Weeks after surgery you can drive."),
            None
        );
        assert_eq!(glued_page_number("4Kx is the name"), None);
        assert_eq!(glued_page_number("2024Review dates"), None);
        assert_eq!(glued_page_number("2 What is it?"), None);
        assert_eq!(glued_page_number("3D scans"), None);
        let l = parse(
            "Knee care\n\nThe knee bends.\n\n2What is arthritis?\nIt is wear of the joint.\n",
            true,
        );
        assert_eq!(l.chapters[1].title, "What is arthritis?");
        assert!(l.dropped.iter().any(|d| d.text == "2"));
    }

    #[test]
    fn a_picture_on_the_cover_is_a_caption_and_the_department_a_label() {
        let l = parse(
            "(Image of a scanner)Division of Imaging\nInformation for Patients\n\
             Magnetic Resonance Imaging\n(MRI)\nWhat is an MRI scan?\n\
             MRI stands for Magnetic Resonance Imaging. It is painless.\n",
            true,
        );
        assert_eq!(l.title, "Magnetic Resonance Imaging (MRI)");
        assert_eq!(
            l.chapters[0].blocks,
            [
                Block::Caption("(Image of a scanner)".into()),
                Block::Paragraph("Division of Imaging".into()),
                Block::Paragraph("Information for Patients".into()),
            ]
        );
        assert_eq!(l.chapters[1].title, "What is an MRI scan?");
        // A description on a line of its own, before the title.
        let l = parse(
            "(Picture of a knee)\nKnee care\n\nWear the brace all day, every day, for six weeks.\n",
            true,
        );
        assert_eq!(l.title, "Knee care");
        assert_eq!(
            l.chapters[0].blocks[0],
            Block::Caption("(Picture of a knee)".into())
        );
        // Prose glued to a description on the cover: read once, in the body.
        let l = parse(
            "(Image of a knee brace)Wear the brace all day, every day, for six weeks.\n\n\
             Take it off to wash.\n",
            true,
        );
        let captions = l.chapters.iter().flat_map(|c| &c.blocks);
        assert_eq!(
            captions.filter(|b| matches!(b, Block::Caption(_))).count(),
            1
        );
    }

    /// A picture's description with the next line glued to it, as some
    /// extractors give it: a caption, then the paragraph it was glued to. With
    /// a space after the description, the line is one caption, as before.
    #[test]
    fn a_picture_description_glued_to_text_is_a_caption_of_its_own() {
        let l = parse(
            "Knee care\n\n(Image of a knee brace)Wear the brace\nall day.\n\n\
             (Picture of a knee) shows the joint.\n",
            true,
        );
        let blocks: Vec<&Block> = l.chapters.iter().flat_map(|c| &c.blocks).collect();
        assert_eq!(
            blocks,
            [
                &Block::Caption("(Image of a knee brace)".into()),
                &Block::Paragraph("Wear the brace all day.".into()),
                &Block::Caption("(Picture of a knee) shows the joint.".into())
            ]
        );
    }
}
