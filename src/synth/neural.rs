//! The natural voices: Kokoro-82M's British and American voices and hibari's
//! `heart`, run in-process with ONNX Runtime, fed by the Rust phonemizer.
//!
//! Files come from the voices folder ([`super::install`]); nothing is read
//! until the first utterance, so a rebuild that finds every chapter in the
//! cache never loads a model.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::g2p::G2p;
use super::hibari::{HibariModel, Vocab};
use super::install::{self, Installed};
use super::kokoro::{KokoroModel, VoicePack};
use super::{Pcm, Settings, Speech, SynthId, Synthesizer, Unit, VoiceInfo};
use crate::error::{Error, Result};

/// The longest phoneme string given to a model at once. Kokoro takes 510;
/// shorter pieces keep its prosody steady and let long sentences run on
/// several cores.
pub const MAX_PHONEMES: usize = 400;

/// Words per minute at speed 1.0, pauses left out, measured over the
/// reference leaflet's script (see the README).
const NATURAL_WPM: u32 = 170;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Model {
    Kokoro,
    Hibari,
}

/// A natural voice: name, model, accent, sex.
struct Spec {
    name: &'static str,
    model: Model,
    british: bool,
    female: bool,
}

/// Kokoro's English voices as named in its voice packs: `b` British, `a`
/// American; `f` female, `m` male.
const KOKORO: &[&str] = &[
    "bf_emma",
    "bf_isabella",
    "bf_alice",
    "bf_lily",
    "bm_george",
    "bm_lewis",
    "bm_daniel",
    "bm_fable",
    "af_heart",
    "af_alloy",
    "af_aoede",
    "af_bella",
    "af_jessica",
    "af_kore",
    "af_nicole",
    "af_nova",
    "af_river",
    "af_sarah",
    "af_sky",
    "am_adam",
    "am_echo",
    "am_eric",
    "am_fenrir",
    "am_liam",
    "am_michael",
    "am_onyx",
    "am_puck",
    "am_santa",
];

/// The fast natural voice, the default English voice once installed.
pub const HEART: &str = "heart";

fn spec(name: &str) -> Option<Spec> {
    if name == HEART {
        return Some(Spec {
            name: HEART,
            model: Model::Hibari,
            british: false,
            female: true,
        });
    }
    let found = KOKORO.iter().find(|&&n| n == name)?;
    Some(Spec {
        name: found,
        model: Model::Kokoro,
        british: found.starts_with('b'),
        female: found.as_bytes()[1] == b'f',
    })
}

pub fn has_voice(name: &str) -> bool {
    spec(name).is_some()
}

/// What the natural voices need besides their name.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where they are installed.
    pub voices_dir: PathBuf,
    /// Word -> phonemes (Kokoro's symbols) from the lexicon.
    pub phonemes: HashMap<String, String>,
}

pub fn open(name: &str, settings: &Settings) -> Result<Box<dyn Synthesizer>> {
    let o = &settings.neural;
    Ok(Box::new(Neural::open(
        name,
        settings.rate_wpm,
        &o.voices_dir,
        o.phonemes.clone(),
    )?))
}

/// The components a voice needs.
fn components(model: Model) -> &'static [&'static str] {
    match model {
        Model::Kokoro => &["onnxruntime", "hibari", "kokoro"],
        Model::Hibari => &["onnxruntime", "hibari"],
    }
}

/// Whether every file of the voice is installed (sizes checked, not hashes).
pub fn is_installed(name: &str, voices: &Path) -> bool {
    let Some(s) = spec(name) else { return false };
    components(s.model)
        .iter()
        .all(|c| install::installed(voices, c).is_ok())
        && (s.model == Model::Hibari
            || install::installed(voices, "kokoro")
                .is_ok_and(|k| k.sha256(&pack_file(name)).is_some()))
}

fn pack_file(name: &str) -> String {
    format!("voices/{name}.bin")
}

