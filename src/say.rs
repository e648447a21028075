//! `audio-leaflet say`: the spoken script read aloud at once by the desktop's
//! own speech service (speech-dispatcher on Linux, through the `tts` crate),
//! so staff can hear a fix without building the audio.
//!
//! Only with the cargo feature `desktop-voice`; without it [`say`] and
//! [`voices`] answer [`SayError::NotBuilt`].

use std::sync::atomic::AtomicBool;

use crate::script::{self, ChapterScript, Script};

/// True when this program was built with the desktop voice.
pub const AVAILABLE: bool = cfg!(feature = "desktop-voice");

/// The natural speaking rate `--rate` is measured against, in words per minute.
pub const NATURAL_WPM: u32 = 160;

/// How `say` speaks.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Words per minute (within [`crate::synth::RATE_RANGE`]); `None` keeps
    /// the speech service's own rate.
    pub rate_wpm: Option<u32>,
    /// A system voice by name (see [`voices`]); `None` keeps the service's
    /// default voice, or for a leaflet not in English the first voice of
    /// its language.
    pub voice: Option<String>,
    /// The leaflet's language (two-letter code), to pick a voice when none is named.
    pub language: String,
    /// Wait the script's pause after each utterance, as the built audio does.
    pub pauses: bool,
}

/// A voice of the speech service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemVoice {
    pub name: String,
    pub language: String,
}

/// How a reading ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every chapter was spoken.
    Finished,
    /// Stopped part-way (Ctrl-C); speech was cancelled.
    Stopped,
}

#[derive(Debug, thiserror::Error)]
pub enum SayError {
    #[error(
        "this audio-leaflet was built without the desktop voice: build it with \
         `cargo build --release --features desktop-voice` to use `say`"
    )]
    NotBuilt,
    #[error(
        "cannot reach the speech service (speech-dispatcher): install it and a voice with \
         `apt-get install speech-dispatcher speech-dispatcher-espeak-ng` (it starts when asked \
         and needs a sound output), or point SPEECHD_ADDRESS at one that runs"
    )]
    Unreachable,
    #[error("there is no system voice `{name}`: {known}")]
    NoSuchVoice { name: String, known: String },
    #[error("the speech service failed: {0}")]
    Failed(String),
    #[error("the speech service stopped answering: an utterance did not finish within {secs} s")]
    TimedOut { secs: u64 },
    #[error(transparent)]
    Rate(#[from] crate::Error),
}

/// Read the chapters aloud, one utterance at a time, waiting for each to be
/// spoken. `started(chapter)` is called as each chapter begins (to show it).
/// `stop` is polled all the while: once it is set, speech is cancelled and
/// the result is [`Outcome::Stopped`].
pub fn say(
    chapters: &[ChapterScript],
    options: &Options,
    stop: &AtomicBool,
    started: &mut dyn FnMut(&ChapterScript),
) -> Result<Outcome, SayError> {
    crate::synth::check_rate(options.rate_wpm)?;
    imp::say(chapters, options, stop, started)
}

/// The speech service's voices.
pub fn voices() -> Result<Vec<SystemVoice>, SayError> {
    imp::voices()
}

/// Put an estimate of the listening time where the opening announces it
/// (`build` says the measured time; a preview has no audio to measure), from
/// the words at `rate_wpm` (default the natural rate) and the pauses.
pub fn fill_listening_time(script: &mut Script, rate_wpm: Option<u32>) {
    let utterances = || script.chapters.iter().flat_map(|c| &c.utterances);
    let words: usize = utterances()
        .map(|u| u.text.split_whitespace().count())
        .sum();
    let pauses_ms: u64 = utterances().map(|u| u64::from(u.pause_after_ms)).sum();
    let wpm = f64::from(rate_wpm.unwrap_or(NATURAL_WPM).max(1));
    let seconds = words as f64 * 60.0 / wpm + pauses_ms as f64 / 1000.0;
    let time = script::listening_time(seconds, &script.language);
    for chapter in &mut script.chapters {
        chapter.fill_listening_time(&time);
    }
}

/// Map words per minute onto a backend's rate scale: the natural rate to
/// `normal`, the slowest `--rate` to `min` and the fastest to `max`, linearly
/// on each side.
pub fn rate_on_scale(wpm: u32, min: f32, normal: f32, max: f32) -> f32 {
    let (slowest, fastest) = crate::synth::RATE_RANGE;
    let wpm = wpm.clamp(slowest, fastest) as f32;
    let natural = NATURAL_WPM as f32;
    if wpm <= natural {
        normal - (natural - wpm) / (natural - slowest as f32) * (normal - min)
    } else {
        normal + (wpm - natural) / (fastest as f32 - natural) * (max - normal)
    }
}

