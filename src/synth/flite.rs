//! The embedded voice: the pure-Rust `flite-rs` engine (CMU Flite's kal voice).

use super::{Pcm, Settings, SynthId, Synthesizer, VoiceInfo};
use crate::error::{Error, Result};

/// The voices built into flite-rs: name, sample rate, description.
const VOICES: &[(&str, u32, &str)] = &[
    (
        "kal16",
        16_000,
        "US English male (Kevin A. Lenzo), 16 kHz, built in",
    ),
    (
        "kal",
        8_000,
        "US English male (Kevin A. Lenzo), 8 kHz telephone quality, built in",
    ),
];

pub fn voices() -> Vec<VoiceInfo> {
    VOICES
        .iter()
        .map(|&(name, sample_rate, description)| VoiceInfo {
            name: name.into(),
            backend: "flite".into(),
            language: "en".into(),
            sample_rate,
            description: description.into(),
            accent: "American".into(),
            sex: "male".into(),
            speed: "fast".into(),
            installed: true,
        })
        .collect()
}

pub fn has_voice(name: &str) -> bool {
    VOICES.iter().any(|&(n, ..)| n == name)
}

/// What the built-in voice takes from the lexicon.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `word : phones` lines, taught to the voice.
    pub phones: String,
}

pub fn open(name: &str, settings: &Settings) -> Result<Box<dyn Synthesizer>> {
    Ok(Box::new(Flite::new(
        name,
        settings.rate_wpm,
        &settings.flite.phones,
    )?))
}

/// Words per minute the kal voices speak at their natural rate, pauses left
/// out: 159 for kal16 and 158 for kal, measured over the reference leaflet.
pub const NATURAL_WPM: u32 = 160;

const ENGINE_VERSION: &str = "flite-rs 0.2";

/// Whether the built-in voice's own dictionary has this word (lower case);
/// otherwise it guesses the pronunciation from the spelling.
/// A check of `word : phones` lexicon entries against the built-in voice's
/// phone set (one engine for all the entries checked).
pub fn phone_checker() -> impl FnMut(&str) -> std::result::Result<(), String> {
    let mut engine = flite_rs::Engine::try_new();
    move |entry: &str| {
        let engine = engine.as_mut().map_err(|e| e.to_string())?;
        engine.add_lex_entries(entry).map(|_| ()).map_err(|e| {
            let text = e.to_string();
            text.strip_prefix("line 1: ").unwrap_or(&text).to_string()
        })
    }
}

pub fn in_voice_dictionary(word: &str) -> bool {
    static ENGINE: std::sync::OnceLock<Option<flite_rs::Engine>> = std::sync::OnceLock::new();
    ENGINE
        .get_or_init(|| flite_rs::Engine::try_new().ok())
        .as_ref()
        .is_some_and(|e| e.language().lexicon.contains(word))
}

pub struct Flite {
    /// Made on first use: parsing the voice data takes time that a rebuild
    /// which finds every chapter in the cache should not spend.
    engine: std::sync::OnceLock<std::result::Result<flite_rs::Engine, String>>,
    phones: String,
    sample_rate: u32,
    version: String,
    voice: String,
    rate_wpm: u32,
}

impl Flite {
    /// `phones`: `word : phones` lines from the lexicon, taught to the voice.
    pub fn new(voice: &str, rate_wpm: Option<u32>, phones: &str) -> Result<Flite> {
        let &(_, sample_rate, _) =
            VOICES
                .iter()
                .find(|v| v.0 == voice)
                .ok_or_else(|| Error::UnknownVoice {
                    name: voice.to_string(),
                })?;
        // The lexicon's phones are not part of the voice's identity: each
        // chapter's cache key holds the entries for the words it uses, so a
        // new entry re-narrates only the chapters that say that word.
        Ok(Flite {
            engine: std::sync::OnceLock::new(),
            phones: phones.to_string(),
            sample_rate,
            version: ENGINE_VERSION.to_string(),
            voice: voice.to_string(),
            rate_wpm: rate_wpm.unwrap_or(NATURAL_WPM),
        })
    }

    fn engine(&self) -> Result<&flite_rs::Engine> {
        self.engine
            .get_or_init(|| self.make_engine())
            .as_ref()
            .map_err(|why| Error::Other(why.clone()))
    }

    fn make_engine(&self) -> std::result::Result<flite_rs::Engine, String> {
        let mut engine = flite_rs::Engine::try_new()
            .map_err(|e| format!("the built-in voice data is damaged: {e}"))?;
        if !engine.select_voice(&self.voice) {
            return Err(format!("the built-in voice `{}` is missing", self.voice));
        }
        engine.set_duration_stretch(NATURAL_WPM as f32 / self.rate_wpm as f32);
        if !self.phones.trim().is_empty() {
            engine.add_lex_entries(&self.phones).map_err(|e| {
                format!(
                    "the lexicon's phones were refused by voice `{}`: {e} (check the [phones] entries against the phone set in the README)",
                    self.voice
                )
            })?;
        }
        Ok(engine)
    }
}

impl Synthesizer for Flite {
    fn id(&self) -> SynthId {
        SynthId {
            backend: "flite".into(),
            voice: self.voice.clone(),
            version: self.version.clone(),
            rate_wpm: self.rate_wpm,
            model_sha256: String::new(),
        }
    }

    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn synthesize(&self, text: &str) -> Result<Pcm> {
        Ok(Pcm {
            samples: speak(self.engine()?, text),
            sample_rate: self.sample_rate,
        })
    }