pub fn voices(voices: &Path) -> Vec<VoiceInfo> {
    std::iter::once(HEART)
        .chain(KOKORO.iter().copied())
        .filter_map(spec)
        .map(|s| {
            let installed = is_installed(s.name, voices);
            let accent = if s.british { "British" } else { "American" };
            let sex = if s.female { "female" } else { "male" };
            let (backend, speed, what) = match s.model {
                Model::Hibari => (
                    "hibari",
                    "fast",
                    "natural, hibari (distilled from Kokoro's af_heart)",
                ),
                Model::Kokoro => ("kokoro", "slow", "natural, Kokoro-82M"),
            };
            VoiceInfo {
                name: s.name.into(),
                backend: backend.into(),
                language: if s.british { "en-GB" } else { "en-US" }.into(),
                sample_rate: 24_000,
                description: format!("{accent} English {sex}, {what}"),
                accent: accent.into(),
                sex: sex.into(),
                speed: speed.into(),
                installed,
            }
        })
        .collect()
}

enum Engine {
    Kokoro { model: KokoroModel, pack: VoicePack },
    Hibari(HibariModel),
}

struct Loaded {
    g2p: G2p,
    vocab: Vocab,
    engine: Engine,
}

/// A natural voice, behind the `Synthesizer` trait.
pub struct Neural {
    spec: Spec,
    rate_wpm: Option<u32>,
    /// Lexicon entries: word -> phonemes in Kokoro's symbols.
    phonemes: HashMap<String, String>,
    runtime: Installed,
    hibari: Installed,
    kokoro: Option<Installed>,
    /// What identifies the sound: the model's and the voice pack's sha256.
    model_sha256: String,
    loaded: OnceLock<std::result::Result<Loaded, String>>,
}

impl Neural {
    /// Open a voice: its files must be installed (checked now, cheaply; the
    /// models are hashed and loaded at the first utterance).
    pub fn open(
        name: &str,
        rate_wpm: Option<u32>,
        voices: &Path,
        phonemes: HashMap<String, String>,
    ) -> Result<Neural> {
        let spec = spec(name).ok_or_else(|| Error::UnknownVoice {
            name: name.to_string(),
        })?;
        let runtime = install::require(voices, "onnxruntime", name)?;
        let hibari = install::require(voices, "hibari", name)?;
        let (kokoro, model_sha256) = match spec.model {
            Model::Kokoro => {
                let k = install::require(voices, "kokoro", name)?;
                let model = k.sha256(install::KOKORO_MODEL).map(str::to_string);
                let pack = k.sha256(&pack_file(name)).map(str::to_string);
                let (Some(model), Some(pack)) = (model, pack) else {
                    return Err(Error::Other(format!(
                        "voice `{name}` is damaged: its model or voice pack is not in {}; run `{}` to repair it",
                        k.dir.display(),
                        install::INSTALL_COMMAND
                    )));
                };
                (Some(k), format!("{model}+{pack}"))
            }
            Model::Hibari => {
                let model = hibari.sha256("hibari.onnx").ok_or_else(|| {
                    Error::Other(format!(
                        "voice `{name}` is damaged: hibari.onnx is not in {}; run `{}` to repair it",
                        hibari.dir.display(),
                        install::INSTALL_COMMAND
                    ))
                })?;
                (None, model.to_string())
            }
        };
        Ok(Neural {
            spec,
            rate_wpm,
            phonemes,
            runtime,
            hibari,
            kokoro,
            model_sha256,
            loaded: OnceLock::new(),
        })
    }

    fn library(&self) -> PathBuf {
        self.runtime.path(install::ONNXRUNTIME_LIBRARY)
    }

    fn load(&self) -> Result<&Loaded> {
        self.loaded
            .get_or_init(|| self.make().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|why| Error::Other(why.clone()))
    }