/// Pick the voice: by name (exactly, else ignoring case), or when no name is
/// given and the leaflet is not in English, the first voice of its language.
#[cfg_attr(not(feature = "desktop-voice"), allow(dead_code))]
fn choose<'a>(
    voices: &'a [SystemVoice],
    options: &Options,
) -> Result<Option<&'a SystemVoice>, SayError> {
    let Some(name) = &options.voice else {
        if options.language.is_empty() || options.language == "en" {
            return Ok(None);
        }
        return Ok(voices
            .iter()
            .find(|v| primary_language(&v.language) == options.language));
    };
    if let Some(v) = voices.iter().find(|v| &v.name == name) {
        return Ok(Some(v));
    }
    if let Some(v) = voices.iter().find(|v| v.name.eq_ignore_ascii_case(name)) {
        return Ok(Some(v));
    }
    let mut names: Vec<&str> = voices.iter().map(|v| v.name.as_str()).collect();
    let known = if names.is_empty() {
        "the speech service lists no voices".to_string()
    } else {
        let more = names.len().saturating_sub(8);
        names.truncate(8);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!(
            "try one of {}{tail} (`audio-leaflet say --list-voices`)",
            names.join(", ")
        )
    };
    Err(SayError::NoSuchVoice {
        name: name.clone(),
        known,
    })
}

