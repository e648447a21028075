//! Builds, one at a time, in the order they were asked for: a queue, a
//! worker thread that runs [`build::run`] with a cancellation token, and an
//! observer that turns the build's progress into events for the pages.
//!
//! Every change of state is written to the leaflet's record first, so after
//! a restart the pages tell the truth; only the live counts (chapters done)
//! are in memory.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use serde::Serialize;
use tokio::sync::broadcast;

use super::store::{BuildState, LastBuild, Store, now};
use crate::build::{self, Cancel, Observer, Request};

/// What the pages are told, as server-sent events.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// The leaflets of the build this is about.
    pub ids: Vec<String>,
    pub state: BuildState,
    pub done: usize,
    pub total: usize,
    /// Seconds left, estimated from the chapters so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eta_s: Option<u64>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// A leaflet's voice and speed: leaflets that share them build together.
type VoiceAndRate = (Option<String>, Option<u32>);

/// A build asked for: these leaflets, with their own voice and rate.
#[derive(Debug, Clone)]
struct Job {
    ids: Vec<String>,
    cancel: Cancel,
}

#[derive(Default)]
struct Queue {
    waiting: VecDeque<Job>,
    running: Option<Running>,
}

struct Running {
    job: Job,
    done: usize,
    total: usize,
    started: Instant,
}

/// The build queue, shared by the handlers and the worker.
pub struct Jobs {
    store: Store,
    voices_dir: PathBuf,
    jobs: Option<usize>,
    queue: Mutex<Queue>,
    wake: Condvar,
    pub events: broadcast::Sender<Event>,
}

/// Where a leaflet stands in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Place {
    pub state: BuildState,
    /// Builds ahead of this one (0 when it is running).
    pub ahead: usize,
    pub done: usize,
    pub total: usize,
}