    fn make(&self) -> Result<Loaded> {
        let name = self.spec.name;
        let engine = match (&self.kokoro, self.spec.model) {
            (Some(k), Model::Kokoro) => Engine::Kokoro {
                model: KokoroModel::new(&self.library(), &k.path(install::KOKORO_MODEL)),
                pack: VoicePack::new(&k.path(&pack_file(name))),
            },
            _ => Engine::Hibari(HibariModel::new(
                &self.library(),
                &self.hibari.path("hibari.onnx"),
            )),
        };
        // While the G2P tables load (the longest part, ~0.15 s), a thread of
        // its own checks the files' hashes (tens of MB) and then opens the
        // model's first session: the build's other workers are waiting for
        // the voice, so there is a core to spare. Nothing loads the runtime
        // before the hashes match. A session that fails to open here is
        // opened again, and its error given, at the first utterance.
        let (checked, g2p) = std::thread::scope(|s| {
            let check = s.spawn(|| {
                self.verify_files()?;
                let _ = match &engine {
                    Engine::Kokoro { model, .. } => model.open_ahead(),
                    Engine::Hibari(model) => model.open_ahead(),
                };
                Ok(())
            });
            let g2p = G2p::load(&self.hibari.dir, &self.library(), self.spec.british);
            let checked = check.join().unwrap_or_else(|_| {
                Err(Error::Other(format!(
                    "checking the files of voice `{name}` failed"
                )))
            });
            (checked, g2p)
        });
        checked?;
        let mut g2p = g2p?;
        g2p.set_overrides(self.phonemes.clone());
        let vocab = Vocab::load(&self.hibari.path("vocab.json"))?;
        Ok(Loaded { g2p, vocab, engine })
    }

    /// The runtime and this voice's model files match their install record.
    fn verify_files(&self) -> Result<()> {
        let name = self.spec.name;
        self.runtime.verify(install::ONNXRUNTIME_LIBRARY, name)?;
        match (&self.kokoro, self.spec.model) {
            (Some(k), Model::Kokoro) => {
                k.verify(install::KOKORO_MODEL, name)?;
                k.verify(&pack_file(name), name)
            }
            _ => self.hibari.verify("hibari.onnx", name),
        }
    }

    fn speed(&self) -> f32 {
        self.rate_wpm
            .map_or(1.0, |wpm| wpm as f32 / NATURAL_WPM as f32)
    }

    /// The words of `text` the phonemizer had to guess (its lexicons lack them).
    pub fn guessed_words(&self, text: &str) -> Result<Vec<String>> {
        Ok(self.load()?.g2p.phonemize(text)?.oov_words)
    }

    fn speak_piece(&self, loaded: &Loaded, phonemes: &str) -> Result<Vec<f32>> {
        let ids = loaded.vocab.ids(phonemes);
        match &loaded.engine {
            Engine::Kokoro { model, pack } => {
                model.synthesize_ids(&ids, pack.style(ids.len() - 2)?, self.speed())
            }
            Engine::Hibari(model) => {
                // The noise is seeded by what is said, so the same words
                // always sound the same, whatever order they are made in.
                let digest = Sha256::digest(phonemes.as_bytes());
                let seed = u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"));
                model.synthesize_ids(&ids, self.speed(), seed)
            }
        }
    }

    fn speak(&self, text: &str) -> Result<Vec<f32>> {
        let loaded = self.load()?;
        // Pieces of at most MAX_PHONEMES, spoken side by side.
        let pieces = split_phonemes(&loaded.g2p.phonemize(text)?.phonemes, MAX_PHONEMES);
        let audio: Vec<Vec<f32>> = pieces
            .par_iter()
            .map(|p| self.speak_piece(loaded, p))
            .collect::<Result<_>>()?;
        let mut joined = join_pieces(audio);
        fade_edges(&mut joined, EDGE_FADE);
        Ok(joined)
    }
}

/// 5 ms at 24 kHz: the fade at each end of an utterance, so that it starts
/// and stops at silence (no click where the pause begins).
const EDGE_FADE: usize = 120;

/// Fade the first and last `n` samples in and out (raised cosine).
fn fade_edges(samples: &mut [f32], n: usize) {
    let n = n.min(samples.len() / 2);
    let len = samples.len();
    for i in 0..n {
        let w = 0.5 - 0.5 * (std::f32::consts::PI * (i as f32 + 0.5) / n as f32).cos();
        samples[i] *= w;
        samples[len - 1 - i] *= w;
    }
}

