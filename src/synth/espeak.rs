//! Voices for other languages: Debian's `espeak-ng` program, run as a separate process.
//!
//! espeak-ng is GPL, so it is run as a program and never linked. Each chapter is one
//! SSML document spoken by one process, because starting a process per utterance
//! would cost more than the speech itself.

use std::ffi::OsString;
use std::io::{Cursor, Write};
use std::process::{Command, Output, Stdio};

use super::{Pcm, Settings, Span, Speech, SynthId, Synthesizer, Unit, VoiceInfo};
use crate::error::{Error, Result};

pub const BACKEND: &str = "espeak-ng";

/// Every espeak voice name starts with this, so none can clash with a built-in voice.
pub const PREFIX: &str = "espeak-";

/// Overrides the program run (a path, or a name looked up on `PATH`), for an
/// installation outside `PATH` and for tests that simulate a missing program.
pub const PROGRAM_ENV: &str = "AUDIO_LEAFLET_ESPEAK";

/// espeak-ng's default speaking rate is 175 words per minute; 160 matches the
/// built-in voice so that a leaflet sounds as fast in either.
pub const DEFAULT_WPM: u32 = 160;

/// The rate espeak-ng's own voices speak at (mbrola voices, which are not
/// offered, use others). Only shown in the voice list: an opened voice reads
/// its rate from espeak's output instead.
pub const LISTED_SAMPLE_RATE: u32 = 22_050;

/// The program to run: `$AUDIO_LEAFLET_ESPEAK`, else `espeak-ng` on `PATH`.
pub fn program() -> OsString {
    std::env::var_os(PROGRAM_ENV)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "espeak-ng".into())
}

/// One voice from `espeak-ng --voices`.
#[derive(Debug, Clone, PartialEq)]
pub struct EspeakVoice {
    /// Our name for it: `espeak-` and its language, e.g. `espeak-es`.
    pub name: String,
    /// espeak's language tag, e.g. `es`, `en-gb`, `es-419`.
    pub language: String,
    /// The voice file, e.g. `roa/es`: what `-v` is given, since two voices
    /// can share a language tag.
    pub file: String,
    pub description: String,
}

impl EspeakVoice {
    pub fn info(&self) -> VoiceInfo {
        VoiceInfo {
            name: self.name.clone(),
            backend: BACKEND.into(),
            language: self.language.clone(),
            sample_rate: LISTED_SAMPLE_RATE,
            description: self.description.clone(),
            accent: String::new(),
            sex: String::new(),
            speed: "fast".into(),
            installed: true,
        }
    }
}

/// The voices the installed espeak-ng offers. `needed_for` says, in the error
/// when the program is missing, what it was wanted for.
pub fn list(needed_for: &str) -> Result<Vec<EspeakVoice>> {
    let program = program();
    let out =
        run(&program, &["--voices"], None).map_err(|e| spawn_error(&program, e, needed_for))?;
    let out = check_status(out, "`espeak-ng --voices`")?;
    Ok(parse_voices(&String::from_utf8_lossy(&out.stdout)))
}

/// Read the table `espeak-ng --voices` prints:
/// `Pty Language Age/Gender VoiceName File Other Languages`.
/// Voice names have underscores for spaces, so columns split on whitespace.
pub fn parse_voices(table: &str) -> Vec<EspeakVoice> {
    let mut voices: Vec<EspeakVoice> = Vec::new();
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let [_, language, age_gender, voice_name, file, ..] = cols[..] else {
            continue;
        };
        // mbrola voices need the separate mbrola program and its data.
        if file.starts_with("mb/") {
            continue;
        }
        let base = file.rsplit('/').next().unwrap_or(file);
        let name = [language, base]
            .iter()
            .map(|id| format!("{PREFIX}{}", id.to_lowercase()))
            .find(|n| voices.iter().all(|v| &v.name != n));
        let Some(name) = name else { continue };
        let gender = match age_gender.rsplit('/').next() {
            Some("M") => ", male",
            Some("F") => ", female",
            _ => "",
        };
        voices.push(EspeakVoice {
            name,
            language: language.to_string(),
            file: file.to_string(),
            description: format!("{}{gender}", voice_name.replace('_', " ")),
        });
    }
    voices
}

