//! The chapter audio cache: mastered chapter WAVs keyed by everything that
//! decides their sound, shared by every leaflet in an output folder, so
//! unchanged chapters (in this leaflet or another) are never narrated again.
//!
//! Several processes may write it at once: the shards of a batch, on one
//! machine or many sharing the folder. An entry is two files, the audio
//! (`KEY.wav`, and `KEY.mp3` once a package asks for MP3) and its
//! description (`KEY.json`), each written to a temporary file beside it and
//! renamed into place, so a reader finds each file whole or not at all, and
//! the description only once the audio it describes is there. Two
//! processes narrating the same chapter write the same bytes (the key holds
//! everything that decides them: text, voice and its model, rate,
//! pronunciations, mastering), so whichever rename comes last, the entry is
//! complete and right; a process that finds the entry made by another while
//! it narrated keeps that one and writes nothing. A killed writer leaves at
//! most a `.tmp-` file, which no lookup reads and `clean` removes.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audio::Span;
use crate::audio::{self, master};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::package::AudioFormat;
use crate::synth::{SynthId, Unit};

/// Bump when the way audio is made changes, so old entries are not reused.
pub const CACHE_SCHEMA: u32 = 6;
/// The cache folder, inside the output folder's working folder.
pub const CACHE_DIR: &str = ".audio-leaflet/cache";

/// What a cached chapter is: enough to write the manifest without reading
/// the audio again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub samples: u64,
    pub sample_rate: u32,
    pub loudness_lufs: f64,
    pub true_peak_dbtp: f64,
    /// Where each utterance starts and ends in the audio, in samples. An
    /// entry written before marks were kept has none and is made again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marks: Option<Vec<[u64; 2]>>,
}

impl Entry {
    /// The utterances' spans (empty for an entry without marks).
    pub fn spans(&self) -> Vec<Span> {
        self.marks
            .iter()
            .flatten()
            .map(|&[start, end]| Span { start, end })
            .collect()
    }
}

/// The identity of a chapter's audio.
#[derive(Serialize)]
struct KeyParts<'a> {
    schema: u32,
    synth: &'a SynthId,
    mastering: (f64, f64, u32, u32),
    phones: &'a [String],
    utterances: &'a [Unit],
}

