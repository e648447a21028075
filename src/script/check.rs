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
    /// Words a natural voice's lexicons lack, so its pronunciation network
    /// guessed them (only when a natural voice was asked about).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guessed: Vec<String>,
    /// Printed signs the spoken-form rules left in what is said ("@", "&",
    /// "#", "½", "24/7"), with the words around them: the voice reads them
    /// raw or not at all, so each is a rule missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signs: Vec<String>,
}

/// The words of an utterance that a voice had to guess.
pub type Guesses<'a> = &'a dyn Fn(&str) -> Vec<String>;

/// What the voice in use can tell about its own reading of the words.
#[derive(Clone, Copy, Default)]
pub struct VoiceKnowledge<'a> {
    /// Whether the voice's dictionary has a (lower-case) word.
    pub in_dictionary: Option<&'a dyn Fn(&str) -> bool>,
    /// The words of an utterance that the voice had to guess.
    pub guessed: Option<Guesses<'a>>,
}

/// Check each chapter. `voice` answers for the voice in use (what it cannot
/// tell is `None`).
pub fn check(
    leaflet: &Leaflet,
    script: &Script,
    lexicon: &Lexicon,
    voice: VoiceKnowledge,
) -> Vec<ChapterCheck> {
    let in_voice_dictionary = voice.in_dictionary;
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
            let mut guessed = BTreeSet::new();
            if let Some(guess) = voice.guessed {
                for u in &spoken.utterances {
                    guessed.extend(guess(&u.text).into_iter().map(|w| w.to_lowercase()));
                }
            }
            let mut signs = BTreeSet::new();
            for u in &spoken.utterances {
                signs.extend(raw_signs(&u.text));
            }
            ChapterCheck {
                index: spoken.index,
                title: spoken.title.clone(),
                acronyms: acronyms.into_iter().collect(),
                mixed: mixed.into_iter().collect(),
                unknown: unknown.into_iter().collect(),
                guessed: guessed.into_iter().collect(),
                signs: signs.into_iter().collect(),
            }
        })
        .collect()
}

/// The words of spoken text that hold a sign no rule read: "@", "&", "#",
/// a fraction character, or a slash between two numbers.
fn raw_signs(text: &str) -> Vec<String> {
    let raw = |c: char| {
        matches!(c, '@' | '&' | '#' | '⁄')
            || ('\u{bc}'..='\u{be}').contains(&c)
            || ('\u{2150}'..='\u{215e}').contains(&c)
    };
    text.split_whitespace()
        .filter(|word| {
            let chars: Vec<char> = word.chars().collect();
            chars.iter().any(|&c| raw(c))
                || chars
                    .windows(3)
                    .any(|w| w[0].is_ascii_digit() && w[1] == '/' && w[2].is_ascii_digit())
        })
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':' | '(' | ')'))
                .to_string()
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
        if c.acronyms.is_empty()
            && c.mixed.is_empty()
            && c.unknown.is_empty()
            && c.guessed.is_empty()
            && c.signs.is_empty()
        {
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
            (
                "not in the natural voice's lexicons (guessed by its network: check these)",
                &c.guessed,
            ),
            ("printed signs left in what is said (read raw)", &c.signs),
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

#[cfg(test)]
mod tests {
    use super::raw_signs;

    #[test]
    fn signs_no_rule_read_are_found() {
        assert_eq!(
            raw_signs("open 24/7, score 3/10. at U C L H, Q and A"),
            ["24/7", "3/10"]
        );
        assert_eq!(
            raw_signs("@Trust and R&D #tag ½"),
            ["@Trust", "R&D", "#tag", "½"]
        );
        assert!(raw_signs("and or, x dot org slash 2, 120 over 80").is_empty());
    }
}