impl Jobs {
    pub fn new(store: Store, voices_dir: &Path, jobs: Option<usize>) -> Arc<Jobs> {
        let (events, _) = broadcast::channel(256);
        let jobs = Arc::new(Jobs {
            store,
            voices_dir: voices_dir.to_path_buf(),
            jobs,
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            events,
        });
        let worker = Arc::clone(&jobs);
        std::thread::Builder::new()
            .name("builds".into())
            .spawn(move || worker.work())
            .expect("the build thread starts");
        jobs
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queue a build of `ids`; how many builds are ahead of it. A leaflet
    /// already queued or building is not queued twice.
    pub fn enqueue(&self, ids: Vec<String>) -> crate::Result<usize> {
        let mut q = self.lock();
        let busy = |id: &String| {
            q.waiting.iter().any(|j| j.ids.contains(id))
                || q.running.as_ref().is_some_and(|r| r.job.ids.contains(id))
        };
        let ids: Vec<String> = ids.into_iter().filter(|id| !busy(id)).collect();
        if ids.is_empty() {
            return Ok(q.waiting.len());
        }
        for id in &ids {
            self.set_state(id, BuildState::Queued, "", None)?;
        }
        let ahead = q.waiting.len() + usize::from(q.running.is_some());
        q.waiting.push_back(Job {
            ids: ids.clone(),
            cancel: Cancel::new(),
        });
        drop(q);
        self.wake.notify_one();
        self.send(Event {
            ids,
            state: BuildState::Queued,
            done: 0,
            total: 0,
            eta_s: None,
            message: format!("{ahead} build(s) ahead"),
        });
        Ok(ahead)
    }

    /// Stop the build of `id`, running or queued: whether there was one.
    pub fn cancel(&self, id: &str) -> crate::Result<bool> {
        let mut q = self.lock();
        if let Some(r) = q
            .running
            .as_ref()
            .filter(|r| r.job.ids.iter().any(|i| i == id))
        {
            r.job.cancel.cancel();
            crate::synth::onnx::stop_all();
            return Ok(true);
        }
        let Some(at) = q.waiting.iter().position(|j| j.ids.iter().any(|i| i == id)) else {
            return Ok(false);
        };
        let job = q.waiting.remove(at).expect("the position is in the queue");
        drop(q);
        for id in &job.ids {
            self.set_state(
                id,
                BuildState::Cancelled,
                "cancelled before it started",
                None,
            )?;
        }
        self.send(Event {
            ids: job.ids,
            state: BuildState::Cancelled,
            done: 0,
            total: 0,
            eta_s: None,
            message: "cancelled".into(),
        });
        Ok(true)
    }

    /// Stop everything: the server is stopping. The running build is
    /// cancelled (its earlier package stays); queued ones are dropped.
    pub fn stop_all(&self) {
        let mut q = self.lock();
        let waiting: Vec<Job> = q.waiting.drain(..).collect();
        if let Some(r) = &q.running {
            r.job.cancel.cancel();
            crate::synth::onnx::stop_all();
        }
        drop(q);
        for id in waiting.iter().flat_map(|j| &j.ids) {
            let _ = self.set_state(id, BuildState::Cancelled, "the server was stopped", None);
        }
    }

    /// Whether a build is running.
    pub fn busy(&self) -> bool {
        self.lock().running.is_some()
    }

    /// Where `id` is in the queue, if it is.
    pub fn place(&self, id: &str) -> Option<Place> {
        let q = self.lock();
        if let Some(r) = q
            .running
            .as_ref()
            .filter(|r| r.job.ids.iter().any(|i| i == id))
        {
            return Some(Place {
                state: BuildState::Building,
                ahead: 0,
                done: r.done,
                total: r.total,
            });
        }
        let at = q
            .waiting
            .iter()
            .position(|j| j.ids.iter().any(|i| i == id))?;
        Some(Place {
            state: BuildState::Queued,
            ahead: at + usize::from(q.running.is_some()),
            done: 0,
            total: 0,
        })
    }

    /// Builds queued or running.
    pub fn pending(&self) -> usize {
        let q = self.lock();
        q.waiting.len() + usize::from(q.running.is_some())
    }

    fn send(&self, event: Event) {
        // No page listening is not an error.
        let _ = self.events.send(event);
    }

    fn set_state(
        &self,
        id: &str,
        state: BuildState,
        error: &str,
        slug: Option<&str>,
    ) -> crate::Result<()> {
        let lexicon = self.store.lexicon_sha256();
        self.store.update(id, |r| {
            let previous = r.last_build.take();
            let keep_slug = previous.map(|b| b.slug).unwrap_or_default();
            r.last_build = Some(LastBuild {
                state,
                at: now(),
                slug: slug.map_or(keep_slug, str::to_string),
                error: error.to_string(),
                lexicon_sha256: lexicon,
            });
        })?;
        Ok(())
    }

    fn work(self: Arc<Self>) {
        loop {
            let job = {
                let mut q = self.lock();
                loop {
                    if let Some(job) = q.waiting.pop_front() {
                        q.running = Some(Running {
                            job: job.clone(),
                            done: 0,
                            total: 0,
                            started: Instant::now(),
                        });
                        break job;
                    }
                    q = self.wake.wait(q).unwrap_or_else(|p| p.into_inner());
                }
            };
            let (state, message) = self.run(&job);
            // The job leaves the queue before its end is told, so a page that
            // asks for the leaflet's status on hearing it is told the same.
            let event = {
                let mut q = self.lock();
                let event = Self::event_in(&q, &job, state, message);
                q.running = None;
                event
            };
            self.send(event);
        }
    }

    /// Build a job's leaflets, a group per voice and rate; how the job ended
    /// (built, or the first group's failure or the cancellation), for its
    /// last event.
    fn run(&self, job: &Job) -> (BuildState, String) {
        let mut groups: Vec<(VoiceAndRate, Vec<String>)> = Vec::new();
        for id in &job.ids {
            let Ok(record) = self.store.get(id) else {
                continue;
            };
            let _ = self.set_state(id, BuildState::Building, "", None);
            let key = (record.voice.clone(), record.rate_wpm);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, ids)) => ids.push(id.clone()),
                None => groups.push((key, vec![id.clone()])),
            }
        }
        self.send(self.event(job, BuildState::Building, String::new()));
        let mut ended = (BuildState::Built, String::new());
        for ((voice, rate), ids) in groups {
            let group = self.run_group(job, voice, rate, &ids);
            if ended.0 == BuildState::Built {
                ended = group;
            }
        }
        ended
    }

    fn run_group(
        &self,
        job: &Job,
        voice: Option<String>,
        rate: Option<u32>,
        ids: &[String],
    ) -> (BuildState, String) {
        let records: Vec<_> = ids
            .iter()
            .filter_map(|id| self.store.get(id).ok())
            .collect();
        let inputs: Vec<PathBuf> = records.iter().map(|r| self.store.source(r)).collect();
        let lexicon = self
            .store
            .lexicon
            .is_file()
            .then(|| self.store.lexicon.clone());
        let request = Request {
            inputs: inputs.clone(),
            out: self.store.out.clone(),
            jobs: self.jobs,
            voice,
            rate_wpm: rate,
            check: true,
            lexicon,
            voices_dir: self.voices_dir.clone(),
            ..Request::default()
        };
        let outcome = request.validate().and_then(|config| {
            let before = self.lock().running.as_ref().map_or(0, |r| r.total);
            build::run(
                &config,
                &job.cancel,
                &Progress {
                    jobs: self,
                    job,
                    before,
                },
            )
        });
        match outcome {
            Ok(report) => {
                for (record, input) in records.iter().zip(&inputs) {
                    let entry = report
                        .leaflets
                        .iter()
                        .find(|l| Path::new(&l.input) == input.as_path());
                    let (state, error, slug) = match entry {
                        Some(l) if l.ok => {
                            (BuildState::Built, String::new(), Some(l.slug.as_str()))
                        }
                        Some(l) => (
                            BuildState::Failed,
                            l.error.clone().unwrap_or_else(|| "the build failed".into()),
                            None,
                        ),
                        None => (
                            BuildState::Failed,
                            "the build did not reach it".into(),
                            None,
                        ),
                    };
                    let _ = self.set_state(&record.id, state, &error, slug);
                }
                (BuildState::Built, String::new())
            }
            Err(e) => {
                let state = if job.cancel.is_cancelled() {
                    BuildState::Cancelled
                } else {
                    BuildState::Failed
                };
                let message = if state == BuildState::Cancelled {
                    "cancelled: the earlier package, if any, is kept".to_string()
                } else {
                    e.to_string()
                };
                for id in ids {
                    let _ = self.set_state(id, state, &message, None);
                }
                (state, message)
            }
        }
    }

    fn event(&self, job: &Job, state: BuildState, message: String) -> Event {
        Self::event_in(&self.lock(), job, state, message)
    }

    fn event_in(q: &Queue, job: &Job, state: BuildState, message: String) -> Event {
        let (done, total, eta_s) = match &q.running {
            Some(r) => (r.done, r.total, eta(r)),
            None => (0, 0, None),
        };
        Event {
            ids: job.ids.clone(),
            state,
            done,
            total,
            eta_s,
            message,
        }
    }
}

