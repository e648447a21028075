//! Text-to-speech backends behind one small trait, picked by voice name.

mod espeak;
pub mod fake;
mod flite;
pub mod g2p;
pub mod hibari;
pub mod install;
pub mod kokoro;
pub mod neural;
pub mod onnx;
pub use flite::{in_voice_dictionary, phone_checker};

pub use espeak::PROGRAM_ENV as ESPEAK_PROGRAM_ENV;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
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
    /// The sha256 of the model files (natural voices; empty for the others,
    /// whose voice data is part of the program or its version).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub model_sha256: String,
}

/// A voice. `&self`, so one instance is shared by every worker thread.
pub trait Synthesizer: Send + Sync {
    fn id(&self) -> SynthId;
    fn sample_rate(&self) -> u32;
    fn synthesize(&self, text: &str) -> Result<Pcm>;

    /// Whether speaking utterances one by one (`synthesize`, then the
    /// pause) gives exactly what `synthesize_utterances` gives, so a build may
    /// make some of a chapter's utterances ahead of the rest.
    fn utterances_independent(&self) -> bool {
        true
    }

    /// Speak a run of utterances, each followed by its pause. Backends that
    /// pay a cost per call (a process to start) override this to do it once.
    fn synthesize_utterances(&self, utterances: &[Utterance]) -> Result<Pcm> {
        join_utterances(utterances, self.sample_rate(), |_, u| {
            Ok(self.synthesize(&u.text)?.samples)
        })
    }
}

/// The speech of each utterance in order, each followed by its pause:
/// `speak` gives utterance `i`'s samples.
pub fn join_utterances(
    utterances: &[Utterance],
    sample_rate: u32,
    mut speak: impl FnMut(usize, &Utterance) -> Result<Vec<i16>>,
) -> Result<Pcm> {
    let mut pcm = Pcm {
        samples: Vec::new(),
        sample_rate,
    };
    for (i, u) in utterances.iter().enumerate() {
        pcm.samples.extend(speak(i, u)?);
        crate::audio::push_silence(&mut pcm, u.pause_after_ms);
    }
    Ok(pcm)
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
    /// British, American... (empty when the voice's language says it).
    pub accent: String,
    /// female or male, where known.
    pub sex: String,
    /// fast (many times real time) or slow (about real time).
    pub speed: String,
    /// Whether it can be used now; natural voices need installing.
    pub installed: bool,
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

/// The built-in voices, the natural voices (installed or not), then the
/// espeak-ng voices when the program is installed.
pub fn voices(voices_dir: &Path) -> VoiceList {
    let mut all = flite::voices();
    all.extend(neural::voices(voices_dir));
    let mut list = VoiceList {
        voices: all,
        notes: Vec::new(),
    };
    if !list
        .voices
        .iter()
        .any(|v| v.backend != "flite" && v.installed)
    {
        list.notes.push(format!(
            "the natural voices are not installed in {}: run `{}` (about 150 MB) to use them",
            voices_dir.display(),
            install::INSTALL_COMMAND
        ));
    }
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

/// The default voice for a language (two-letter code): for English the
/// natural voice `heart` when it is installed, else the built-in voice; else
/// espeak-ng's plain voice for the language (`es` gives `espeak-es`).
pub fn voice_for_language(lang: &str, voices_dir: &Path) -> Result<String> {
    if lang.eq_ignore_ascii_case("en") {
        return Ok(default_english_voice(voices_dir).to_string());
    }
    let found = espeak::list(&format!("language `{lang}`"))?;
    espeak::for_language(&found, lang)
        .map(|v| v.name.clone())
        .ok_or_else(|| Error::NoVoiceForLanguage {
            lang: lang.to_string(),
        })
}

/// The English voice used when none is asked for: `heart` once the natural
/// voices are installed, else the built-in `kal16`.
pub fn default_english_voice(voices_dir: &Path) -> &'static str {
    if neural::is_installed(neural::HEART, voices_dir) {
        neural::HEART
    } else {
        DEFAULT_VOICE
    }
}

/// What a voice needs from the lexicon besides the script itself.
#[derive(Debug, Clone, Default)]
pub struct Pronunciations {
    /// `word : phones` lines for the built-in voice.
    pub phones: String,
    /// Word -> phonemes (Kokoro's symbols) for the natural voices.
    pub phonemes: HashMap<String, String>,
}

/// Voices opened so far in a build, each once, shared by all its leaflets.
pub struct Voices {
    rate_wpm: Option<u32>,
    pronunciations: Pronunciations,
    voices_dir: PathBuf,
    open: HashMap<String, Arc<dyn Synthesizer>>,
}

impl Voices {
    pub fn new(
        rate_wpm: Option<u32>,
        pronunciations: Pronunciations,
        voices_dir: PathBuf,
    ) -> Voices {
        Voices {
            rate_wpm,
            pronunciations,
            voices_dir,
            open: HashMap::new(),
        }
    }

    pub fn voices_dir(&self) -> &Path {
        &self.voices_dir
    }

    pub fn get(&mut self, name: &str) -> Result<Arc<dyn Synthesizer>> {
        if let Some(s) = self.open.get(name) {
            return Ok(Arc::clone(s));
        }
        let s: Arc<dyn Synthesizer> = Arc::from(open(
            name,
            self.rate_wpm,
            &self.pronunciations,
            &self.voices_dir,
        )?);
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
pub fn open(
    name: &str,
    rate_wpm: Option<u32>,
    pronunciations: &Pronunciations,
    voices_dir: &Path,
) -> Result<Box<dyn Synthesizer>> {
    check_rate(rate_wpm)?;
    if name == fake::NAME {
        return Ok(Box::new(fake::Fake::new(rate_wpm)));
    }
    if flite::has_voice(name) {
        return Ok(Box::new(flite::Flite::new(
            name,
            rate_wpm,
            &pronunciations.phones,
        )?));
    }
    if neural::has_voice(name) {
        return Ok(Box::new(neural::Neural::open(
            name,
            rate_wpm,
            voices_dir,
            pronunciations.phonemes.clone(),
        )?));
    }
    if name.starts_with(espeak::PREFIX) {
        return Ok(Box::new(espeak::Espeak::open(name, rate_wpm)?));
    }
    Err(Error::UnknownVoice {
        name: name.to_string(),
    })
}