/// The key of a chapter's audio: a hash of everything that decides how it
/// sounds (the same for a chapter whatever leaflet it is in).
pub fn key(units: &[Unit], synth: &SynthId, phones: &[String]) -> String {
    let parts = KeyParts {
        schema: CACHE_SCHEMA,
        synth,
        mastering: (
            master::TARGET_LUFS,
            master::MAX_TRUE_PEAK_DBTP,
            master::LEAD_IN_MS,
            master::TAIL_MS,
        ),
        phones,
        utterances: units,
    };
    let json = serde_json::to_vec(&parts).expect("key parts serialise");
    Sha256::digest(&json)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

type Slot = Arc<OnceLock<std::result::Result<Entry, String>>>;

/// The cache of one output folder. Requests for the same key at the same
/// time wait for one narration instead of making two.
pub struct Cache {
    dir: PathBuf,
    force: bool,
    /// Encode each chapter's MP3 as soon as it is narrated, from the samples
    /// in memory, rather than reading its WAV back when it is packaged.
    mp3: bool,
    in_flight: Mutex<HashMap<String, Slot>>,
    /// With `--force`: the entries whose MP3 this build encoded, which
    /// [`Cache::audio`] takes as they are rather than encoding them again.
    /// (Without `--force` the file itself is looked at, and nothing is kept
    /// here, so a long batch holds nothing per chapter.)
    encoded_now: Mutex<HashSet<String>>,
}

impl Cache {
    /// `create`: make the folder now (a build with nothing to do does not).
    pub fn open(out: &Path, force: bool, create: bool) -> Result<Cache> {
        let dir = out.join(CACHE_DIR);
        if create {
            fsutil::create_dir_all(&dir)?;
        }
        Ok(Cache {
            dir,
            force,
            mp3: false,
            in_flight: Mutex::new(HashMap::new()),
            encoded_now: Mutex::new(HashSet::new()),
        })
    }

    /// Make the MP3 beside each new entry's WAV (when the package wants
    /// MP3s: its chapter files or the EPUB's).
    pub fn with_mp3(mut self, mp3: bool) -> Cache {
        self.mp3 = mp3;
        self
    }

    pub fn wav_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.wav"))
    }

    pub fn mp3_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.mp3"))
    }

    /// The chapter's audio in `format`: the WAV itself, or an MP3 encoded
    /// from it the first time it is asked for and kept beside it (so both
    /// come from one narration, and a rebuild encodes nothing). An MP3 that
    /// does not say it holds the entry's samples is encoded again.
    pub fn audio(&self, key: &str, entry: &Entry, format: AudioFormat) -> Result<PathBuf> {
        if format == AudioFormat::Wav {
            return Ok(self.wav_path(key));
        }
        let path = self.mp3_path(key);
        let whole = |p: &Path| {
            audio::mp3::file_frames(p)
                .is_some_and(|s| s.samples == entry.samples && s.sample_rate == entry.sample_rate)
        };
        let trusted = !self.force || self.encoded_now.lock().expect("cache lock").contains(key);
        if trusted && whole(&path) {
            return Ok(path);
        }
        let wav = self.wav_path(key);
        let samples = audio::read_wav(&wav)?;
        let bytes = audio::mp3::encode(&samples, entry.sample_rate)
            .map_err(|why| Error::Other(format!("cannot write `{}`: {why}", path.display())))?;
        fsutil::write_bytes_atomic(&path, &bytes)?;
        Ok(path)
    }

    fn meta_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// A usable entry: its description and its audio both there, and the
    /// audio as long as described (a torn entry counts as missing).
    fn lookup(&self, key: &str) -> Option<Entry> {
        let text = std::fs::read_to_string(self.meta_path(key)).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        entry.marks.as_ref()?;
        let len = std::fs::metadata(self.wav_path(key)).ok()?.len();
        (len == 44 + entry.samples * 2).then_some(entry)
    }

    /// Whether a usable entry for `key` is there (never with `--force`).
    pub fn has(&self, key: &str) -> bool {
        !self.force && self.lookup(key).is_some()
    }

    /// The entry for `key`, making it with `make` when there is none. The
    /// flag says whether it was made now (narrated) or found (reused).
    pub fn get_or_make(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<master::Mastered>,
    ) -> Result<(Entry, bool)> {
        let slot = {
            let mut map = self.in_flight.lock().expect("cache lock");
            Arc::clone(map.entry(key.to_string()).or_default())
        };
        let mut made = false;
        let result = slot.get_or_init(|| {
            if let Some(entry) = self.lookup(key).filter(|_| !self.force) {
                return Ok(entry);
            }
            made = true;
            let mastered = make().map_err(|e| e.to_string())?;
            // Another process (a shard) may have stored it meanwhile: its
            // entry is used, and counted as reused, so that the shards'
            // reports add up to the entries made.
            if let Some(entry) = self.lookup(key).filter(|_| !self.force) {
                made = false;
                return Ok(entry);
            }
            self.store(key, mastered).map_err(|e| e.to_string())
        });
        let result = match result {
            Ok(entry) => Ok((entry.clone(), made)),
            Err(why) => Err(Error::Other(why.clone())),
        };
        // Settled: a later request finds it on disk (or tries again after
        // an error), so the slot need not outlive its waiters; a batch of
        // thousands of leaflets would otherwise hold one per chapter. With
        // --force the disk is not looked at, so the slot stays: a chapter
        // two leaflets share is still narrated once.
        if !self.force {
            self.in_flight.lock().expect("cache lock").remove(key);
        }
        result
    }

    /// Write the audio first and its description last: an entry is only
    /// there once both are complete.
    fn store(&self, key: &str, m: master::Mastered) -> std::result::Result<Entry, Error> {
        // The WAV is written while the MP3 is encoded.
        let (wav, mp3) = rayon::join(
            || audio::write_wav(&self.wav_path(key), &m.pcm),
            || {
                if !self.mp3 {
                    return Ok(());
                }
                let path = self.mp3_path(key);
                let bytes =
                    audio::mp3::encode(&m.pcm.samples, m.pcm.sample_rate).map_err(|why| {
                        Error::Other(format!("cannot write `{}`: {why}", path.display()))
                    })?;
                fsutil::write_bytes_atomic(&path, &bytes)?;
                if self.force {
                    self.encoded_now
                        .lock()
                        .expect("cache lock")
                        .insert(key.to_string());
                }
                Ok(())
            },
        );
        wav?;
        mp3?;
        let entry = Entry {
            samples: m.pcm.samples.len() as u64,
            sample_rate: m.pcm.sample_rate,
            loudness_lufs: m.loudness_lufs,
            true_peak_dbtp: m.true_peak_dbtp,
            marks: Some(m.marks.iter().map(|s| [s.start, s.end]).collect()),
        };
        let json = serde_json::to_vec_pretty(&entry).expect("entry serialises");
        fsutil::write_bytes_atomic(&self.meta_path(key), &json)?;
        Ok(entry)
    }
}

