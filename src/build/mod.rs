//! The build: read each leaflet, write its script, narrate the chapters that
//! are not in the cache (leaflets and chapters share one thread pool), and
//! package each leaflet in a staging folder that replaces the old package
//! only when complete. A failing leaflet is reported and the others finish.

mod built;
pub mod cache;
mod cancel;
mod config;
mod inputs;
mod lock;
mod progress;
mod readings;
mod report;
mod shard;
mod stage;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::audio::master::{Mastered, master};
use crate::error::{Error, Result};
use crate::leaflet;
use crate::package::{self, AudioFormat, Book, BookChapter, Passage};
use crate::script::{self, ChapterScript, Script};
use crate::slug::slugify;
use crate::synth::{self, Synthesizer, Unit};

pub use cache::{CACHE_DIR, Cache};
pub use cancel::Cancel;
pub use config::{Config, LangCode, Request, TEAM_LEXICON, speech_options, voice_settings};
pub use lock::{LEAFLET_LOCKS, LOCK_FILE};
pub use progress::{Bars, Observer, Silent};
pub use report::{LeafletReport, Report, StreamedReport};
pub use shard::{Shard, slice_of};

/// What every stage of one build shares.
struct Job<'a> {
    config: &'a Config,
    cache: Cache,
    cancel: &'a Cancel,
    observer: &'a dyn Observer,
}

/// A leaflet read and scripted, ready to narrate.
struct Prepared {
    input: PathBuf,
    /// The leaflet as read now, or its file's bytes when its reading was
    /// recalled ([`readings`]): parsed only if it is to be built.
    read: Read,
    reading: readings::Reading,
    /// [`readings::key`] of the file.
    read_key: String,
    slug: String,
    synth: Arc<dyn Synthesizer>,
    /// [`built::source_key`] of all this: the script is written only when
    /// the package was not already built from the same.
    source_key: String,
    took: Duration,
}

enum Read {
    Parsed(leaflet::Source),
    Recalled(Vec<u8>),
}

impl Prepared {
    /// The leaflet, parsed now if its reading was recalled.
    fn source(&self, config: &Config) -> Result<std::borrow::Cow<'_, leaflet::Source>> {
        match &self.read {
            Read::Parsed(source) => Ok(std::borrow::Cow::Borrowed(source)),
            Read::Recalled(bytes) => {
                let lang = config.lang.as_ref().map(LangCode::as_str);
                leaflet::parse_file(&self.input, bytes.clone(), lang, config.input_format)
                    .map(std::borrow::Cow::Owned)
            }
        }
    }
}

/// Build every input. Errors in one leaflet are recorded in its report entry;
/// only a problem that stops everything (a bad option, a locked or unwritable
/// output folder, Ctrl-C) is an `Err`.
pub fn run(config: &Config, cancel: &Cancel, observer: &dyn Observer) -> Result<Report> {
    let mut leaflets = Vec::new();
    run_each(config, cancel, observer, &mut |l| leaflets.push(l))?;
    Ok(Report { leaflets })
}

