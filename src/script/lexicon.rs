//! Pronunciations: the built-in English lexicon plus a staff lexicon
//! (`--lexicon FILE`), both TOML, applied to the script before the voice.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::error::{Error, Result};

const BUILT_IN: &str = include_str!("../../lexicon/en.toml");
const BUILT_IN_NAME: &str = "lexicon/en.toml";
pub use crate::words::is_dictionary_word;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    say: HashMap<String, String>,
    #[serde(default)]
    phones: HashMap<String, String>,
    #[serde(default)]
    phonemes: HashMap<String, String>,
    #[serde(default)]
    patterns: HashMap<String, String>,
    #[serde(default)]
    acronyms: Acronyms,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Acronyms {
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    letters: Vec<String>,
}

/// A merged lexicon: later files win over earlier ones.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Lower-cased word -> what to say.
    say: HashMap<String, String>,
    /// Lower-cased word -> phones for the built-in voice.
    phones: HashMap<String, String>,
    /// Where each phones entry was written: file and line, for errors.
    phone_sources: HashMap<String, (std::path::PathBuf, usize)>,
    /// Lower-cased word -> phonemes for the natural voices (Kokoro's symbols).
    phonemes: HashMap<String, String>,
    phoneme_sources: HashMap<String, (std::path::PathBuf, usize)>,
    patterns: Vec<(Regex, String)>,
    acronym_words: HashSet<String>,
    acronym_letters: HashSet<String>,
    /// Every word the lexicon covers, for `script --check`.
    known: HashSet<String>,
}

impl Lexicon {
    /// Every entry that can change what is said, in a fixed order (the
    /// maps' own order differs from run to run), for the build's record of
    /// what a package was made from.
    pub fn fingerprint(&self) -> String {
        fn sorted<V: std::fmt::Debug>(map: &HashMap<String, V>) -> Vec<(&String, String)> {
            let mut v: Vec<_> = map.iter().map(|(k, v)| (k, format!("{v:?}"))).collect();
            v.sort();
            v
        }
        fn set(s: &HashSet<String>) -> Vec<&String> {
            let mut v: Vec<_> = s.iter().collect();
            v.sort();
            v
        }
        let patterns: Vec<(&str, &String)> =
            self.patterns.iter().map(|(r, s)| (r.as_str(), s)).collect();
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            sorted(&self.say),
            sorted(&self.phones),
            sorted(&self.phonemes),
            patterns,
            set(&self.acronym_words),
            set(&self.acronym_letters),
        )
    }

    /// The built-in English lexicon.
    pub fn built_in() -> Lexicon {
        let mut lex = Lexicon::default();
        lex.merge(BUILT_IN, Path::new(BUILT_IN_NAME))
            .expect("the built-in lexicon is valid");
        lex
    }

    /// The built-in lexicon with a staff lexicon file on top.
    pub fn with_user_file(path: Option<&Path>) -> Result<Lexicon> {
        let mut lex = Lexicon::built_in();
        if let Some(path) = path {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            lex.merge(&text, path)?;
        }
        Ok(lex)
    }

    pub(crate) fn merge(&mut self, text: &str, path: &Path) -> Result<()> {
        let file: File = toml::from_str(text).map_err(|e| lexicon_error(path, text, &e))?;
        for (word, said) in file.say {
            self.known.insert(word.to_lowercase());
            self.say.insert(word.to_lowercase(), said);
        }
        for (word, phones) in file.phones {
            let line = line_of(text, &format!("{word} "));
            self.known.insert(word.to_lowercase());
            self.phone_sources
                .insert(word.to_lowercase(), (path.to_path_buf(), line));
            self.phones.insert(word.to_lowercase(), phones);
        }
        for (word, phonemes) in file.phonemes {
            let line = line_of(text, &format!("{word} "));
            self.known.insert(word.to_lowercase());
            self.phoneme_sources
                .insert(word.to_lowercase(), (path.to_path_buf(), line));
            self.phonemes.insert(word.to_lowercase(), phonemes);
        }
        let mut patterns: Vec<_> = file.patterns.into_iter().collect();
        patterns.sort();
        for (pattern, replacement) in patterns {
            let re = Regex::new(&pattern).map_err(|e| Error::Lexicon {
                path: path.to_path_buf(),
                line: line_of(text, &pattern),
                column: 1,
                why: format!("`{pattern}` is not a valid regular expression: {e}"),
            })?;
            self.patterns.push((re, replacement));
        }
        for w in file.acronyms.words {
            self.known.insert(w.to_lowercase());
            self.acronym_words.insert(w);
        }
        for w in file.acronyms.letters {
            self.known.insert(w.to_lowercase());
            self.acronym_letters.insert(w);
        }
        Ok(())
    }

    /// Replace whole words and patterns with what the lexicon says.
    pub fn apply(&self, text: &str) -> String {
        static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\p{L}\p{N}']+").unwrap());
        let mut out = WORD
            .replace_all(text, |c: &regex::Captures| {
                let word = &c[0];
                match self.say.get(&word.to_lowercase()) {
                    Some(said) => said.clone(),
                    None => word.to_string(),
                }
            })
            .into_owned();
        for (re, replacement) in &self.patterns {
            out = re.replace_all(&out, replacement.as_str()).into_owned();
        }
        out
    }

    /// Whether capitals such as "PALS" are said as a word.
    pub fn is_word(&self, caps: &str) -> bool {
        if self.acronym_letters.contains(caps) {
            return false;
        }
        self.acronym_words.contains(caps) || (caps.len() >= 3 && is_dictionary_word(caps))
    }

    pub fn covers(&self, word: &str) -> bool {
        self.known.contains(&word.to_lowercase())
    }

    /// Check every phones entry with `accepts` (the voice's own check), so a
    /// bad entry is reported with its file and line before any work starts.
    /// The built-in entries are checked by the tests, so only the ones from a
    /// staff lexicon are checked here.
    pub fn check_phones(&self, mut accepts: impl FnMut(&str) -> Result<(), String>) -> Result<()> {
        let mut words: Vec<&String> = self
            .phones
            .keys()
            .filter(|w| self.phone_sources[*w].0 != Path::new(BUILT_IN_NAME))
            .collect();
        words.sort();
        for word in words {
            let entry = format!("{word} : {}", self.phones[word]);
            if let Err(why) = accepts(&entry) {
                let (path, line) = self.phone_sources[word].clone();
                return Err(Error::Lexicon {
                    path,
                    line,
                    column: 1,
                    why: format!("the phones for `{word}`: {why}"),
                });
            }
        }
        Ok(())
    }

    /// Check every `[phonemes]` entry of a staff lexicon with `accepts`
    /// (the natural voices' symbol set), reporting a bad one with its line.
    pub fn check_phonemes(
        &self,
        mut accepts: impl FnMut(&str) -> Result<(), String>,
    ) -> Result<()> {
        let mut words: Vec<&String> = self.phonemes.keys().collect();
        words.sort();
        for word in words {
            if let Err(why) = accepts(&self.phonemes[word]) {
                let (path, line) = self.phoneme_sources[word].clone();
                return Err(Error::Lexicon {
                    path,
                    line,
                    column: 1,
                    why: format!("the phonemes for `{word}`: {why}"),
                });
            }
        }
        Ok(())
    }

    /// Word -> phonemes (the natural voices' symbols).
    pub fn phonemes(&self) -> &HashMap<String, String> {
        &self.phonemes
    }

    /// Whether the lexicon has phonemes for the natural voices at all.
    pub fn has_phonemes(&self) -> bool {
        !self.phonemes.is_empty()
    }

    /// The `word : phones` (and `word /phonemes/`) entries for the words
    /// that occur in `text`: what of the lexicon can change how this text
    /// sounds.
    pub fn phones_used_in(&self, text: &str) -> Vec<String> {
        let mut used: Vec<String> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .map(str::to_lowercase)
            .flat_map(|w| {
                let phones = self.phones.get(&w).map(|p| format!("{w} : {p}"));
                let phonemes = self.phonemes.get(&w).map(|p| format!("{w} /{p}/"));
                phones.into_iter().chain(phonemes)
            })
            .collect();
        used.sort();
        used.dedup();
        used
    }

    /// `word : phones` lines for the built-in voice, sorted so the same
    /// lexicon always gives the same voice identity.
    pub fn phone_entries(&self) -> String {
        let mut lines: Vec<String> = self
            .phones
            .iter()
            .map(|(w, p)| format!("{w} : {p}"))
            .collect();
        lines.sort();
        lines.join("\n")
    }
}