/// The plain voice for a language (`es` gives `espeak-es`), else a regional
/// one (`es-419`).
pub fn for_language<'a>(voices: &'a [EspeakVoice], lang: &str) -> Option<&'a EspeakVoice> {
    let lang = lang.to_lowercase();
    let regional = format!("{lang}-");
    voices
        .iter()
        .find(|v| v.language.to_lowercase() == lang)
        .or_else(|| {
            voices
                .iter()
                .find(|v| v.language.to_lowercase().starts_with(&regional))
        })
}

/// An opened espeak-ng voice. Holds only what each process is started with,
/// so rayon workers share it and each runs its own process.
pub struct Espeak {
    program: OsString,
    voice: EspeakVoice,
    version: String,
    rate_wpm: u32,
    sample_rate: u32,
}

impl Espeak {
    /// Check the program runs and knows the voice, and learn its version and
    /// sample rate, so a missing program fails before any chapter is narrated.
    pub fn open(name: &str, rate_wpm: Option<u32>) -> Result<Espeak> {
        let program = program();
        let needed_for = format!("voice `{name}`");
        let out = run(&program, &["--version"], None)
            .map_err(|e| spawn_error(&program, e, &needed_for))?;
        let out = check_status(out, "`espeak-ng --version`")?;
        let version = parse_version(&String::from_utf8_lossy(&out.stdout));
        let voice = list(&needed_for)?
            .into_iter()
            .find(|v| v.name == name)
            .ok_or_else(|| Error::UnknownVoice {
                name: name.to_string(),
            })?;
        let mut espeak = Espeak {
            program,
            voice,
            version,
            rate_wpm: rate_wpm.unwrap_or(DEFAULT_WPM),
            sample_rate: 0,
        };
        espeak.sample_rate = espeak
            .speak(&ssml(&[Unit {
                text: "a".into(),
                pause_after_ms: 0,
            }]))?
            .sample_rate;
        Ok(espeak)
    }

    /// Run one espeak-ng process on an SSML document and read the WAV it writes.
    fn speak(&self, ssml: &str) -> Result<Pcm> {
        let rate = self.rate_wpm.to_string();
        let args = [
            "-v",
            &self.voice.file,
            "-s",
            &rate,
            "-m",
            // The document is UTF-8 whatever the locale says.
            "-b",
            "1",
            "--stdout",
        ];
        let needed_for = format!("voice `{}`", self.voice.name);
        let out = run(&self.program, &args, Some(ssml.as_bytes()))
            .map_err(|e| spawn_error(&self.program, e, &needed_for))?;
        let out = check_status(out, &format!("espeak-ng for voice `{}`", self.voice.name))?;
        read_wav(&out.stdout).map_err(|why| Error::Espeak {
            what: format!("espeak-ng for voice `{}`", self.voice.name),
            why: format!("its output is not the expected WAV: {why}"),
        })
    }
}

/// espeak-ng's voices are named `espeak-…`; whether the program has the
/// voice is only known once it is asked, when the voice is opened.
pub fn has_voice(name: &str) -> bool {
    name.starts_with(PREFIX)
}

pub fn open(name: &str, settings: &Settings) -> Result<Box<dyn Synthesizer>> {
    Ok(Box::new(Espeak::open(name, settings.rate_wpm)?))
}

impl Synthesizer for Espeak {
    fn id(&self) -> SynthId {
        SynthId {
            backend: BACKEND.into(),
            voice: self.voice.name.clone(),
            version: self.version.clone(),
            rate_wpm: self.rate_wpm,
            model_sha256: String::new(),
        }
    }

    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn synthesize(&self, text: &str) -> Result<Pcm> {
        self.speak(&ssml(&[Unit {
            text: text.to_string(),
            pause_after_ms: 0,
        }]))
    }