/// [`run`], handing each leaflet's report to `each` as soon as the window
/// of the batch it was built in is done, in the batch's order, and keeping
/// none: a batch of any length then holds the reports of one window, and
/// the caller keeps what it needs (a count, the failures).
pub fn run_each(
    config: &Config,
    cancel: &Cancel,
    observer: &dyn Observer,
    each: &mut dyn FnMut(LeafletReport),
) -> Result<()> {
    synth::onnx::resume();
    let mut voices = synth::Voices::new(voice_settings(
        &config.script,
        config.rate_wpm,
        &config.voices_dir,
    ));
    if let Some(name) = &config.voice {
        voices.get(name)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .map_err(|e| Error::Other(format!("cannot start {} worker threads: {e}", config.jobs)))?;
    let inputs = inputs::expand(&config.inputs);
    let slices = pool.install(|| slice(config, &inputs));
    let mut slugs = Slugs::default();
    let total = slices.iter().filter(|s| matches!(s, Slice::Mine)).count();
    // Leaflets are read and scripted a window at a time, just ahead of
    // narration, so a batch holds a few leaflets' texts at once however
    // many it has; what it keeps of every leaflet is its path and its
    // slug's hash (the shard keys are dropped once the slices are made).
    // Slugs are given in the batch's order, other shards' leaflets included.
    let window = config.jobs.max(1) * 4;
    let mut job: Option<Job> = None;
    let mut _lock = None;
    let mut chapters = 0;
    let all: Vec<(PathBuf, Slice)> = inputs
        .into_iter()
        .zip(slices)
        .map(|(input, slice)| (input.path.into_boxed_path().into_path_buf(), slice))
        .collect();
    for batch in all.chunks(window) {
        let mut prepared: Vec<(&PathBuf, Result<Prepared>)> = Vec::new();
        for (input, slice) in batch {
            match slice {
                Slice::Mine => {
                    let p = prepare(config, &pool, input, &mut voices, &mut slugs);
                    prepared.push((input, p));
                }
                Slice::Other(Some(base)) => {
                    slugs.take(base);
                }
                Slice::Other(None) => {}
            }
        }
        // Nothing is written, not even the lock, unless there is a leaflet
        // to build.
        if job.is_none() && prepared.iter().any(|(_, p)| p.is_ok()) {
            _lock = Some(hold_output(config, observer)?);
            job = Some(Job {
                config,
                cache: Cache::open(&config.out, config.force, true)?.with_mp3(wants_mp3(config)),
                cancel,
                observer,
            });
        }
        chapters += prepared
            .iter()
            .filter_map(|(_, p)| p.as_ref().ok())
            .map(|p| p.reading.chapters)
            .sum::<usize>();
        observer.started(total, chapters);
        let done: Vec<LeafletReport> = pool.install(|| {
            prepared
                .par_iter()
                .map(|(input, p)| match (p, &job) {
                    (Ok(p), Some(job)) => {
                        let started = Instant::now();
                        match job.finish(p) {
                            Ok(done) => LeafletReport::ok(input, done, p.took + started.elapsed()),
                            Err(e) => LeafletReport::failed(input, &e, p.took + started.elapsed()),
                        }
                    }
                    (Err(e), _) => LeafletReport::failed(input, e, Duration::ZERO),
                    (Ok(_), None) => unreachable!("a job is opened before any leaflet is built"),
                })
                .collect()
        });
        done.into_iter().for_each(&mut *each);
        crate::alloc::give_back_free_pages();
        if cancel.check().is_err() {
            break;
        }
    }
    observer.finished();
    cancel.check()
}

/// Whether an input is this process's to build (`--shard`), and if not, the
/// slug its title asks for, read here only to be kept from this slice's
/// leaflets.
enum Slice {
    Mine,
    /// `None`: the leaflet does not read, so it takes no slug.
    Other(Option<String>),
}

/// Sort the inputs into this process's and the others'. Slugs are given
/// over the whole batch in its order (a second leaflet titled "Knee
/// injection" gets `knee-injection-2`), so every shard reads every
/// leaflet's title, in parallel, and gives each of its own leaflets the slug
/// one process building the whole batch would: the packages are the same
/// whichever way the batch is split.
fn slice(config: &Config, inputs: &[inputs::Input]) -> Vec<Slice> {
    let lang = config.lang.as_ref().map(LangCode::as_str);
    inputs
        .par_iter()
        .map(|input| match config.shard {
            Some(shard) if !shard.owns(&input.key) => Slice::Other(
                read(config, &input.path, lang, Then::TitleOnly)
                    .ok()
                    .map(|(_, reading, _)| leaflet_slug(&reading.title, &input.path)),
            ),
            _ => Slice::Mine,
        })
        .collect()
}

/// Take the output folder. A whole build holds its lock alone and repairs
/// what a killed build left; a shard shares it with the other shards and
/// repairs only its own leaflets, one at a time ([`Job::own_leaflet`]).
/// The `lock` module says why that is safe.
fn hold_output(config: &Config, observer: &dyn Observer) -> Result<lock::OutputLock> {
    let out = &config.out;
    let waiting = || observer.waiting(out);
    if config.shard.is_some() {
        return lock::shared(out, &waiting);
    }
    let held = lock::lock(out, &waiting)?;
    stage::recover(out)?;
    Ok(held)
}

/// Whether the packages' chapter files are MP3s (a WAV package's EPUB
/// encodes its own, reusing the old EPUB's).
fn wants_mp3(config: &Config) -> bool {
    config.audio == AudioFormat::Mp3
}

fn prepare(
    config: &Config,
    pool: &rayon::ThreadPool,
    input: &Path,
    voices: &mut synth::Voices,
    slugs: &mut Slugs,
) -> Result<Prepared> {
    let started = Instant::now();
    let lang = config.lang.as_ref().map(LangCode::as_str);
    // On the build's workers, which a leaflet read afresh shares with the
    // compiling of its script's patterns (`read`).
    let (read, reading, read_key) = pool.install(|| read(config, input, lang, Then::Build))?;
    // Taken as soon as the leaflet reads, as `slice` does for other shards'.
    let slug = slugs.take(&leaflet_slug(&reading.title, input));
    let voice = match &config.voice {
        Some(name) => name.clone(),
        None => synth::voice_for_language(&reading.language, voices.voices_dir())?,
    };
    let synth = voices.get(&voice)?;
    let source_key = built::source_key(&read_key, reading.kind, &slug, &synth.id(), config);
    Ok(Prepared {
        input: input.to_path_buf(),
        read,
        reading,
        read_key,
        slug,
        synth,
        source_key,
        took: started.elapsed(),
    })
}

/// What a leaflet is read for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Then {
    /// Its title, for another shard's leaflet's slug.
    TitleOnly,
    /// This process builds it.
    Build,
}

