//! Words the voice may get wrong, for staff to add to a lexicon.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{Lexicon, Script, lexicon::is_dictionary_word};
use crate::leaflet::Leaflet;

#[derive(Debug, Serialize, PartialEq)]
pub struct ChapterCheck {
    pub index: usize,
    pub title: String,
    /// Capitals read letter by letter that the lexicon does not mention.
    pub acronyms: Vec<String>,
    /// Tokens that mix letters and digits ("NW3", "T1").
    pub mixed: Vec<String>,
    /// Words the voice's own dictionary lacks: it will guess them from their
    /// spelling.
    pub unknown: Vec<String>,
}

/// Check each chapter. `in_voice_dictionary` answers for the voice in use
/// (`None` when the voice cannot tell).
pub fn check(
    leaflet: &Leaflet,
    script: &Script,
    lexicon: &Lexicon,
    in_voice_dictionary: Option<&dyn Fn(&str) -> bool>,
) -> Vec<ChapterCheck> {
    leaflet
        .chapters
        .iter()
        .zip(&script.chapters)
        .map(|(chapter, spoken)| {
            let mut source = chapter.title.clone();
            for b in &chapter.blocks {
                source.push(' ');
                source.push_str(b.text());
            }
            let (mut acronyms, mut mixed) = (BTreeSet::new(), BTreeSet::new());
            for token in tokens(&source) {
                let has_digit = token.chars().any(|c| c.is_ascii_digit());
                let has_letter = token.chars().any(char::is_alphabetic);
                if has_digit && has_letter && !is_ordinal_or_unit(token) {
                    mixed.insert(token.to_string());
                } else if is_acronym(token) && !lexicon.covers(token) && !lexicon.is_word(token) {
                    acronyms.insert(token.to_string());
                }
            }
            let mut unknown = BTreeSet::new();
            if let Some(knows) = in_voice_dictionary {
                for u in &spoken.utterances {
                    for word in tokens(&u.text) {
                        let lower = word.to_lowercase();
                        let plain =
                            lower.chars().all(|c| c.is_ascii_lowercase()) && lower.len() > 2;
                        if plain
                            && !knows(&lower)
                            && !is_dictionary_word(&lower)
                            && !lexicon.covers(&lower)
                        {
                            unknown.insert(lower);
                        }
                    }
                }
            }
            ChapterCheck {
                index: spoken.index,
                title: spoken.title.clone(),
                acronyms: acronyms.into_iter().collect(),
                mixed: mixed.into_iter().collect(),
                unknown: unknown.into_iter().collect(),
            }
        })
        .collect()
}

fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|t| t.trim_matches('\''))
        .filter(|t| !t.is_empty())
}

fn is_acronym(token: &str) -> bool {
    let caps = token.strip_suffix('s').unwrap_or(token);
    (2..=6).contains(&caps.len()) && caps.chars().all(|c| c.is_ascii_uppercase())
}

fn is_ordinal_or_unit(token: &str) -> bool {
    let letters: String = token.chars().skip_while(char::is_ascii_digit).collect();
    let digits_first =
        token.starts_with(|c: char| c.is_ascii_digit()) && letters.chars().all(char::is_alphabetic);
    digits_first
        && matches!(
            letters.to_lowercase().as_str(),
            "st" | "nd"
                | "rd"
                | "th"
                | "g"
                | "mg"
                | "kg"
                | "mcg"
                | "ml"
                | "l"
                | "cm"
                | "mm"
                | "am"
                | "pm"
                | "p"
                | "kcal"
                | "x"
        )
}

/// Human-readable report.
pub fn render(checks: &[ChapterCheck]) -> String {
    let mut out = String::new();
    let mut any = false;
    for c in checks {
        if c.acronyms.is_empty() && c.mixed.is_empty() && c.unknown.is_empty() {
            continue;
        }
        any = true;
        out.push_str(&format!("Chapter {}: {}\n", c.index, c.title));
        let lines = [
            (
                "acronyms not in the lexicon (read letter by letter)",
                &c.acronyms,
            ),
            ("letters and digits mixed", &c.mixed),
            (
                "not in the voice's dictionary (guessed from spelling)",
                &c.unknown,
            ),
        ];
        for (label, words) in lines {
            if !words.is_empty() {
                out.push_str(&format!("  {label}: {}\n", words.join(", ")));
            }
        }
    }
    if !any {
        out.push_str("No words to check.\n");
    }
    out
}