/// Pieces of a long utterance are joined with a short crossfade over their
/// quiet edges, so no step in level is heard at the seam.
fn join_pieces(pieces: Vec<Vec<f32>>) -> Vec<f32> {
    const FADE: usize = 120; // 5 ms at 24 kHz
    let mut out: Vec<f32> = Vec::new();
    for piece in pieces {
        if out.len() < FADE || piece.len() < FADE {
            out.extend(piece);
            continue;
        }
        let start = out.len() - FADE;
        for (i, s) in piece[..FADE].iter().enumerate() {
            let w = (i as f32 + 0.5) / FADE as f32;
            out[start + i] = out[start + i] * (1.0 - w) + s * w;
        }
        out.extend_from_slice(&piece[FADE..]);
    }
    out
}

/// Split a phoneme string at phrase boundaries (after `, ; : —` and the
/// like), then at word boundaries, so that no piece is longer than `max`
/// symbols.
pub fn split_phonemes(phonemes: &str, max: usize) -> Vec<String> {
    let len = |s: &str| s.chars().count();
    if len(phonemes) <= max {
        return if phonemes.trim().is_empty() {
            Vec::new()
        } else {
            vec![phonemes.to_string()]
        };
    }
    // Phrases: each ends with its punctuation.
    let mut phrases: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in phonemes.chars() {
        current.push(c);
        if matches!(c, ',' | ';' | ':' | '—' | '.' | '!' | '?' | '…') {
            phrases.push(std::mem::take(&mut current));
        }
    }
    phrases.push(current);
    // Phrases still too long are cut between words.
    let mut parts: Vec<String> = Vec::new();
    for phrase in phrases {
        if len(&phrase) <= max {
            parts.push(phrase);
            continue;
        }
        let mut piece = String::new();
        for word in phrase.split_inclusive(' ') {
            if !piece.is_empty() && len(&piece) + len(word) > max {
                parts.push(std::mem::take(&mut piece));
            }
            piece.push_str(word);
        }
        parts.push(piece);
    }
    // Greedily pack the parts back together up to `max`.
    let mut out: Vec<String> = Vec::new();
    let mut piece = String::new();
    for part in parts {
        if !piece.is_empty() && len(&piece) + len(&part) > max {
            out.push(std::mem::take(&mut piece));
        }
        piece.push_str(&part);
    }
    out.push(piece);
    out.into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Kokoro's phoneme symbols (the natural voices' `vocab.json`, in id order).
pub const SYMBOLS: &str = ";:,.!?—…\"()“” \u{303}ʣʥʦʨᵝꭧAIOQSTWYᵊabcdefhijklmnopqrstuvwxyzɑɐɒæβɔɕçɖðʤəɚɛɜɟɡɥɨɪʝɯɰŋɳɲɴøɸθœɹɾɻʁɽʂʃʈʧʊʋʌɣɤχʎʒʔˈˌːʰʲ↓→↗↘ᵻ";

/// Check lexicon phonemes against the natural voices' symbols.
pub fn check_phonemes(phonemes: &str) -> std::result::Result<(), String> {
    if phonemes.trim().is_empty() {
        return Err("they are empty".into());
    }
    match phonemes.chars().find(|c| !SYMBOLS.contains(*c)) {
        Some(c) => Err(format!(
            "`{c}` (U+{:04X}) is not one of the natural voices' phoneme symbols (see the README)",
            c as u32
        )),
        None => Ok(()),
    }
}

fn to_i16(samples: &[f32]) -> Vec<i16> {
    samples
        .iter()
        .map(|s| (s.clamp(-1.0, 1.0) * 32767.0).round() as i16)
        .collect()
}

impl Synthesizer for Neural {
    fn id(&self) -> SynthId {
        SynthId {
            backend: match self.spec.model {
                Model::Kokoro => "kokoro".into(),
                Model::Hibari => "hibari".into(),
            },
            voice: self.spec.name.into(),
            version: match self.spec.model {
                Model::Kokoro => "kokoro-82m-v1.0-int8 (audio-leaflet g2p 1)".into(),
                Model::Hibari => "hibari-tts-0.2.1 (audio-leaflet g2p 1)".into(),
            },
            rate_wpm: self.rate_wpm.unwrap_or(NATURAL_WPM),
            model_sha256: self.model_sha256.clone(),
        }
    }