/// Read the leaflet file at `input`: its reading recalled by its bytes when
/// the output folder keeps one ([`readings`]), else the file parsed.
fn read(
    config: &Config,
    input: &Path,
    lang: Option<&str>,
    then: Then,
) -> Result<(Read, readings::Reading, String)> {
    let bytes = leaflet::read_file(input)?;
    let key = readings::key(&bytes, lang, config.input_format);
    if !config.force
        && let Some(reading) = readings::recall(&config.out, &key)
    {
        return Ok((Read::Recalled(bytes), reading, key));
    }
    // Read afresh, a leaflet to be built has changed since it was last
    // built (or never was): its script is going to be written, and the
    // patterns that takes compile on the other workers while this one reads.
    let (source, ()) = rayon::join(
        || leaflet::parse_file(input, bytes, lang, config.input_format),
        || {
            if then == Then::Build {
                script::prepare(&config.script);
            }
        },
    );
    let source = source?;
    let reading = readings::Reading::of(source.kind, &source.leaflet);
    Ok((Read::Parsed(source), reading, key))
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

/// A chapter's audio, in the cache.
struct ChapterAudio {
    key: String,
    entry: cache::Entry,
    made: bool,
}

impl ChapterAudio {
    fn seconds(&self) -> f64 {
        seconds_of(self.entry.samples, self.entry.sample_rate)
    }
}

/// The length of `samples` samples at `rate`, in seconds.
fn seconds_of(samples: u64, rate: u32) -> f64 {
    samples as f64 / rate.max(1) as f64
}

/// What `audio-leaflet clean` removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cleaned {
    /// Chapter recordings (cache entries) no package uses.
    pub recordings: usize,
    /// Readings of leaflet files no package was built from.
    pub readings: usize,
    /// Both together, in bytes.
    pub bytes: u64,
}