    /// The engine is shared and each utterance is spoken on its own, so a
    /// chapter's sentences, those of all its utterances together, are
    /// spoken in parallel ([`speak_all`]).
    fn synthesize_utterances(&self, units: &[super::Unit]) -> Result<super::Speech> {
        let engine = self.engine()?;
        let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
        super::join_spoken(units, self.sample_rate, speak_all(engine, &texts))
    }
}

/// The samples of `text` ([`speak_all`]).
fn speak(engine: &flite_rs::Engine, text: &str) -> Vec<i16> {
    let mut pieces = speak_all(engine, &[text])
        .pop()
        .expect("one recording for one text");
    if pieces.len() == 1 {
        pieces.pop().unwrap_or_default()
    } else {
        pieces.concat()
    }
}

/// The samples of each of `texts`, in pieces to be put end to end, their
/// sentences spoken in parallel on the current rayon pool. flite-rs speaks
/// a text a sentence at a time, each from nothing (no state passes from one
/// to the next), so the sentences as its own splitter finds them, spoken
/// apart and put end to end, are the same samples as the whole: a paragraph
/// of forty seconds no longer holds up a one-chapter rebuild while the
/// other core waits. The sentences of all the texts go in one list, handed
/// out longest first, so that the last ones any worker starts are short
/// (spoken text by text, the last paragraph of a chapter was left to one
/// worker while the other waited). The pieces are not joined here: the
/// chapter is made from them in one copy ([`super::join_spoken`]).
fn speak_all(engine: &flite_rs::Engine, texts: &[&str]) -> Vec<Vec<Vec<i16>>> {
    use rayon::prelude::*;
    // Each text's pieces in order: its sentences, or the whole text when it
    // has fewer than two.
    let pieces: Vec<(usize, String)> = texts
        .iter()
        .enumerate()
        .flat_map(|(i, text)| {
            let sentences = sentences(text);
            if sentences.len() < 2 {
                vec![(i, (*text).to_string())]
            } else {
                sentences.into_iter().map(|s| (i, s)).collect()
            }
        })
        .collect();
    // Each worker takes the longest piece left when it is free (the
    // bridge hands the pieces out in this order, one at a time).
    let mut longest_first: Vec<usize> = (0..pieces.len()).collect();
    longest_first.sort_by_key(|&k| std::cmp::Reverse(pieces[k].1.len()));
    let mut spoken: Vec<(usize, Vec<i16>)> = longest_first
        .into_iter()
        .par_bridge()
        .map(|k| (k, engine.synthesize(&pieces[k].1).samples))
        .collect();
    spoken.sort_unstable_by_key(|&(k, _)| k);
    // Each text's pieces: they are consecutive.
    let mut counts = vec![0usize; texts.len()];
    for (text, _) in &pieces {
        counts[*text] += 1;
    }
    let mut spoken = spoken.into_iter().map(|(_, samples)| samples);
    counts
        .into_iter()
        .map(|count| spoken.by_ref().take(count).collect())
        .collect()
}

/// `text` cut where flite-rs ends its sentences: each piece is its
/// sentence's tokens as they stood in `text`, with the space before them,
/// which flite-rs reads again as that one sentence.
fn sentences(text: &str) -> Vec<String> {
    flite_rs::text::sentences(text)
        .map(|tokens| {
            tokens
                .iter()
                .map(|t| [&t.whitespace, &t.prepunctuation, &t.name, &t.punctuation])
                .flat_map(|parts| parts.map(String::as_str))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spoken a sentence at a time, a text is the same samples as spoken
    /// whole, whatever ends (or seems to end) its sentences.
    #[test]
    fn sentences_spoken_apart_are_the_whole_text() {
        let engine = flite_rs::Engine::new();
        let texts = [
            "Keep the wound dry. Call us on 0 1 2 3 if it gets red! Is it hot? Then come in.",
            "Dr. Patel said, \"Take 2.5 mg a day\" (not more). Mr. Jones agreed... Then he left.",
            "Take it e.g. at night, i.e. before bed. \"Stop,\" she said. 'Why?' (Because.) Done",
            "First line.\n\nA new paragraph after a blank line.\nAnd a line break. End.",
            "  Leading space. Trailing space.  ",
            "One sentence only",
            "",
        ];
        let leaflet = include_str!("../../examples/carpal-tunnel.txt");
        for text in texts.into_iter().chain(leaflet.split("\n\n")) {
            let pieces = sentences(text);
            assert_eq!(pieces.concat().trim_end(), text.trim_end(), "{text:?}");
            if text.contains(". ") {
                assert!(pieces.len() > 1, "{text:?} -> {pieces:?}");
            }
            assert_eq!(
                speak(&engine, text),
                engine.synthesize(text).samples,
                "{text:?}"
            );
        }
    }

    /// A chapter's texts spoken together, their sentences in one list and
    /// in another order, come back each as the text spoken whole, in the
    /// texts' order: long and short, one sentence and many, empty.
    #[test]
    fn texts_spoken_together_are_each_text_whole() {
        let engine = flite_rs::Engine::new();
        let texts = [
            "Short.",
            "Keep the wound clean and dry for a week after the operation. Call the clinic if it gets red. Rest.",
            "",
            "One sentence only",
            "A. Bb bb. Ccc ccc ccc. Dddd dddd dddd dddd.",
        ];
        let together = speak_all(&engine, &texts);
        assert_eq!(together.len(), texts.len());
        for (text, pieces) in texts.iter().zip(&together) {
            assert_eq!(pieces.concat(), engine.synthesize(text).samples, "{text:?}");
        }
    }
}