/// Remove cache entries that no package in `out` uses. Returns how many
/// entries and bytes were freed.
pub fn clean(out: &Path, used: &std::collections::HashSet<String>) -> Result<(usize, u64)> {
    // An entry is its KEY.wav, KEY.mp3 and KEY.json (a temporary file's
    // key is empty, so it goes too); it counts once, by its WAV.
    fsutil::remove_unused(
        &out.join(CACHE_DIR),
        used,
        |name| name.split('.').next(),
        |name| name.ends_with(".wav"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synth(model_sha256: &str) -> SynthId {
        SynthId {
            backend: "kokoro".into(),
            voice: "bf_emma".into(),
            version: "kokoro-82m-v1.0-int8".into(),
            rate_wpm: 170,
            model_sha256: model_sha256.into(),
        }
    }

    #[test]
    fn the_key_follows_the_model_hash() {
        let chapter = [Unit {
            text: "Call the clinic.".into(),
            pause_after_ms: 600,
        }];
        let a = key(&chapter, &synth("aaaa+bbbb"), &[]);
        assert_eq!(a, key(&chapter, &synth("aaaa+bbbb"), &[]));
        assert_ne!(
            a,
            key(&chapter, &synth("aaaa+cccc"), &[]),
            "a new voice pack"
        );
        assert_ne!(a, key(&chapter, &synth("dddd+bbbb"), &[]), "a new model");
        // The built-in voice has no model hash: its keys are as before.
        let flite = SynthId {
            model_sha256: String::new(),
            ..synth("")
        };
        let json = serde_json::to_string(&flite).unwrap();
        assert!(!json.contains("model_sha256"), "{json}");
    }

    /// A tone of `seconds` as mastering would hand it over.
    fn mastered(seconds: usize) -> master::Mastered {
        let rate = 16_000;
        let samples = (0..rate as usize * seconds)
            .map(|i| ((i as f64 * 0.05).sin() * 8000.0) as i16)
            .collect();
        master::Mastered {
            pcm: audio::Pcm {
                samples,
                sample_rate: rate,
            },
            marks: vec![Span { start: 0, end: 100 }],
            loudness_lufs: -16.0,
            true_peak_dbtp: -1.0,
        }
    }

    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).unwrap().ino()
    }

    #[test]
    fn a_forced_build_encodes_each_mp3_once() {
        let out = tempfile::tempdir().unwrap();
        let cache = Cache::open(out.path(), true, true).unwrap().with_mp3(true);
        let (entry, made) = cache.get_or_make("k1", || Ok(mastered(2))).unwrap();
        assert!(made);
        let stored = cache.mp3_path("k1");
        let before = inode(&stored);
        // Packaging asks for the MP3: the one just encoded is taken as it is
        // (an encoding again would be written to a new file, renamed over it).
        let got = cache.audio("k1", &entry, AudioFormat::Mp3).unwrap();
        assert_eq!(got, stored);
        assert_eq!(inode(&got), before, "the MP3 was encoded a second time");

        // An MP3 left by an earlier build is not trusted under --force.
        let again = Cache::open(out.path(), true, true).unwrap().with_mp3(true);
        let got = again.audio("k1", &entry, AudioFormat::Mp3).unwrap();
        assert_ne!(inode(&got), before, "an old MP3 was kept under --force");
    }
}