    /// One SSML document per chapter: its breaks and prosody are not the
    /// same as utterances spoken one at a time.
    fn utterances_independent(&self) -> bool {
        false
    }

    fn synthesize_utterances(&self, utterances: &[Unit]) -> Result<Speech> {
        if utterances.is_empty() {
            return Ok(Speech {
                pcm: Pcm {
                    samples: Vec::new(),
                    sample_rate: self.sample_rate,
                },
                marks: Vec::new(),
            });
        }
        let pcm = self.speak(&ssml(utterances))?;
        if pcm.sample_rate != self.sample_rate {
            return Err(Error::Espeak {
                what: format!("espeak-ng for voice `{}`", self.voice.name),
                why: format!(
                    "it spoke at {} Hz after starting at {} Hz",
                    pcm.sample_rate, self.sample_rate
                ),
            });
        }
        let marks = find_marks(&pcm, utterances);
        Ok(Speech { pcm, marks })
    }
}

/// Samples quieter than this count as the silence of a break.
const QUIET: u16 = 200;

/// Where each unit is in one document's audio. espeak-ng speaks the whole
/// chapter in one run and does not say where its breaks fell, so they are
/// found in the sound: after each unit, the first quiet stretch at least
/// 80% as long as its break. Units with no break between them share the
/// stretch up to the next break, split by their length in characters.
pub fn find_marks(pcm: &Pcm, units: &[Unit]) -> Vec<Span> {
    let len = pcm.samples.len();
    let mut marks = Vec::with_capacity(units.len());
    let mut at = 0usize;
    let mut group = 0;
    for (i, u) in units.iter().enumerate() {
        let last = i + 1 == units.len();
        if u.pause_after_ms == 0 && !last {
            continue;
        }
        let need = (pcm.sample_rate as u64 * u.pause_after_ms as u64 * 8 / 10_000) as usize;
        let (end, next) = if last || need == 0 {
            (len, len)
        } else {
            quiet_run(&pcm.samples, at, need).unwrap_or((len, len))
        };
        // Speech starts after any quiet the first unit opens with.
        let start = pcm.samples[at..end]
            .iter()
            .position(|s| s.unsigned_abs() > QUIET)
            .map_or(end, |p| at + p);
        split(&units[group..=i], start, end, &mut marks);
        at = next;
        group = i + 1;
    }
    marks
}

/// Share `start..end` among `units` in proportion to their text.
fn split(units: &[Unit], start: usize, end: usize, marks: &mut Vec<Span>) {
    let weight = |u: &Unit| u.text.chars().count().max(1);
    let total: usize = units.iter().map(weight).sum();
    let mut done = 0;
    for u in units {
        let from = start + (end - start) * done / total;
        done += weight(u);
        let to = start + (end - start) * done / total;
        marks.push(Span {
            start: from as u64,
            end: to as u64,
        });
    }
}

/// The first run of at least `need` quiet samples after some sound from
/// `from`: where it starts and ends.
fn quiet_run(samples: &[i16], from: usize, need: usize) -> Option<(usize, usize)> {
    let mut heard = false;
    let mut run_start = None;
    for (i, s) in samples.iter().enumerate().skip(from) {
        if s.unsigned_abs() > QUIET {
            if let Some(r) = run_start.take()
                && heard
                && i - r >= need
            {
                return Some((r, i));
            }
            heard = true;
        } else if heard && run_start.is_none() {
            run_start = Some(i);
        }
    }
    None
}

/// One SSML document for a run of utterances, each followed by a break of its
/// pause. Text is escaped by quick-xml, so `<` or `&` in a leaflet is spoken,
/// not read as markup.
pub fn ssml(utterances: &[Unit]) -> String {
    let mut doc = String::from("<speak>\n");
    for u in utterances {
        doc.push_str(&quick_xml::escape::escape(u.text.as_str()));
        if u.pause_after_ms > 0 {
            doc.push_str(&format!("<break time=\"{}ms\"/>", u.pause_after_ms));
        }
        doc.push('\n');
    }
    doc.push_str("</speak>\n");
    doc
}