/// Remove cache entries that no package in `out` uses, and the readings of
/// leaflet files no package was built from (`audio-leaflet clean`).
pub fn clean(out: &Path, observer: &dyn Observer) -> Result<Cleaned> {
    let _lock = lock::lock(out, &|| observer.waiting(out))?;
    stage::recover(out)?;
    // One walk over the packages: the recordings their manifests name, and
    // the readings their records name.
    let mut used = HashSet::new();
    let mut readings_used = HashSet::new();
    let entries = std::fs::read_dir(out).map_err(|source| Error::Read {
        path: out.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let manifest = entry.path().join(package::MANIFEST_FILE);
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let m: package::Manifest = serde_json::from_str(&text).map_err(|e| {
            Error::Other(format!(
                "`{}` is not a valid manifest ({e}): nothing was removed; rebuild that leaflet first",
                manifest.display()
            ))
        })?;
        used.extend(m.chapters.into_iter().map(|c| c.audio_key));
        if let Some(reading) = entry
            .file_name()
            .to_str()
            .and_then(|slug| built::reading_of(out, slug))
        {
            readings_used.insert(reading);
        }
    }
    let (recordings, audio_bytes) = cache::clean(out, &used)?;
    let (readings, reading_bytes) = readings::clean(out, &readings_used)?;
    Ok(Cleaned {
        recordings,
        readings,
        bytes: audio_bytes + reading_bytes,
    })
}

/// What the voice is told of a chapter: its utterances' text and pauses.
pub fn units(chapter: &ChapterScript) -> Vec<Unit> {
    chapter
        .utterances
        .iter()
        .map(|u| Unit {
            text: u.text.clone(),
            pause_after_ms: u.pause_after_ms,
        })
        .collect()
}

/// Utterances spoken ahead of their chapter, by text; shared, not copied, by
/// each try at the chapter.
type Premade = std::sync::Mutex<std::collections::HashMap<String, Arc<synth::Pcm>>>;

impl Job<'_> {
    /// Narrate (or find) every chapter of one leaflet and package it.
    fn finish(&self, p: &Prepared) -> Result<Built> {
        let _own = self.own_leaflet(&p.slug)?;
        if let Some(done) = self.up_to_date(p) {
            self.keep_reading(p)?;
            return Ok(done);
        }
        let source = p.source(self.config)?;
        let mut script = script::write(&source.leaflet, &self.config.script);
        self.observer
            .leaflet_started(&p.slug, script.chapters.len());
        let synth = p.synth.as_ref();
        let announcing = script
            .chapters
            .iter()
            .position(ChapterScript::announces_listening_time);
        // The announcing chapter can only be finished last, when the total
        // time is known; on a leaflet's first build (no chapter in the cache)
        // its other utterances are spoken alongside the other chapters, so
        // that only the announcement is left for the end. Rebuilds skip
        // this: the chapter is usually in the cache.
        let first_build =
            announcing.is_some()
                && synth.utterances_independent()
                && !script.chapters.iter().enumerate().any(|(i, c)| {
                    Some(i) != announcing && self.cache.has(&self.chapter_key(synth, c))
                });
        let premade = Premade::default();
        // The announcing chapter starts as soon as it can: once every other
        // chapter is mastered (its length known) and its own utterances
        // spoken ahead, while the last chapters' MP3s are still being
        // encoded, rather than after all of that.
        let lengths: Vec<std::sync::OnceLock<f64>> =
            script.chapters.iter().map(|_| Default::default()).collect();
        let waiting = std::sync::atomic::AtomicUsize::new(script.chapters.len());
        let settled = std::sync::Mutex::new(None);
        let mut audio: Vec<Option<ChapterAudio>> = rayon::scope(|scope| {
            // Chapter `i` can be counted: its length is `seconds` (none for
            // the announcing chapter, whose ahead-of-time work is done). The
            // last to be counted starts the announcing chapter.
            let counted = |i: usize, seconds: Option<f64>| {
                let first = match seconds {
                    Some(s) => lengths[i].set(s).is_ok(),
                    None => true,
                };
                let Some(at) = announcing else { return };
                if first && waiting.fetch_sub(1, std::sync::atomic::Ordering::AcqRel) == 1 {
                    let (lengths, script, premade, settled) =
                        (&lengths, &script, &premade, &settled);
                    scope.spawn(move |_| {
                        // In chapter order, as the lengths were always added.
                        let others: f64 = lengths.iter().filter_map(|l| l.get()).sum();
                        let done = self.settle_listening_time(synth, script, others, at, premade);
                        if done.is_ok() {
                            self.observer.chapter_done(&p.slug);
                        }
                        *settled.lock().unwrap_or_else(|p| p.into_inner()) = Some(done);
                    });
                }
            };
            let others: Vec<Result<Option<ChapterAudio>>> = script
                .chapters
                .par_iter()
                .enumerate()
                .map(|(i, chapter)| {
                    if Some(i) == announcing {
                        if first_build {
                            self.ahead_of_time(synth, chapter, &premade)?;
                        }
                        counted(i, None);
                        return Ok(None);
                    }
                    let audio = self.chapter_audio(synth, chapter, &premade, &|m| {
                        counted(
                            i,
                            Some(seconds_of(m.pcm.samples.len() as u64, m.pcm.sample_rate)),
                        )
                    })?;
                    counted(i, Some(audio.seconds()));
                    self.observer.chapter_done(&p.slug);
                    Ok(Some(audio))
                })
                .collect();
            others.into_iter().collect::<Result<_>>()
        })?;
        if let Some(at) = announcing {
            let done = settled.into_inner().unwrap_or_else(|p| p.into_inner());
            let (chapter, a) = done.ok_or_else(|| {
                Error::Other(
                    "the announcing chapter was never started: report this as a bug".into(),
                )
            })??;
            script.chapters[at] = chapter;
            audio[at] = Some(a);
        }
        let audio: Vec<ChapterAudio> = audio.into_iter().flatten().collect();
        self.observer.leaflet_done(&p.slug);
        let built = self.package_leaflet(p, &source, &script, &audio)?;
        self.keep_reading(p)?;
        Ok(built)
    }

    /// Keep what `p`'s file read as, for the next build to recall.
    fn keep_reading(&self, p: &Prepared) -> Result<()> {
        match p.read {
            Read::Parsed(_) => readings::keep(&self.config.out, &p.read_key, &p.reading),
            Read::Recalled(_) => Ok(()),
        }
    }

    /// A shard's hold on one leaflet: its lock, and what a killed run of
    /// this shard left of it repaired. A whole build holds the folder.
    fn own_leaflet(&self, slug: &str) -> Result<Option<lock::OutputLock>> {
        if self.config.shard.is_none() {
            return Ok(None);
        }
        let out = &self.config.out;
        let held = lock::leaflet(out, slug, &|| self.observer.waiting(&out.join(slug)))?;
        stage::recover_leaflet(out, slug)?;
        Ok(Some(held))
    }

    /// The report of a leaflet whose package was built from exactly what
    /// `p` holds and is untouched since (`--force` builds it again anyway).
    fn up_to_date(&self, p: &Prepared) -> Option<Built> {
        let config = self.config;
        if config.force {
            return None;
        }
        let dir = config.out.join(&p.slug);
        let (chapters, audio_s) =
            built::up_to_date(&built::path(&config.out, &p.slug), &dir, &p.source_key)?;
        Some(Built {
            warnings: p.reading.warnings.clone(),
            slug: p.slug.clone(),
            dir,
            chapters,
            synthesized: 0,
            reused: chapters,
            audio_s,
        })
    }

    /// Speak a chapter's utterances that do not wait for the listening time.
    fn ahead_of_time(
        &self,
        synth: &dyn Synthesizer,
        chapter: &ChapterScript,
        premade: &Premade,
    ) -> Result<()> {
        chapter
            .utterances
            .par_iter()
            .filter(|u| !u.text.contains(script::LISTENING_TIME))
            .try_for_each(|u| {
                self.cancel.check()?;
                let pcm = synth.synthesize(&u.text).map_err(narrate_failed(chapter))?;
                premade
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(u.text.clone(), Arc::new(pcm));
                Ok(())
            })
    }

    /// The cache key of a chapter's audio.
    fn chapter_key(&self, synth: &dyn Synthesizer, chapter: &ChapterScript) -> String {
        let mut spoken = String::new();
        for u in &chapter.utterances {
            spoken.push_str(&u.text);
            spoken.push(' ');
        }
        let phones = self.config.script.lexicon.phones_used_in(&spoken);
        cache::key(&units(chapter), &synth.id(), &phones)
    }

    /// The chapter's audio, from the cache or narrated now; `mastered` is
    /// shown a narration as soon as it is mastered, before it is stored.
    fn chapter_audio(
        &self,
        synth: &dyn Synthesizer,
        chapter: &ChapterScript,
        premade: &Premade,
        mastered: &dyn Fn(&Mastered),
    ) -> Result<ChapterAudio> {
        self.cancel.check()?;
        let key = self.chapter_key(synth, chapter);
        let (entry, made) = self.cache.get_or_make(&key, || {
            self.cancel.check()?;
            let m = narrate_using(synth, chapter, premade)?;
            mastered(&m);
            Ok(m)
        })?;
        Ok(ChapterAudio { key, entry, made })
    }

    /// The announcement says how long the whole recording lasts, which is
    /// only known once everything else is narrated, its own sentence
    /// included. Try the time the other chapters suggest, then correct it
    /// until the time said is the time it takes (once, nearly always: it is
    /// said in whole minutes). Earlier versions are in the cache, so a
    /// rebuild narrates none of this.
    fn settle_listening_time(
        &self,
        synth: &dyn Synthesizer,
        script: &Script,
        others: f64,
        at: usize,
        premade: &Premade,
    ) -> Result<(ChapterScript, ChapterAudio)> {
        let template = &script.chapters[at];
        let own_estimate = estimate_seconds(template, synth);
        let mut time = script::listening_time(others + own_estimate, &script.language);
        let mut made_any = false;
        for _ in 0..4 {
            let mut chapter = template.clone();
            chapter.fill_listening_time(&time);
            let mut a = self.chapter_audio(synth, &chapter, premade, &|_| {})?;
            made_any |= a.made;
            let said = script::listening_time(others + a.seconds(), &script.language);
            if said == time {
                a.made = made_any;
                return Ok((chapter, a));
            }
            time = said;
        }
        Err(Error::Other(
            "the announced listening time did not settle: report this as a bug".into(),
        ))
    }

    /// Stage the chapter files and every format, check them, then swap the
    /// package in.
    fn package_leaflet(
        &self,
        p: &Prepared,
        source: &leaflet::Source,
        script: &Script,
        audio: &[ChapterAudio],
    ) -> Result<Built> {
        self.cancel.check()?;
        let config = self.config;
        let target = config.out.join(&p.slug);
        // The chapter files in the package's format, encoded side by side
        // (MP3) or the cache's WAVs as they are.
        let files: Vec<PathBuf> = audio
            .par_iter()
            .map(|a| self.cache.audio(&a.key, &a.entry, config.audio))
            .collect::<Result<_>>()?;
        self.cancel.check()?;
        let mut book = make_book(
            source,
            script,
            &p.slug,
            p.synth.as_ref(),
            &self.cache,
            audio,
            (config.audio, &files),
        );
        let previous = previous_manifest(&target);
        book.date = build_date(previous.as_ref(), &book.source_sha256);
        let synthesized = audio.iter().filter(|a| a.made).count();
        let built = Built {
            warnings: p.reading.warnings.clone(),
            slug: p.slug.clone(),
            dir: target.clone(),
            chapters: book.chapters.len(),
            synthesized,
            reused: audio.len() - synthesized,
            audio_s: book.total_s(),
        };
        let record = built::Record::new(&book, config, &p.source_key, &p.read_key);
        let record_path = built::path(&config.out, &p.slug);
        if !config.force && record.matches(&record_path, &target) {
            return Ok(built);
        }
        let stage = stage::Stage::new(&config.out, &p.slug)?;
        let out = package::Output {
            dir: &stage.dir,
            previous: target.is_dir().then_some(target.as_path()),
        };
        package::write_all(&book, &out, &config.formats)?;
        if config.check {
            let problems = package::check::check(&stage.dir);
            if !problems.is_empty() {
                let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                return Err(Error::Other(format!(
                    "the new package for `{}` failed its check, so the old one was kept: {}",
                    p.input.display(),
                    list.join("; ")
                )));
            }
        }
        self.cancel.check()?;
        // The record goes once the package is in place: a build stopped
        // before this leaves none, and the next build writes the package.
        built::forget(&record_path)?;
        stage.commit(package::is_generated)?;
        record.save(&record_path, &target)?;
        Ok(built)
    }
}

