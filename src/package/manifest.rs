//! `manifest.json`: the machine-readable chapter index. Schema version 2
//! added each chapter's `utterances` (text, spoken text and where each is
//! in the chapter's audio); version 1 manifests, without them, still read.

use serde::{Deserialize, Serialize};

use super::check::Checker;
use super::{Book, SingleFile, round_ms};
use crate::script::Role;

pub const MANIFEST_FILE: &str = "manifest.json";
pub const SCHEMA_VERSION: u32 = 2;

/// The wire format, kept apart from [`Book`] so the file stays stable.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub schema_version: u32,
    pub title: String,
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// `YYYY-MM-DD`: when this version of the leaflet was first built.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub identifier: String,
    pub source: SourceEntry,
    pub voice: VoiceEntry,
    pub audio: AudioEntry,
    pub total_duration_s: f64,
    pub chapters: Vec<ChapterEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceEntry {
    pub file: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VoiceEntry {
    pub backend: String,
    pub name: String,
    pub rate_wpm: u32,
    /// The sha256 of the natural voices' model files (for Kokoro voices, the
    /// model's and then the voice pack's, joined by `+`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub model_sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AudioEntry {
    /// The chapter files' format: `mp3` or `wav`.
    pub format: String,
    pub sample_rate: u32,
    pub channels: u16,
    /// Of the samples the audio was made from (WAV files hold them as they are).
    pub bits_per_sample: u16,
    /// The MP3 files' constant bit rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bitrate_kbps: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChapterEntry {
    pub index: usize,
    pub level: u8,
    pub title: String,
    pub file: String,
    pub start_s: f64,
    pub duration_s: f64,
    pub words: usize,
    /// Integrated loudness (EBU R128) and true peak, measured on the file.
    #[serde(default)]
    pub loudness_lufs: f64,
    #[serde(default)]
    pub true_peak_dbtp: f64,
    /// The chapter's entry in the output folder's audio cache.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub audio_key: String,
    /// What the chapter says, in order (schema 2).
    #[serde(default)]
    pub utterances: Vec<UtteranceEntry>,
}

/// One utterance: a heading, paragraph, list item, caption or announcement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UtteranceEntry {
    pub kind: Role,
    /// As the leaflet shows it.
    pub text: String,
    /// As it is said.
    pub spoken: String,
    /// Where the speech starts and ends in the chapter's file, in samples
    /// (at `audio.sample_rate`); the pause after it is not included.
    pub start: u64,
    pub end: u64,
}

impl Manifest {
    pub fn from_book(book: &Book) -> Manifest {
        let starts = book.starts_s();
        Manifest {
            schema_version: SCHEMA_VERSION,
            title: book.title.clone(),
            language: book.language.clone(),
            organisation: book.organisation.clone(),
            date: book.date.clone(),
            identifier: book.identifier.clone(),
            source: SourceEntry {
                file: book.source_file.clone(),
                sha256: book.source_sha256.clone(),
            },
            voice: VoiceEntry {
                backend: book.backend.clone(),
                name: book.voice.clone(),
                rate_wpm: book.rate_wpm,
                model_sha256: book.model_sha256.clone(),
            },
            audio: AudioEntry {
                format: book.audio_format.name().into(),
                sample_rate: book.sample_rate,
                channels: 1,
                bits_per_sample: 16,
                bitrate_kbps: (book.audio_format == super::AudioFormat::Mp3)
                    .then(|| crate::audio::mp3::bitrate_kbps(book.sample_rate)),
            },
            total_duration_s: round_ms(book.total_s()),
            chapters: book
                .chapters
                .iter()
                .zip(starts)
                .map(|(c, start)| ChapterEntry {
                    index: c.index,
                    level: c.level,
                    title: c.title.clone(),
                    file: c.file.clone(),
                    start_s: round_ms(start),
                    duration_s: round_ms(book.duration_s(c)),
                    words: c.words,
                    loudness_lufs: round_cb(c.loudness_lufs),
                    true_peak_dbtp: round_cb(c.true_peak_dbtp),
                    audio_key: c.audio_key.clone(),
                    utterances: c
                        .passages
                        .iter()
                        .map(|p| UtteranceEntry {
                            kind: p.role,
                            text: p.display.clone(),
                            spoken: p.spoken.clone(),
                            start: p.span.start,
                            end: p.span.end,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Loudness to a hundredth of a decibel; silence (minus infinity) as -70,
/// the floor EBU R128 gates at, since JSON has no infinity.
fn round_cb(db: f64) -> f64 {
    if db.is_finite() {
        (db * 100.0).round() / 100.0
    } else {
        -70.0
    }
}

pub struct ManifestWriter;

impl SingleFile for ManifestWriter {
    fn name(&self) -> &'static str {
        "manifest"
    }

    fn always(&self) -> bool {
        true
    }

    /// Written last, once everything else is: a package with a manifest
    /// is complete.
    fn alone(&self) -> bool {
        true
    }

    fn about(&self) -> &'static str {
        "manifest.json, the chapter index for programs, always written"
    }

    /// `check` reads the manifest before any format is checked.
    fn check(&self, _: &mut Checker, _: &Manifest) {}

    fn file(&self) -> &'static str {
        MANIFEST_FILE
    }

    fn render(&self, book: &Book, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &Manifest::from_book(book))?;
        out.write_all(b"\n")
    }
}
