//! The build: read each leaflet, write its script, narrate the chapters in
//! parallel and package the result. A failing leaflet is reported and the
//! others still finish.

mod progress;
mod report;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::audio::{self, master::Mastered, master::master};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::leaflet::{self, Leaflet};
use crate::package::{self, Book, BookChapter};
use crate::script::{self, ChapterScript, Script};
use crate::slug::slugify;
use crate::synth::{self, Synthesizer};

pub use report::{LeafletReport, Report};

/// A validated build request.
#[derive(Debug, Clone)]
pub struct Config {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub jobs: usize,
    /// The voice asked for; `None` picks one that speaks the leaflet's language.
    pub voice: Option<String>,
    pub rate_wpm: Option<u32>,
    pub lang: Option<String>,
    pub quiet: bool,
    /// Run `check` on each package once it is written.
    pub check: bool,
    /// Output formats by name (`--formats`); empty for all.
    pub formats: Vec<String>,
    /// Pauses and pronunciations for the script.
    pub script: script::Options,
}

/// Build every input. Errors in one leaflet are recorded in its report entry;
/// only a problem that stops everything (a bad option, no thread pool) is an `Err`.
pub fn run(config: &Config) -> Result<Report> {
    package::select(&config.formats)?;
    let mut voices = synth::Voices::new(config.rate_wpm, config.script.lexicon.phone_entries());
    if let Some(name) = &config.voice {
        voices.get(name)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .map_err(|e| Error::Other(format!("cannot start {} worker threads: {e}", config.jobs)))?;
    let mut report = Report::default();
    let mut slugs = HashSet::new();
    for input in &config.inputs {
        let started = Instant::now();
        let entry = match build_one(config, input, &mut voices, &pool, &mut slugs) {
            Ok(done) => LeafletReport::ok(input, done, started.elapsed()),
            Err(e) => LeafletReport::failed(input, &e, started.elapsed()),
        };
        report.leaflets.push(entry);
    }
    Ok(report)
}

/// What one successful leaflet build produced.
pub struct Built {
    pub slug: String,
    pub warnings: Vec<String>,
    pub dir: PathBuf,
    pub chapters: usize,
    pub synthesized: usize,
    pub reused: usize,
    pub audio_s: f64,
}

fn build_one(
    config: &Config,
    input: &Path,
    voices: &mut synth::Voices,
    pool: &rayon::ThreadPool,
    slugs: &mut HashSet<String>,
) -> Result<Built> {
    let source = leaflet::read(input, config.lang.as_deref())?;
    let voice = match &config.voice {
        Some(name) => name.clone(),
        None => synth::voice_for_language(&source.leaflet.language)?,
    };
    let synth = voices.get(&voice)?;
    let synth = synth.as_ref();
    let mut script = script::write(&source.leaflet, &config.script);
    let slug = unique_slug(&leaflet_slug(&source.leaflet, input), slugs);
    let dir = config.out.join(&slug);
    let bar = progress::chapter_bar(config.quiet, &slug, script.chapters.len());
    let script_time = estimate_listening_time(&script, synth);
    fill_listening_time(&mut script, &script_time);
    let audio: Vec<Result<Mastered>> = pool.install(|| {
        script
            .chapters
            .par_iter()
            .map(|chapter| {
                let pcm = narrate(synth, chapter);
                bar.inc(1);
                pcm
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut audio: Vec<Mastered> = audio.into_iter().collect::<Result<_>>()?;
    settle_listening_time(
        &source.leaflet,
        &config.script,
        synth,
        &mut script,
        &mut audio,
    )?;
    fsutil::create_dir_all(&dir)?;
    let mut book = make_book(&source, &script, &slug, synth, &audio);
    book.date = build_date(&dir, &book.source_sha256);
    for (chapter, pcm) in book.chapters.iter().zip(&audio) {
        audio::write_wav(&dir.join(&chapter.file), &pcm.pcm)?;
    }
    let packagers = package::select(&config.formats)?;
    package::write_all(&book, &dir, &packagers)?;
    remove_stale_chapters(&dir, &book)?;
    if config.check {
        let problems = package::check::check(&dir);
        if !problems.is_empty() {
            let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            return Err(Error::Other(format!(
                "the package in `{}` failed its check: {}",
                dir.display(),
                list.join("; ")
            )));
        }
    }
    Ok(Built {
        warnings: source.leaflet.warnings.clone(),
        slug,
        dir,
        chapters: book.chapters.len(),
        synthesized: book.chapters.len(),
        reused: 0,
        audio_s: book.total_s(),
    })
}

/// A first guess at the listening time, from the words and the voice's rate.
fn estimate_listening_time(script: &Script, synth: &dyn Synthesizer) -> String {
    let words: usize = script
        .chapters
        .iter()
        .flat_map(|c| &c.utterances)
        .map(|u| leaflet::count_words(&u.text))
        .sum();
    let pauses: u32 = script
        .chapters
        .iter()
        .flat_map(|c| &c.utterances)
        .map(|u| u.pause_after_ms)
        .sum();
    let rate = synth.id().rate_wpm.max(1) as f64;
    script::listening_time(
        words as f64 * 60.0 / rate + pauses as f64 / 1000.0,
        &script.language,
    )
}

fn fill_listening_time(script: &mut Script, time: &str) {
    for u in script
        .chapters
        .iter_mut()
        .flat_map(|c| c.utterances.iter_mut())
    {
        if u.text.contains(script::LISTENING_TIME) {
            u.text = u.text.replace(script::LISTENING_TIME, time);
        }
    }
}

/// The announcement says how long the whole recording lasts, which is only
/// known once everything is narrated, its own sentence included. Narrate the
/// chapter that holds it again until the time it states is the time it takes
/// (once, nearly always: the time is said in whole minutes).
fn settle_listening_time(
    leaflet: &Leaflet,
    options: &script::Options,
    synth: &dyn Synthesizer,
    script: &mut Script,
    audio: &mut [Mastered],
) -> Result<()> {
    let fresh = script::write(leaflet, options);
    let Some(at) = fresh.chapters.iter().position(|c| {
        c.utterances
            .iter()
            .any(|u| u.text.contains(script::LISTENING_TIME))
    }) else {
        return Ok(());
    };
    for _ in 0..3 {
        let total: f64 = audio.iter().map(|m| m.pcm.duration_s()).sum();
        let time = script::listening_time(total, &script.language);
        let mut chapter = fresh.chapters[at].clone();
        for u in &mut chapter.utterances {
            u.text = u.text.replace(script::LISTENING_TIME, &time);
        }
        if chapter == script.chapters[at] {
            return Ok(());
        }
        audio[at] = narrate(synth, &chapter)?;
        script.chapters[at] = chapter;
    }
    Ok(())
}

/// Speak a chapter: each utterance, then its pause.
pub fn narrate(synth: &dyn Synthesizer, chapter: &ChapterScript) -> Result<Mastered> {
    let raw = synth
        .synthesize_utterances(&chapter.utterances)
        .map_err(|e| Error::Narrate {
            index: chapter.index,
            title: chapter.title.clone(),
            why: e.to_string(),
        })?;
    Ok(master(&raw))
}

fn make_book(
    source: &leaflet::Source,
    script: &Script,
    slug: &str,
    synth: &dyn Synthesizer,
    audio: &[Mastered],
) -> Book {
    let id = synth.id();
    let chapters = script
        .chapters
        .iter()
        .zip(&source.leaflet.chapters)
        .zip(audio)
        .map(|((cs, chapter), pcm)| BookChapter {
            index: cs.index,
            level: cs.level,
            title: cs.title.clone(),
            file: chapter_file_name(cs.index, &cs.title),
            samples: pcm.pcm.samples.len() as u64,
            loudness_lufs: pcm.loudness_lufs,
            true_peak_dbtp: pcm.true_peak_dbtp,
            words: chapter.words(),
        })
        .collect();
    Book {
        title: script.title.clone(),
        language: script.language.clone(),
        organisation: source.leaflet.organisation.clone(),
        slug: slug.to_string(),
        identifier: format!("audio-leaflet-{slug}"),
        date: String::new(),
        source_file: source
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        source_sha256: hex(&Sha256::digest(&source.bytes)),
        backend: id.backend,
        voice: id.voice,
        rate_wpm: id.rate_wpm,
        sample_rate: synth.sample_rate(),
        chapters,
    }
}

/// `NN-title-slug.wav`, ASCII, at most 64 characters.
pub fn chapter_file_name(index: usize, title: &str) -> String {
    let prefix = format!("{index:02}");
    let room = 64 - prefix.len() - 1 - ".wav".len();
    let slug = slugify(title, room);
    if slug.is_empty() {
        format!("{prefix}.wav")
    } else {
        format!("{prefix}-{slug}.wav")
    }
}

/// The leaflet's folder name: from its title, else from the file name.
pub fn leaflet_slug(leaflet: &Leaflet, input: &Path) -> String {
    let from_title = slugify(&leaflet.title, 60);
    if !from_title.is_empty() {
        return from_title;
    }
    let stem = input.file_stem().unwrap_or_default().to_string_lossy();
    let from_stem = slugify(&stem, 60);
    if from_stem.is_empty() {
        "leaflet".into()
    } else {
        from_stem
    }
}

/// Two leaflets with the same title in one batch get `-2`, `-3`...
fn unique_slug(base: &str, taken: &mut HashSet<String>) -> String {
    let mut slug = base.to_string();
    let mut n = 2;
    while !taken.insert(slug.clone()) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

/// Remove chapter WAVs left from an earlier build that this one no longer has.
fn remove_stale_chapters(dir: &Path, book: &Book) -> Result<()> {
    let keep: HashSet<&str> = book.chapters.iter().map(|c| c.file.as_str()).collect();
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_chapter = name.ends_with(".wav")
            && name.len() > 2
            && name.as_bytes()[..2].iter().all(u8::is_ascii_digit);
        if is_chapter && !keep.contains(name.as_str()) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|source| Error::Write { path, source })?;
        }
    }
    Ok(())
}

/// The date a package records: the earlier build's when the leaflet has not
/// changed (so a rebuild is byte-identical), else `SOURCE_DATE_EPOCH` or today.
fn build_date(dir: &Path, source_sha256: &str) -> String {
    let earlier = std::fs::read_to_string(dir.join(package::MANIFEST_FILE))
        .ok()
        .and_then(|text| serde_json::from_str::<package::Manifest>(&text).ok())
        .filter(|m| m.source.sha256 == source_sha256 && !m.date.is_empty());
    if let Some(m) = earlier {
        return m.date;
    }
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    civil_date(now / 86_400)
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{Pcm, SynthId};

    /// A voice that speaks 1,000 samples a character at 1 kHz: one second
    /// for every character, so times are easy to reason about.
    struct Fake;

    impl Synthesizer for Fake {
        fn id(&self) -> SynthId {
            SynthId {
                backend: "fake".into(),
                voice: "fake".into(),
                version: "1".into(),
                rate_wpm: 160,
            }
        }
        fn sample_rate(&self) -> u32 {
            1000
        }
        fn synthesize(&self, text: &str) -> Result<Pcm> {
            Ok(Pcm {
                samples: (0..text.chars().count() * 1000)
                    .map(|i| if i % 20 < 10 { 3000 } else { -3000 })
                    .collect(),
                sample_rate: 1000,
            })
        }
    }

    #[test]
    fn the_announced_listening_time_is_the_time_the_recording_takes() {
        let text = "Knee care\n\nRest the knee and keep it raised for two days after the injection.\n\nExercises\nBend and straighten the knee ten times every hour while you are awake.\n";
        let leaflet = crate::leaflet::parse(text, crate::leaflet::Format::PdfText, "k", None);
        let options = script::Options::with_built_in_lexicon();
        let mut script = script::write(&leaflet, &options);
        fill_listening_time(&mut script, "less than a minute");
        let mut audio: Vec<Mastered> = script
            .chapters
            .iter()
            .map(|c| narrate(&Fake, c).unwrap())
            .collect();
        settle_listening_time(&leaflet, &options, &Fake, &mut script, &mut audio).unwrap();
        let total: f64 = audio.iter().map(|m| m.pcm.duration_s()).sum();
        let said = &script.chapters[0].utterances[1].text;
        let expected = script::listening_time(total, "en");
        assert!(said.contains(&expected), "{said} / {total}s");
        assert!(total > 120.0, "the fake voice makes minutes of audio");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_516), "2026-03-04");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