/// Speak a chapter: each utterance, then its pause; then master it.
pub fn narrate(synth: &dyn Synthesizer, chapter: &ChapterScript) -> Result<Mastered> {
    narrate_using(synth, chapter, &Premade::default())
}

/// The same, taking the utterances already spoken from `premade`.
fn narrate_using(
    synth: &dyn Synthesizer,
    chapter: &ChapterScript,
    premade: &Premade,
) -> Result<Mastered> {
    let units = units(chapter);
    // Shared, not copied, so that the chapter is joined and mastered beside
    // one copy of its utterances, the one a retry (another listening time)
    // uses again. Only this chapter's utterances are looked at.
    let ready: std::collections::HashMap<&str, Arc<synth::Pcm>> = {
        let map = premade.lock().unwrap_or_else(|p| p.into_inner());
        units
            .iter()
            .filter_map(|u| {
                map.get(&u.text)
                    .map(|pcm| (u.text.as_str(), Arc::clone(pcm)))
            })
            .collect()
    };
    let speech = if ready.is_empty() || !synth.utterances_independent() {
        synth.synthesize_utterances(&units)
    } else {
        synth::join_utterances(&units, synth.sample_rate(), |_, u| {
            match ready.get(u.text.as_str()) {
                Some(pcm) => Ok(pcm.samples.clone()),
                None => Ok(synth.synthesize(&u.text)?.samples),
            }
        })
    };
    let speech = speech.map_err(narrate_failed(chapter))?;
    if speech.marks.len() != units.len() {
        return Err(narrate_failed(chapter)(Error::Other(format!(
            "the voice marked {} utterances of {}",
            speech.marks.len(),
            units.len()
        ))));
    }
    Ok(master(&speech.pcm, &speech.marks))
}