#[cfg_attr(not(feature = "desktop-voice"), allow(dead_code))]
fn primary_language(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[cfg(not(feature = "desktop-voice"))]
mod imp {
    use super::*;

    pub(super) fn say(
        _: &[ChapterScript],
        _: &Options,
        _: &AtomicBool,
        _: &mut dyn FnMut(&ChapterScript),
    ) -> Result<Outcome, SayError> {
        Err(SayError::NotBuilt)
    }

    pub(super) fn voices() -> Result<Vec<SystemVoice>, SayError> {
        Err(SayError::NotBuilt)
    }
}

#[cfg(feature = "desktop-voice")]
mod imp {
    use std::sync::atomic::Ordering;
    use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
    use std::time::{Duration, Instant};

    use tts::{Tts, UtteranceId};

    use super::*;

    /// How often the stop flag is looked at while speech goes on.
    const POLL: Duration = Duration::from_millis(50);

    enum Event {
        Ended(UtteranceId),
        Stopped(UtteranceId),
    }

    fn failed(e: tts::Error) -> SayError {
        SayError::Failed(e.to_string())
    }

    fn connect() -> Result<Tts, SayError> {
        Tts::default().map_err(|_| SayError::Unreachable)
    }

    fn list(tts: &Tts) -> Result<Vec<SystemVoice>, SayError> {
        Ok(tts
            .voices()
            .map_err(failed)?
            .into_iter()
            .map(|v| SystemVoice {
                name: v.name(),
                language: v.language().to_string(),
            })
            .collect())
    }

    pub(super) fn voices() -> Result<Vec<SystemVoice>, SayError> {
        list(&connect()?)
    }

    pub(super) fn say(
        chapters: &[ChapterScript],
        options: &Options,
        stop: &AtomicBool,
        started: &mut dyn FnMut(&ChapterScript),
    ) -> Result<Outcome, SayError> {
        let mut tts = connect()?;
        let (events, received) = mpsc::channel();
        let ended = events.clone();
        tts.on_utterance_end(Some(Box::new(move |id| {
            let _ = ended.send(Event::Ended(id));
        })))
        .map_err(failed)?;
        tts.on_utterance_stop(Some(Box::new(move |id| {
            let _ = events.send(Event::Stopped(id));
        })))
        .map_err(failed)?;
        if let Some(wpm) = options.rate_wpm {
            let rate = rate_on_scale(wpm, tts.min_rate(), tts.normal_rate(), tts.max_rate());
            tts.set_rate(rate).map_err(failed)?;
        }
        if options.voice.is_some() || options.language != "en" {
            let all = list(&tts)?;
            if let Some(voice) = choose(&all, options)? {
                let wanted = tts
                    .voices()
                    .map_err(failed)?
                    .into_iter()
                    .find(|v| v.name() == voice.name);
                if let Some(v) = wanted {
                    tts.set_voice(&v).map_err(failed)?;
                }
            }
        }
        let outcome = speak_all(&mut tts, &received, chapters, options, stop, started);
        if !matches!(outcome, Ok(Outcome::Finished)) {
            // Stopped, or something went wrong: say nothing more.
            let _ = tts.stop();
        }
        outcome
    }

    fn speak_all(
        tts: &mut Tts,
        events: &Receiver<Event>,
        chapters: &[ChapterScript],
        options: &Options,
        stop: &AtomicBool,
        started: &mut dyn FnMut(&ChapterScript),
    ) -> Result<Outcome, SayError> {
        for chapter in chapters {
            if stop.load(Ordering::SeqCst) {
                return Ok(Outcome::Stopped);
            }
            started(chapter);
            for u in &chapter.utterances {
                let text = u.text.trim();
                if text.is_empty() {
                    continue;
                }
                let id = tts
                    .speak(text, false)
                    .map_err(failed)?
                    .ok_or_else(|| SayError::Failed("no utterance id".into()))?;
                if wait_for(id, events, text, stop)? == Outcome::Stopped {
                    return Ok(Outcome::Stopped);
                }
                if options.pauses && pause(u.pause_after_ms, stop) == Outcome::Stopped {
                    return Ok(Outcome::Stopped);
                }
            }
        }
        Ok(Outcome::Finished)
    }

    /// Wait until the utterance has been spoken, the stop flag is set, or a
    /// generous time for its length has gone by.
    fn wait_for(
        id: UtteranceId,
        events: &Receiver<Event>,
        text: &str,
        stop: &AtomicBool,
    ) -> Result<Outcome, SayError> {
        // Far slower than the slowest rate: 30 s, and a second per 4 characters.
        let secs = 30 + text.chars().count() as u64 / 4;
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if stop.load(Ordering::SeqCst) {
                return Ok(Outcome::Stopped);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(SayError::TimedOut { secs });
            }
            match events.recv_timeout(left.min(POLL)) {
                Ok(Event::Ended(done)) if done == id => return Ok(Outcome::Finished),
                Ok(Event::Stopped(done)) if done == id => {
                    return Err(SayError::Failed(
                        "speech was cancelled by another program".into(),
                    ));
                }
                // An earlier utterance's late news.
                Ok(_) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(SayError::Failed("the connection was closed".into()));
                }
            }
        }
    }

    fn pause(ms: u32, stop: &AtomicBool) -> Outcome {
        let end = Instant::now() + Duration::from_millis(u64::from(ms));
        loop {
            if stop.load(Ordering::SeqCst) {
                return Outcome::Stopped;
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Outcome::Finished;
            }
            std::thread::sleep(left.min(POLL));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_map_onto_the_backend_scale() {
        assert_eq!(rate_on_scale(NATURAL_WPM, -100.0, 0.0, 100.0), 0.0);
        assert_eq!(rate_on_scale(80, -100.0, 0.0, 100.0), -100.0);
        assert_eq!(rate_on_scale(300, -100.0, 0.0, 100.0), 100.0);
        assert_eq!(rate_on_scale(120, -100.0, 0.0, 100.0), -50.0);
        assert_eq!(rate_on_scale(230, -100.0, 0.0, 100.0), 50.0);
        // A scale whose normal is not its middle (0.1 to 10, normal 1).
        assert!((rate_on_scale(300, 0.1, 1.0, 10.0) - 10.0).abs() < 1e-6);
        assert!((rate_on_scale(80, 0.1, 1.0, 10.0) - 0.1).abs() < 1e-6);
    }

    #[test]
    fn the_preview_announces_an_estimated_listening_time() {
        let utterance = |text: &str| script::Utterance {
            role: script::Role::Paragraph,
            display: text.into(),
            text: text.into(),
            pause_after_ms: 500,
        };
        let mut s = Script {
            title: "T".into(),
            language: "en".into(),
            chapters: vec![ChapterScript {
                index: 1,
                level: 1,
                title: "T".into(),
                utterances: vec![
                    utterance(&format!("It lasts {}.", script::LISTENING_TIME)),
                    utterance(&"word ".repeat(320)),
                ],
            }],
        };
        fill_listening_time(&mut s, None);
        // 322 words at 160 a minute and a second of pauses: about 2 minutes.
        assert_eq!(
            s.chapters[0].utterances[0].text,
            "It lasts about 2 minutes."
        );
    }

    fn voice(name: &str, language: &str) -> SystemVoice {
        SystemVoice {
            name: name.into(),
            language: language.into(),
        }
    }

    #[test]
    fn voices_are_picked_by_name_or_language() {
        let all = [voice("Alan", "en-GB"), voice("Lucia", "es-ES")];
        let by = |name: Option<&str>, language: &str| Options {
            voice: name.map(str::to_string),
            language: language.into(),
            ..Options::default()
        };
        assert_eq!(
            choose(&all, &by(Some("alan"), "en")).unwrap(),
            Some(&all[0])
        );
        assert_eq!(choose(&all, &by(None, "es")).unwrap(), Some(&all[1]));
        assert_eq!(choose(&all, &by(None, "en")).unwrap(), None);
        let err = choose(&all, &by(Some("Bob"), "en"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`Bob`") && err.contains("Alan, Lucia"),
            "{err}"
        );
    }

    #[cfg(not(feature = "desktop-voice"))]
    #[test]
    fn without_the_feature_say_explains_how_to_get_it() {
        let err = say(
            &[],
            &Options::default(),
            &AtomicBool::new(false),
            &mut |_| {},
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("--features desktop-voice"), "{err}");
    }
}
