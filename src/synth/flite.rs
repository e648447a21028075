//! The embedded voice: the pure-Rust `flite-rs` engine (CMU Flite's kal voice).

use super::{Pcm, SynthId, Synthesizer, VoiceInfo};
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
        })
        .collect()
}

pub fn has_voice(name: &str) -> bool {
    VOICES.iter().any(|&(n, ..)| n == name)
}

/// Words per minute the kal voices speak at their natural rate, pauses left
/// out: 159 for kal16 and 158 for kal, measured over the reference leaflet.
pub const NATURAL_WPM: u32 = 160;

const ENGINE_VERSION: &str = "flite-rs 0.2";

pub struct Flite {
    engine: flite_rs::Engine,
    voice: String,
    rate_wpm: u32,
}

impl Flite {
    pub fn new(voice: &str, rate_wpm: Option<u32>) -> Result<Flite> {
        let mut engine = flite_rs::Engine::try_new()
            .map_err(|e| Error::Other(format!("the built-in voice data is damaged: {e}")))?;
        if !engine.select_voice(voice) {
            return Err(Error::UnknownVoice {
                name: voice.to_string(),
            });
        }
        let rate_wpm = rate_wpm.unwrap_or(NATURAL_WPM);
        engine.set_duration_stretch(NATURAL_WPM as f32 / rate_wpm as f32);
        Ok(Flite {
            engine,
            voice: voice.to_string(),
            rate_wpm,
        })
    }
}

impl Synthesizer for Flite {
    fn id(&self) -> SynthId {
        SynthId {
            backend: "flite".into(),
            voice: self.voice.clone(),
            version: ENGINE_VERSION.into(),
            rate_wpm: self.rate_wpm,
        }
    }

    fn sample_rate(&self) -> u32 {
        self.engine.sample_rate()
    }

    fn synthesize(&self, text: &str) -> Result<Pcm> {
        let audio = self.engine.synthesize(text);
        Ok(Pcm {
            samples: audio.samples,
            sample_rate: audio.sample_rate,
        })
    }
}