/// `eSpeak NG text-to-speech: 1.51  Data at: ...` gives `espeak-ng 1.51`.
fn parse_version(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let version = line
        .split_once("text-to-speech:")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or(line);
    format!("{BACKEND} {version}")
}

/// Decode espeak's WAV. Writing to a pipe, espeak cannot go back to fill in
/// the data length, so its header claims about 2 GB; the samples are the
/// whole ones that the stream actually holds.
fn read_wav(bytes: &[u8]) -> std::result::Result<Pcm, String> {
    let header = hound::WavReader::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let spec = header.spec();
    if spec.channels != 1
        || spec.bits_per_sample != 16
        || spec.sample_format != hound::SampleFormat::Int
    {
        return Err(format!(
            "{} channels of {}-bit samples where mono 16-bit was expected",
            spec.channels, spec.bits_per_sample
        ));
    }
    let declared = header.len() as usize;
    let data_start = header.into_inner().position() as usize;
    let present = bytes.len().saturating_sub(data_start) / 2;
    let mut reader = hound::WavReader::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let samples = reader
        .samples::<i16>()
        .take(declared.min(present))
        .collect::<std::result::Result<Vec<i16>, _>>()
        .map_err(|e| e.to_string())?;
    Ok(Pcm {
        samples,
        sample_rate: spec.sample_rate,
    })
}

/// Run the program, feeding `stdin` from another thread so that neither side
/// can block on a full pipe while the other waits.
fn run(program: &OsString, args: &[&str], stdin: Option<&[u8]>) -> std::io::Result<Output> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let input = child.stdin.take();
    std::thread::scope(|s| {
        let writer = s.spawn(move || match (input, stdin) {
            (Some(mut pipe), Some(bytes)) => pipe.write_all(bytes),
            _ => Ok(()),
        });
        let out = child.wait_with_output();
        // A write error means espeak stopped reading; its exit status says why.
        let _ = writer.join();
        out
    })
}

fn spawn_error(program: &OsString, e: std::io::Error, needed_for: &str) -> Error {
    let program = program.to_string_lossy().into_owned();
    if e.kind() == std::io::ErrorKind::NotFound {
        Error::EspeakMissing {
            program,
            needed_for: needed_for.to_string(),
        }
    } else {
        Error::Espeak {
            what: format!("starting `{program}`"),
            why: e.to_string(),
        }
    }
}