/// Seconds left at the pace so far (none before the first chapter).
fn eta(r: &Running) -> Option<u64> {
    if r.done == 0 || r.total < r.done {
        return None;
    }
    let per = r.started.elapsed().as_secs_f64() / r.done as f64;
    Some((per * (r.total - r.done) as f64).ceil() as u64)
}

/// The build's observer: counts chapters and tells the pages.
struct Progress<'a> {
    jobs: &'a Jobs,
    job: &'a Job,
    /// Chapters of this job's earlier voice groups.
    before: usize,
}

impl Observer for Progress<'_> {
    fn started(&self, _leaflets: usize, chapters: usize) {
        if let Some(r) = &mut self.jobs.lock().running {
            r.total = self.before + chapters;
        }
        self.jobs.send(
            self.jobs
                .event(self.job, BuildState::Building, String::new()),
        );
    }

    fn waiting(&self, out: &Path) {
        self.jobs.send(self.jobs.event(
            self.job,
            BuildState::Queued,
            format!(
                "waiting: another build (perhaps from the command line) is writing to `{}`",
                out.display()
            ),
        ));
    }

    fn chapter_done(&self, _slug: &str) {
        if let Some(r) = &mut self.jobs.lock().running {
            r.done += 1;
        }
        self.jobs.send(
            self.jobs
                .event(self.job, BuildState::Building, String::new()),
        );
    }
}
