//! Library errors: each names the file or chapter it is about and what to do.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{path}`: {source} (check the path and that you may read the file)")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{path}` is empty: there is no leaflet text to read")]
    Empty { path: PathBuf },
    /// `why` finishes the sentence: what the file is and what to do.
    #[error("`{path}` {why}")]
    NotText { path: PathBuf, why: String },
    #[error("`{path}` is {} MB, more than the {} MB a leaflet can be: is it the right file?", *.bytes as f64 / 1e6, *.limit / 1_000_000)]
    TooLarge {
        path: PathBuf,
        bytes: u64,
        limit: u64,
    },
    #[error(
        "`{path}` has {count} sections, more than the {limit} a leaflet can have: split it into several leaflets"
    )]
    TooManyChapters {
        path: PathBuf,
        count: usize,
        limit: usize,
    },
    #[error(
        "`{path}` has no text to read, only headings, page numbers, bullets or pictures: check it is the leaflet itself (a web page must be saved with its text, for example as \"Web Page, complete\"; a scanned page needs OCR first)"
    )]
    NoContent { path: PathBuf },
    #[error("cannot write `{path}`: {source} (check the output folder exists and is writable)")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("unknown voice `{name}`: run `audio-leaflet voices` to see the voices available")]
    UnknownVoice { name: String },
    #[error(
        "no voice speaks language `{lang}`: run `audio-leaflet voices` and give one with --voice, or give --lang"
    )]
    NoVoiceForLanguage { lang: String },
    #[error(
        "the espeak-ng program is not installed (`{program}` was not found): run `apt-get install espeak-ng` (needed for {needed_for})"
    )]
    EspeakMissing { program: String, needed_for: String },
    #[error(
        "{what} failed: {why} (check that `espeak-ng --voices` runs, or reinstall it with `apt-get install --reinstall espeak-ng`)"
    )]
    Espeak { what: String, why: String },
    #[error("--rate {wpm} is out of range: use between {min} and {max} words per minute")]
    BadRate { wpm: u32, min: u32, max: u32 },
    #[error("chapter {index} (\"{title}\") failed to narrate: {why}")]
    Narrate {
        index: usize,
        title: String,
        why: String,
    },
    #[error("cannot write WAV `{path}`: {source}")]
    Wav { path: PathBuf, source: hound::Error },
    #[error(
        "lexicon `{path}`, line {line}, column {column}: {why} (see the lexicon format in the README)"
    )]
    Lexicon {
        path: PathBuf,
        line: usize,
        column: usize,
        why: String,
    },
    #[error("there is no chapter {index}: this leaflet has {count} chapters")]
    NoSuchChapter { index: usize, count: usize },
    #[error("interrupted: nothing half-written was left; the next build resumes from the cache")]
    Interrupted,
    #[error("{0}")]
    Other(String),
}