fn check_status(out: Output, what: &str) -> Result<Output> {
    if out.status.success() {
        return Ok(out);
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let why = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map_or_else(|| out.status.to_string(), str::to_string);
    Err(Error::Espeak {
        what: what.to_string(),
        why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(text: &str, pause_after_ms: u32) -> Unit {
        Unit {
            text: text.into(),
            pause_after_ms,
        }
    }

    #[test]
    fn marks_are_found_at_the_quiet_of_each_break() {
        // 100 ms quiet, 1 s sound, a 40 ms gap inside the sentence, 0.5 s
        // sound, the 700 ms break, 1 s sound, 200 ms quiet; at 1 kHz.
        let loud = |n: usize| std::iter::repeat_n(3000i16, n);
        let quiet = |n: usize| std::iter::repeat_n(0i16, n);
        let samples: Vec<i16> = quiet(100)
            .chain(loud(1000))
            .chain(quiet(40))
            .chain(loud(500))
            .chain(quiet(700))
            .chain(loud(1000))
            .chain(quiet(200))
            .collect();
        let pcm = Pcm {
            samples,
            sample_rate: 1000,
        };
        let marks = find_marks(&pcm, &[u("First.", 700), u("Second.", 0)]);
        assert_eq!(
            marks,
            [
                Span {
                    start: 100,
                    end: 1640
                },
                Span {
                    start: 2340,
                    end: 3540
                }
            ]
        );
        // No break between two units: they share the speech by length.
        let marks = find_marks(&pcm, &[u("One.", 0), u("Two.", 700), u("Three.", 0)]);
        assert_eq!(
            marks[0],
            Span {
                start: 100,
                end: 870
            }
        );
        assert_eq!(
            marks[1],
            Span {
                start: 870,
                end: 1640
            }
        );
        assert_eq!(
            marks[2],
            Span {
                start: 2340,
                end: 3540
            }
        );
    }

    #[test]
    fn ssml_escapes_markup_characters_in_the_text() {
        let doc = ssml(&[u(r#"Tome <2 & "no" l'eau > nada"#, 0)]);
        assert_eq!(
            doc,
            "<speak>\nTome &lt;2 &amp; &quot;no&quot; l&apos;eau &gt; nada\n</speak>\n"
        );
    }

    #[test]
    fn ssml_puts_each_pause_after_its_utterance() {
        let doc = ssml(&[
            u("Introducción", 700),
            u("Primera frase.", 600),
            u("Fin", 0),
        ]);
        assert_eq!(
            doc,
            "<speak>\nIntroducción<break time=\"700ms\"/>\nPrimera frase.<break time=\"600ms\"/>\nFin\n</speak>\n"
        );
    }

    const TABLE: &str = "\
Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 5  es              --/M      Spanish_(Spain)    roa/es               
 5  es-419          --/M      Spanish_(Latin_America) roa/es-419           (es-mx 6)(es 6)
 3  es-es           --/F      spanish-mbrola-3   mb/mb-es3            (es 3)
 5  yue             --/M      Chinese_(Cantonese) sit/yue              (zh-yue 5)(zh 8)
 5  yue             --/M      Chinese_(Cantonese,_latin_as_Jyutping) sit/yue-Latn-jyutping (zh-yue 5)(zh 8)
";

    #[test]
    fn voices_are_named_by_language_and_never_clash() {
        let voices = parse_voices(TABLE);
        let names: Vec<&str> = voices.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "espeak-en-gb",
                "espeak-es",
                "espeak-es-419",
                "espeak-yue",
                "espeak-yue-latn-jyutping"
            ],
            "mbrola voices are left out; a second voice for a language is named by its file"
        );
        assert_eq!(voices[1].file, "roa/es");
        assert_eq!(voices[1].description, "Spanish (Spain), male");
        assert_eq!(voices[4].file, "sit/yue-Latn-jyutping");
    }

    #[test]
    fn a_language_gets_its_plain_voice_before_a_regional_one() {
        let voices = parse_voices(TABLE);
        assert_eq!(for_language(&voices, "es").unwrap().name, "espeak-es");
        assert_eq!(for_language(&voices, "EN").unwrap().name, "espeak-en-gb");
        assert!(for_language(&voices, "fr").is_none());
    }

    #[test]
    fn version_is_the_number_espeak_prints() {
        assert_eq!(
            parse_version(
                "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data\n"
            ),
            "espeak-ng 1.51"
        );
    }

    #[test]
    fn a_streamed_wav_ends_where_its_bytes_end() {
        let pcm = Pcm {
            samples: vec![1, -2, 300, -400, 5],
            sample_rate: 22_050,
        };
        let mut bytes = crate::audio::wav_bytes(&pcm).unwrap();
        // What espeak writes to a pipe: placeholder lengths in the RIFF and data headers.
        bytes[4..8].copy_from_slice(&0x7fff_f024u32.to_le_bytes());
        bytes[40..44].copy_from_slice(&0x7fff_f000u32.to_le_bytes());
        assert_eq!(read_wav(&bytes).unwrap(), pcm);
    }

    #[test]
    fn a_stereo_or_8_bit_wav_is_refused() {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 22_050,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut cursor = Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
        w.write_sample(0i16).unwrap();
        w.write_sample(0i16).unwrap();
        w.finalize().unwrap();
        let err = read_wav(&cursor.into_inner()).unwrap_err();
        assert!(err.contains("2 channels"), "{err}");
    }
}