    fn sample_rate(&self) -> u32 {
        24_000
    }

    fn synthesize(&self, text: &str) -> Result<Pcm> {
        Ok(Pcm {
            samples: to_i16(&self.speak(text)?),
            sample_rate: self.sample_rate(),
        })
    }

    /// Utterances are spoken in parallel (each also splits over cores when
    /// long), then joined in order with their pauses.
    fn synthesize_utterances(&self, utterances: &[Unit]) -> Result<Speech> {
        let parts: Vec<Vec<f32>> = utterances
            .par_iter()
            .map(|u| self.speak(&u.text))
            .collect::<Result<_>>()?;
        super::join_utterances(utterances, self.sample_rate(), |i, _| Ok(to_i16(&parts[i])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utterances_start_and_end_at_silence() {
        let mut loud = vec![0.8f32; 1000];
        fade_edges(&mut loud, EDGE_FADE);
        assert!(loud[0].abs() < 0.001 && loud[999].abs() < 0.001);
        assert!((loud[500] - 0.8).abs() < 1e-6);
        // Neighbouring samples never jump by more than the fade allows.
        let steepest = loud
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f32::max);
        assert!(steepest < 0.8 * 3.2 / EDGE_FADE as f32, "{steepest}");
        let mut tiny = vec![1.0f32; 3];
        fade_edges(&mut tiny, EDGE_FADE);
        assert!(tiny.iter().all(|s| s.is_finite()));
    }

    #[test]
    fn pieces_are_crossfaded_without_a_step() {
        let a = vec![0.5f32; 1000];
        let b = vec![0.5f32; 1000];
        let joined = join_pieces(vec![a, b]);
        assert_eq!(joined.len(), 2000 - 120);
        assert!(joined.iter().all(|s| (s - 0.5).abs() < 1e-6));
    }

    #[test]
    fn short_phonemes_are_one_piece() {
        assert_eq!(split_phonemes("həlˈQ.", 400), vec!["həlˈQ."]);
        assert!(split_phonemes("  ", 400).is_empty());
    }

    #[test]
    fn long_phonemes_split_at_phrases_then_words() {
        let phrase = "ɐ bˈɪt əv tˈɛkst, ";
        let long = phrase.repeat(40);
        let pieces = split_phonemes(&long, 100);
        assert!(pieces.len() > 1);
        for p in &pieces {
            assert!(p.chars().count() <= 100, "{p}");
            assert!(p.ends_with(','), "cut inside a phrase: {p}");
        }
        let words = "wˈʌn ".repeat(100);
        for p in split_phonemes(&words, 50) {
            assert!(p.chars().count() <= 50);
            assert!(p.ends_with('n'), "cut inside a word: {p}");
        }
    }

    #[test]
    fn voices_have_accents_and_sexes() {
        let v = voices(Path::new("/nonexistent"));
        let emma = v.iter().find(|v| v.name == "bf_emma").unwrap();
        assert_eq!(
            (emma.accent.as_str(), emma.sex.as_str()),
            ("British", "female")
        );
        assert!(!emma.installed);
        let george = v.iter().find(|v| v.name == "bm_george").unwrap();
        assert_eq!(george.sex, "male");
        let heart = v.iter().find(|v| v.name == HEART).unwrap();
        assert_eq!(
            (heart.accent.as_str(), heart.speed.as_str()),
            ("American", "fast")
        );
        assert_eq!(v.iter().filter(|v| v.accent == "British").count(), 8);
    }

    #[test]
    fn a_missing_voice_names_the_command_that_installs_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = Neural::open("bf_emma", None, dir.path(), HashMap::new())
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("voice `bf_emma` is not installed"), "{err}");
        assert!(err.contains("audio-leaflet voices install"), "{err}");
    }
}