fn lexicon_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let (line, column) = e
        .span()
        .map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (line, column)
        })
        .unwrap_or((1, 1));
    Error::Lexicon {
        path: path.to_path_buf(),
        line,
        column,
        why: e.message().to_string(),
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_is_the_same_for_the_same_entries_and_changes_with_them() {
        // Each map has its own random order: the fingerprint must not.
        let a = Lexicon::built_in().fingerprint();
        let b = Lexicon::built_in().fingerprint();
        assert_eq!(a, b);
        let mut c = Lexicon::built_in();
        c.merge(
            "[say]\nphysio = \"physiotherapy\"\n",
            Path::new("team.toml"),
        )
        .unwrap();
        assert_ne!(a, c.fingerprint());
    }

    #[test]
    fn a_user_lexicon_respells_words_and_patterns() {
        let mut lex = Lexicon::built_in();
        lex.merge(
            "[say]\nCholestyramine = \"koh less tie ra meen\"\n[patterns]\n'(?i)\\bbd\\b' = \"twice a day\"\n",
            Path::new("mine.toml"),
        )
        .unwrap();
        assert_eq!(
            lex.apply("Take cholestyramine bd."),
            "Take koh less tie ra meen twice a day."
        );
    }

    #[test]
    fn a_malformed_lexicon_says_where() {
        let mut lex = Lexicon::default();
        let err = lex
            .merge("[say]\nfoo = \"bar\"\nbaz = \n", Path::new("bad.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`bad.toml`") && err.contains("line 3"),
            "{err}"
        );
    }
}