/// A voice's failure, as the chapter's narration failing.
fn narrate_failed(chapter: &ChapterScript) -> impl Fn(Error) -> Error + '_ {
    move |e| Error::Narrate {
        index: chapter.index,
        title: chapter.title.clone(),
        why: e.to_string(),
    }
}

fn estimate_seconds(chapter: &ChapterScript, synth: &dyn Synthesizer) -> f64 {
    let words: usize = chapter
        .utterances
        .iter()
        .map(|u| leaflet::count_words(&u.text))
        .sum();
    let pauses: u32 = chapter.utterances.iter().map(|u| u.pause_after_ms).sum();
    let rate = synth.id().rate_wpm.max(1) as f64;
    words as f64 * 60.0 / rate + pauses as f64 / 1000.0
}

fn make_book(
    source: &leaflet::Source,
    script: &Script,
    slug: &str,
    synth: &dyn Synthesizer,
    cache: &Cache,
    audio: &[ChapterAudio],
    (format, files): (AudioFormat, &[PathBuf]),
) -> Book {
    let id = synth.id();
    let chapters = script
        .chapters
        .iter()
        .zip(&source.leaflet.chapters)
        .zip(audio)
        .zip(files)
        .map(|(((cs, chapter), pcm), file)| BookChapter {
            index: cs.index,
            level: cs.level,
            title: cs.title.clone(),
            file: chapter_file_name(cs.index, &cs.title, format),
            samples: pcm.entry.samples,
            loudness_lufs: pcm.entry.loudness_lufs,
            true_peak_dbtp: pcm.entry.true_peak_dbtp,
            audio_key: pcm.key.clone(),
            audio: file.clone(),
            pcm: cache.wav_path(&pcm.key),
            words: chapter.words(),
            passages: cs
                .utterances
                .iter()
                .zip(pcm.entry.spans())
                .map(|(u, span)| Passage {
                    role: u.role,
                    display: u.display.clone(),
                    spoken: u.text.clone(),
                    span,
                })
                .collect(),
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
        model_sha256: id.model_sha256,
        voice: id.voice,
        rate_wpm: id.rate_wpm,
        sample_rate: synth.sample_rate(),
        audio_format: format,
        chapters,
    }
}

/// `NN-title-slug.mp3` (or `.wav`), ASCII, at most 64 characters.
pub fn chapter_file_name(index: usize, title: &str, format: AudioFormat) -> String {
    let prefix = format!("{index:02}");
    let ending = format.name();
    let room = 64 - prefix.len() - 2 - ending.len();
    let slug = slugify(title, room);
    if slug.is_empty() {
        format!("{prefix}.{ending}")
    } else {
        format!("{prefix}-{slug}.{ending}")
    }
}

/// The leaflet's folder name: from its title, else from the file name.
pub fn leaflet_slug(title: &str, input: &Path) -> String {
    let from_title = slugify(title, 60);
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

/// The slugs given so far in a batch: two leaflets with the same title get
/// `-2`, `-3`... in the batch's order, whichever shard builds them (see
/// `slice`). Kept as 64-bit hashes (a batch of 100,000 leaflets holds under
/// 2 MB of them); two slugs with the same hash would only make the second
/// take the next free number, the same in every shard, so the packages stay
/// the same whichever way a batch is split.
#[derive(Default)]
struct Slugs(HashSet<u64>);

impl Slugs {
    /// `base`, or the first of `base-2`, `base-3`, ... not yet given.
    fn take(&mut self, base: &str) -> String {
        let mut slug = base.to_string();
        let mut n = 2;
        while !self.0.insert(Self::hash(&slug)) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        slug
    }

    fn hash(slug: &str) -> u64 {
        let digest = Sha256::digest(slug.as_bytes());
        u64::from_le_bytes(digest[..8].try_into().expect("a SHA-256 has 32 bytes"))
    }
}

/// The manifest of the package a build replaces, if it has a readable one.
fn previous_manifest(dir: &Path) -> Option<package::Manifest> {
    let text = std::fs::read_to_string(dir.join(package::MANIFEST_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// The date a package records: the earlier build's when the leaflet has not
/// changed (so a rebuild is byte-identical), else `SOURCE_DATE_EPOCH` or today.
fn build_date(previous: Option<&package::Manifest>, source_sha256: &str) -> String {
    let earlier = previous.filter(|m| m.source.sha256 == source_sha256 && !m.date.is_empty());
    if let Some(m) = earlier {
        return m.date.clone();
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

/// Lower-case hexadecimal, as the manifest writes a sha256.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::fake::Fake;

    #[test]
    fn the_announced_listening_time_is_the_time_the_recording_takes() {
        let text = "Knee care\n\nRest the knee and keep it raised for two days after the injection.\n\nExercises\nBend and straighten the knee ten times every hour while you are awake.\n";
        let leaflet = crate::leaflet::parse(text, crate::leaflet::Format::PdfText, "k", None);
        let out = tempfile::tempdir().unwrap();
        let config = Request {
            out: out.path().to_path_buf(),
            jobs: Some(1),
            voices_dir: PathBuf::from("/nonexistent"),
            ..Request::default()
        }
        .validate()
        .unwrap();
        let fake = Fake::new(None);
        let job = Job {
            config: &config,
            cache: Cache::open(out.path(), false, true).unwrap(),
            cancel: &Cancel::new(),
            observer: &Silent,
        };
        let script = script::write(&leaflet, &config.script);
        let premade = Premade::default();
        let audio: Vec<Option<ChapterAudio>> = script
            .chapters
            .iter()
            .enumerate()
            .map(|(i, c)| (i > 0).then(|| job.chapter_audio(&fake, c, &premade, &|_| {}).unwrap()))
            .collect();
        let others: f64 = audio.iter().flatten().map(ChapterAudio::seconds).sum();
        let (chapter, first) = job
            .settle_listening_time(&fake, &script, others, 0, &premade)
            .unwrap();
        let total = first.seconds() + others;
        let said = &chapter.utterances[1].text;
        let expected = script::listening_time(total, "en");
        assert!(said.contains(&expected), "{said} / {total}s");
        assert!(
            total > 10.0,
            "the fake voice takes time to say it: {total}s"
        );
        assert_eq!(
            first.entry.spans().len(),
            chapter.utterances.len(),
            "a mark for every utterance"
        );
        // Asked again, everything comes from the cache.
        let (_, again) = job
            .settle_listening_time(&fake, &script, others, 0, &premade)
            .unwrap();
        assert!(!again.made);
    }

    #[test]
    fn slugs_are_given_once_each() {
        let mut slugs = Slugs::default();
        let given: Vec<String> = ["knee", "knee", "hip", "knee-2", "knee"]
            .iter()
            .map(|base| slugs.take(base))
            .collect();
        assert_eq!(given, ["knee", "knee-2", "hip", "knee-2-2", "knee-3"]);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_516), "2026-03-04");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
