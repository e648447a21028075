//! Units into chapters: headings (and bold lines acting as headings) start
//! chapters, captions are marked, list numbers are kept, levels are evened.

use super::units::{Kind, Unit};
use crate::leaflet::{Block, Chapter, Dropped, Leaflet, cleanup, count_words};

/// The most words a bold line acting as a heading may have.
const BOLD_HEADING_WORDS: usize = 12;

pub fn build(units: Vec<Unit>) -> Leaflet {
    let bold = bold_headings(&units);
    let mut chapters: Vec<Chapter> = Vec::new();
    let mut dropped: Vec<Dropped> = Vec::new();
    // The level of the latest Markdown heading, for bold lines under it.
    let mut latest = 0;
    for (i, unit) in units.into_iter().enumerate() {
        match unit.kind {
            Kind::Dropped(_) => dropped.extend(unit.into_dropped()),
            Kind::Heading(level) => {
                latest = level;
                chapters.push(chapter(unit.text, level));
            }
            _ if bold[i] => {
                let title = unit.text.trim_end_matches(':').trim_end().to_string();
                chapters.push(chapter(title, (latest + 1).min(6)));
            }
            _ => match block(unit) {
                Ok(b) => current(&mut chapters).blocks.push(b),
                Err(d) => dropped.push(d),
            },
        }
    }
    finish(chapters, dropped)
}

/// Which units are bold lines acting as headings: a paragraph of its own
/// that is all strong text, short, not a sentence (no full stop), not a
/// caption, with no web or email address (an address set in bold is a
/// contact, not a section), and followed by text that is not another
/// heading. Its level is one below the latest Markdown heading (the title on
/// a page that has no section headings), so a page that uses only bold lines
/// for its sections gets them as level 1 sections under the title, and bold
/// lines under a `##` section become its subsections.
fn bold_headings(units: &[Unit]) -> Vec<bool> {
    let candidate = |u: &Unit| {
        u.kind == Kind::Paragraph
            && u.all_strong
            && !u.nested
            && (1..=BOLD_HEADING_WORDS).contains(&count_words(&u.text))
            && !u.text.ends_with(['.', ',', ';'])
            && !cleanup::CAPTION.is_match(&u.text)
            && !u.text.split_whitespace().any(cleanup::is_address_like)
    };
    let kept: Vec<usize> = (0..units.len())
        .filter(|&i| !units[i].is_dropped())
        .collect();
    let mut bold = vec![false; units.len()];
    for (k, &i) in kept.iter().enumerate() {
        let body = kept.get(k + 1).map(|&j| &units[j]);
        bold[i] = candidate(&units[i]) && body.is_some_and(|b| !b.is_heading() && !candidate(b));
    }
    bold
}

/// A unit's block: a caption when it starts "Figure 2" and the like, a list
/// item with its number, else a paragraph. A figure label with no caption
/// text says nothing to a listener and is dropped, as from PDF text.
fn block(unit: Unit) -> Result<Block, Dropped> {
    if unit.kind == Kind::Item {
        // The number is kept: steps are often referred to by number ("repeat
        // steps 2 to 4"), and the PDF reader keeps them too. "1)" becomes
        // "1." so the voice pauses after the number the same way.
        return Ok(Block::ListItem(match unit.number {
            Some(n) => format!("{n}. {}", unit.text),
            None => unit.text,
        }));
    }
    match cleanup::CAPTION.captures(&unit.text) {
        Some(c) if c.name("rest").is_some_and(|r| r.as_str().trim().is_empty()) => Err(Dropped {
            text: unit.text,
            reason: "figure label with no caption text".into(),
        }),
        Some(_) => Ok(Block::Caption(unit.text)),
        None => Ok(Block::Paragraph(unit.text)),
    }
}

fn chapter(title: String, level: u8) -> Chapter {
    Chapter {
        title,
        level,
        blocks: Vec::new(),
    }
}

/// The chapter text goes into: text before the first heading opens an
/// untitled one, named later from the file.
fn current(chapters: &mut Vec<Chapter>) -> &mut Chapter {
    if chapters.is_empty() {
        chapters.push(chapter(String::new(), 1));
    }
    chapters.last_mut().unwrap()
}

/// The first chapter is the title; the shallowest level after it becomes 1,
/// so `# Title` then `## Sections` gives level 1 sections.
fn finish(mut chapters: Vec<Chapter>, dropped: Vec<Dropped>) -> Leaflet {
    current(&mut chapters);
    let title = chapters[0].title.clone();
    let shallowest = chapters[1..].iter().map(|c| c.level).min().unwrap_or(1);
    let shift = shallowest.saturating_sub(1);
    for chapter in &mut chapters[1..] {
        chapter.level = chapter.level.saturating_sub(shift).max(1);
    }
    chapters[0].level = 1;
    Leaflet {
        organisation: None,
        title,
        language: String::new(),
        chapters,
        dropped,
        warnings: Vec::new(),
    }
}
