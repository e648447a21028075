//! Text-to-speech backends behind one small trait, picked by voice name.

mod espeak;
mod flite;
pub mod hibari;
pub use flite::{in_voice_dictionary, phone_checker};

pub use espeak::PROGRAM_ENV as ESPEAK_PROGRAM_ENV;

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::script::Utterance;

/// Mono 16-bit samples at a known rate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pcm {
    pub samples: Vec<i16>,
    pub sample_rate: u32,
}

impl Pcm {
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate as f64
    }
}

/// Who is speaking: part of what identifies a chapter's audio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SynthId {
    pub backend: String,
    pub voice: String,
    pub version: String,
    /// Speaking rate in words per minute.
    pub rate_wpm: u32,
}

/// A voice. `&self`, so one instance is shared by every worker thread.
pub trait Synthesizer: Send + Sync {
    fn id(&self) -> SynthId;
    fn sample_rate(&self) -> u32;
    fn synthesize(&self, text: &str) -> Result<Pcm>;

    /// Speak a run of utterances, each followed by its pause. Backends that
    /// pay a cost per call (a process to start) override this to do it once.
    fn synthesize_utterances(&self, utterances: &[Utterance]) -> Result<Pcm> {
        let mut pcm = Pcm {
            samples: Vec::new(),
            sample_rate: self.sample_rate(),
        };
        for u in utterances {
            let part = self.synthesize(&u.text)?;
            pcm.samples.extend_from_slice(&part.samples);
            crate::audio::push_silence(&mut pcm, u.pause_after_ms);
        }
        Ok(pcm)
    }
}

/// A voice that can be chosen with `--voice`. Owned strings, because the
/// espeak-ng voices are only known once the program has been asked.
#[derive(Debug, Clone, Serialize)]
pub struct VoiceInfo {
    pub name: String,
    pub backend: String,
    pub language: String,
    pub sample_rate: u32,
    pub description: String,
}

pub const DEFAULT_VOICE: &str = "kal16";
/// Slowest and fastest speaking rates accepted by `--rate`.
pub const RATE_RANGE: (u32, u32) = (80, 300);

/// The voices that can be used on this machine.
#[derive(Debug, Clone)]
pub struct VoiceList {
    pub voices: Vec<VoiceInfo>,
    /// Why a backend's voices are missing (espeak-ng not installed), to tell
    /// the user rather than leave them wondering where Spanish went.
    pub notes: Vec<String>,
}

/// The built-in voices, then the espeak-ng voices when the program is installed.
pub fn voices() -> VoiceList {
    let mut list = VoiceList {
        voices: flite::voices(),
        notes: Vec::new(),
    };
    match espeak::list("its voices") {
        Ok(found) => list
            .voices
            .extend(found.iter().map(espeak::EspeakVoice::info)),
        Err(Error::EspeakMissing { .. }) => list.notes.push(
            "the espeak-ng voices (Spanish and other languages) need the espeak-ng program: \
             run `apt-get install espeak-ng`"
                .into(),
        ),
        Err(e) => list.notes.push(format!("no espeak-ng voices: {e}")),
    }
    list
}

/// The default voice for a language (two-letter code): the built-in voice for
/// English, else espeak-ng's plain voice for the language (`es` gives `espeak-es`).
pub fn voice_for_language(lang: &str) -> Result<String> {
    if lang.eq_ignore_ascii_case("en") {
        return Ok(DEFAULT_VOICE.to_string());
    }
    let found = espeak::list(&format!("language `{lang}`"))?;
    espeak::for_language(&found, lang)
        .map(|v| v.name.clone())
        .ok_or_else(|| Error::NoVoiceForLanguage {
            lang: lang.to_string(),
        })
}

/// Voices opened so far in a build, each once, shared by all its leaflets.
pub struct Voices {
    rate_wpm: Option<u32>,
    /// Lexicon phones for the built-in voice.
    phones: String,
    open: HashMap<String, Arc<dyn Synthesizer>>,
}

impl Voices {
    pub fn new(rate_wpm: Option<u32>, phones: String) -> Voices {
        Voices {
            rate_wpm,
            phones,
            open: HashMap::new(),
        }
    }

    pub fn get(&mut self, name: &str) -> Result<Arc<dyn Synthesizer>> {
        if let Some(s) = self.open.get(name) {
            return Ok(Arc::clone(s));
        }
        let s: Arc<dyn Synthesizer> = Arc::from(open(name, self.rate_wpm, &self.phones)?);
        self.open.insert(name.to_string(), Arc::clone(&s));
        Ok(s)
    }
}

/// `--rate` within what the voices can do.
pub fn check_rate(rate_wpm: Option<u32>) -> Result<()> {
    let (min, max) = RATE_RANGE;
    match rate_wpm {
        Some(wpm) if !(min..=max).contains(&wpm) => Err(Error::BadRate { wpm, min, max }),
        _ => Ok(()),
    }
}

/// Open the named voice at the given rate (words per minute; `None` keeps the
/// voice's natural rate).
pub fn open(name: &str, rate_wpm: Option<u32>, phones: &str) -> Result<Box<dyn Synthesizer>> {
    check_rate(rate_wpm)?;
    if flite::has_voice(name) {
        return Ok(Box::new(flite::Flite::new(name, rate_wpm, phones)?));
    }
    if name.starts_with(espeak::PREFIX) {
        return Ok(Box::new(espeak::Espeak::open(name, rate_wpm)?));
    }
    Err(Error::UnknownVoice {
        name: name.to_string(),
    })
}
