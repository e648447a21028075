//! Text-to-speech backends behind one small trait, picked by voice name.

mod espeak;
pub mod fake;
pub mod flite;
pub mod g2p;
pub mod hibari;
pub mod install;
pub mod kokoro;
pub mod neural;
pub mod onnx;
pub use flite::{in_voice_dictionary, phone_checker};

pub use espeak::PROGRAM_ENV as ESPEAK_PROGRAM_ENV;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

pub use crate::audio::{Pcm, Span, Speech};
use crate::error::{Error, Result};

/// Something to say and the pause after it: all a voice is told of the
/// script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub text: String,
    pub pause_after_ms: u32,
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

    /// Whether speaking units one by one (`synthesize`, then the pause)
    /// gives exactly what `synthesize_utterances` gives, so a build may make
    /// some of a chapter's units ahead of the rest.
    fn utterances_independent(&self) -> bool {
        true
    }

    /// Speak a run of units, each followed by its pause, and say where each
    /// one is. Backends that pay a cost per call (a process to start)
    /// override this to do it once.
    fn synthesize_utterances(&self, units: &[Unit]) -> Result<Speech> {
        join_utterances(units, self.sample_rate(), |_, u| {
            Ok(self.synthesize(&u.text)?.samples)
        })
    }
}

/// The speech of each unit in order, each followed by its pause, with the
/// span of each: `speak` gives unit `i`'s samples.
pub fn join_utterances(
    units: &[Unit],
    sample_rate: u32,
    mut speak: impl FnMut(usize, &Unit) -> Result<Vec<i16>>,
) -> Result<Speech> {
    join_into(units, sample_rate, Vec::new(), |i, u, samples| {
        samples.extend_from_slice(&speak(i, u)?);
        Ok(())
    })
}

/// [`join_utterances`] into `samples` (empty, with whatever capacity):
/// `speak` adds unit `i`'s samples to the end of the chapter's.
fn join_into(
    units: &[Unit],
    sample_rate: u32,
    samples: Vec<i16>,
    mut speak: impl FnMut(usize, &Unit, &mut Vec<i16>) -> Result<()>,
) -> Result<Speech> {
    let mut speech = Speech {
        pcm: Pcm {
            samples,
            sample_rate,
        },
        marks: Vec::with_capacity(units.len()),
    };
    for (i, u) in units.iter().enumerate() {
        let start = speech.pcm.samples.len() as u64;
        speak(i, u, &mut speech.pcm.samples)?;
        let end = speech.pcm.samples.len() as u64;
        speech.marks.push(Span { start, end });
        speech.pcm.push_silence(u.pause_after_ms);
    }
    // A buffer grown by doubling gives back what it did not fill before the
    // chapter is mastered beside it (nothing to give when it was sized).
    speech.pcm.samples.shrink_to_fit();
    Ok(speech)
}

/// [`join_utterances`] of units already spoken, `spoken[i]` the samples of
/// `units[i]` in pieces to be put end to end (a voice that speaks a
/// chapter's sentences in parallel, as the embedded one does, hands them
/// over all at once, a piece a sentence): the same samples as speaking them
/// one by one. The pieces are copied once, into the chapter.
pub fn join_spoken(units: &[Unit], sample_rate: u32, spoken: Vec<Vec<Vec<i16>>>) -> Result<Speech> {
    // The chapter's length is known now: one buffer of that size, rather
    // than one grown by doubling (fresh pages at each step) and then shrunk.
    let len = spoken.iter().flatten().map(Vec::len).sum::<usize>()
        + units
            .iter()
            .map(|u| crate::audio::silence_len(sample_rate, u.pause_after_ms))
            .sum::<usize>();
    let mut spoken = spoken.into_iter();
    join_into(
        units,
        sample_rate,
        Vec::with_capacity(len),
        |_, _, samples| {
            for piece in spoken.next().expect("the speech of every unit") {
                samples.extend_from_slice(&piece);
            }
            Ok(())
        },
    )
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

/// What opening a voice may take besides its name: the speaking rate, and
/// each backend's own settings (only that backend reads them).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Words per minute; `None` keeps the voice's natural rate.
    pub rate_wpm: Option<u32>,
    pub flite: flite::Options,
    pub neural: neural::Options,
}

/// A family of voices: which names it speaks and how to open one.
struct Backend {
    has_voice: fn(&str) -> bool,
    open: fn(&str, &Settings) -> Result<Box<dyn Synthesizer>>,
}

/// Every backend, asked in order for a voice name.
const BACKENDS: &[Backend] = &[
    Backend {
        has_voice: flite::has_voice,
        open: flite::open,
    },
    Backend {
        has_voice: neural::has_voice,
        open: neural::open,
    },
    Backend {
        has_voice: espeak::has_voice,
        open: espeak::open,
    },
    Backend {
        has_voice: fake::has_voice,
        open: fake::open,
    },
];

/// Voices opened so far in a build, each once, shared by all its leaflets.
pub struct Voices {
    settings: Settings,
    open: HashMap<String, Arc<dyn Synthesizer>>,
}

impl Voices {
    pub fn new(settings: Settings) -> Voices {
        Voices {
            settings,
            open: HashMap::new(),
        }
    }

    pub fn voices_dir(&self) -> &Path {
        &self.settings.neural.voices_dir
    }

    pub fn get(&mut self, name: &str) -> Result<Arc<dyn Synthesizer>> {
        if let Some(s) = self.open.get(name) {
            return Ok(Arc::clone(s));
        }
        let s: Arc<dyn Synthesizer> = Arc::from(open(name, &self.settings)?);
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

/// Whether some backend speaks a voice of this name.
pub fn is_voice_name(name: &str) -> bool {
    BACKENDS.iter().any(|b| (b.has_voice)(name))
}

/// Open the named voice with the backend that speaks it.
pub fn open(name: &str, settings: &Settings) -> Result<Box<dyn Synthesizer>> {
    check_rate(settings.rate_wpm)?;
    let backend = BACKENDS.iter().find(|b| (b.has_voice)(name));
    match backend {
        Some(b) => (b.open)(name, settings),
        None => Err(Error::UnknownVoice {
            name: name.to_string(),
        }),
    }
}
