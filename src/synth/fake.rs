//! A stand-in voice for tests and development: `--voice fake`.
//!
//! Real voices are slow (the natural ones), need programs from the system
//! (espeak-ng), or change their samples when the engine is updated, which
//! makes byte-for-byte expectations about a package brittle. This one makes
//! a tone per character, with integer arithmetic only, so the same text gives
//! the same samples on every machine, in a fraction of the time. Its audio is
//! not silent and grows with the text, so mastering, loudness measurement,
//! chapter timing and packaging all run as they would on speech.
//!
//! It is left out of `audio-leaflet voices` on purpose: it is no voice for a
//! listener.

use super::{Pcm, Settings, SynthId, Synthesizer};
use crate::error::Result;

/// The name given to `--voice`.
pub const NAME: &str = "fake";

/// Telephone rate: enough for a tone, and a small amount of data to master.
pub const SAMPLE_RATE: u32 = 8_000;

/// The rate the character length below is meant for, and the default.
pub const DEFAULT_WPM: u32 = 160;

/// Samples per character at the default rate: 60 ms. An English word and its
/// space (about six characters) then lasts about as long as a spoken word at
/// 160 words per minute, so listening times come out near a real voice's.
const CHAR_SAMPLES: u32 = SAMPLE_RATE * 60 / 1000;

/// Peak of a sounding character's tone; whitespace is silent and
/// punctuation sounds at a quarter of it, so the audio has quiet gaps the
/// loudness gate can see, as speech has.
const LOUD: i32 = 8_000;

/// Samples of linear fade at each end of a character's tone, so that the
/// joins do not click (which would push the true peak up unevenly).
const FADE: u32 = 40;

/// Tone pitches run from BASE_HZ in STEP_HZ steps over 32 values.
const BASE_HZ: u32 = 180;
const STEP_HZ: u32 = 20;

pub struct Fake {
    rate_wpm: u32,
}

pub fn has_voice(name: &str) -> bool {
    name == NAME
}

pub fn open(_name: &str, settings: &Settings) -> Result<Box<dyn Synthesizer>> {
    Ok(Box::new(Fake::new(settings.rate_wpm)))
}

impl Fake {
    /// `rate_wpm`: `None` for the default rate (the caller has already
    /// checked the range with `check_rate`).
    pub fn new(rate_wpm: Option<u32>) -> Fake {
        Fake {
            rate_wpm: rate_wpm.unwrap_or(DEFAULT_WPM).max(1),
        }
    }

    /// Samples one character lasts at this rate: faster is shorter.
    fn char_samples(&self) -> u32 {
        (CHAR_SAMPLES * DEFAULT_WPM / self.rate_wpm).max(2 * FADE + 1)
    }
}

/// The tone's peak and pitch for a character.
fn voice_of(c: char) -> (i32, u32) {
    let pitch = BASE_HZ + (c as u32 % 32) * STEP_HZ;
    if c.is_whitespace() {
        (0, pitch)
    } else if c.is_alphanumeric() {
        (LOUD, pitch)
    } else {
        (LOUD / 4, pitch)
    }
}

/// A triangle wave from a 32-bit phase, peak `amp`: no floating point, so
/// the samples do not depend on a libm.
fn triangle(phase: u32, amp: i32) -> i32 {
    // Fold the phase into a ramp 0..2^31 up then down, centred on zero.
    let folded = if phase < 1 << 31 { phase } else { !phase };
    let centred = folded as i64 - (1i64 << 30);
    ((centred * amp as i64) >> 30) as i32
}

impl Synthesizer for Fake {
    fn id(&self) -> SynthId {
        SynthId {
            backend: NAME.into(),
            voice: NAME.into(),
            version: "1".into(),
            rate_wpm: self.rate_wpm,
            model_sha256: String::new(),
        }
    }

    fn sample_rate(&self) -> u32 {
        SAMPLE_RATE
    }

    fn synthesize(&self, text: &str) -> Result<Pcm> {
        let n = self.char_samples();
        let mut samples = Vec::with_capacity(text.chars().count() * n as usize);
        // The phase carries on across characters and starts at zero for each
        // call, so an utterance's samples depend on its text alone.
        let mut phase: u32 = 0;
        for c in text.chars() {
            let (amp, hz) = voice_of(c);
            // Phase step per sample: hz / SAMPLE_RATE of a full turn (2^32).
            let step = ((hz as u64) << 32) / SAMPLE_RATE as u64;
            for i in 0..n {
                let edge = i.min(n - 1 - i).min(FADE) as i32;
                let s = triangle(phase, amp) * edge / FADE as i32;
                samples.push(s as i16);
                phase = phase.wrapping_add(step as u32);
            }
        }
        Ok(Pcm {
            samples,
            sample_rate: SAMPLE_RATE,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speak(rate: Option<u32>, text: &str) -> Vec<i16> {
        Fake::new(rate).synthesize(text).unwrap().samples
    }

    #[test]
    fn the_same_text_gives_the_same_samples() {
        let a = speak(None, "Keep the wound dry for 48 hours.");
        let b = speak(None, "Keep the wound dry for 48 hours.");
        assert_eq!(a, b);
        // Pinned, so a change to the tone (which would change every golden
        // file made with this voice) is noticed here first.
        let sum: i64 = a.iter().map(|&s| s as i64 * s as i64).sum();
        assert_eq!(a.len(), 32 * 480);
        assert_eq!(sum, PINNED_ENERGY);
    }

    /// The energy of the sentence above, worked out once from this code.
    const PINNED_ENERGY: i64 = 227_887_205_211;

    #[test]
    fn length_follows_the_text_and_spaces_are_silent() {
        let one = speak(None, "a");
        assert_eq!(one.len(), CHAR_SAMPLES as usize);
        assert!(one.iter().any(|&s| s.unsigned_abs() > 4_000), "a sounds");
        assert_eq!(speak(None, "ab cd").len(), 5 * one.len());
        assert!(speak(None, "   ").iter().all(|&s| s == 0));
        assert!(speak(None, "").is_empty());
        // Different letters, different pitches.
        assert_ne!(speak(None, "a"), speak(None, "b"));
    }

    #[test]
    fn a_faster_rate_is_shorter() {
        let text = "Take one tablet twice a day.";
        let normal = speak(None, text).len();
        assert_eq!(speak(Some(DEFAULT_WPM), text).len(), normal);
        assert_eq!(speak(Some(320), text).len(), normal / 2);
        assert_eq!(speak(Some(80), text).len(), normal * 2);
        assert!(speak(Some(200), text).len() < normal);
    }

    #[test]
    fn the_tone_stays_within_its_peak() {
        let samples = speak(Some(300), "The quick brown fox, 1-2-3!");
        assert!(samples.iter().all(|&s| (s as i32).abs() <= LOUD));
        assert_eq!(triangle(0, LOUD), -LOUD);
        assert_eq!(triangle(1 << 31, LOUD), LOUD - 1);
    }

    #[test]
    fn it_names_itself_fake() {
        let id = Fake::new(None).id();
        assert_eq!(
            (id.backend.as_str(), id.voice.as_str(), id.version.as_str()),
            ("fake", "fake", "1")
        );
        assert_eq!(id.rate_wpm, DEFAULT_WPM);
        assert_eq!(Fake::new(Some(200)).id().rate_wpm, 200);
    }
}
