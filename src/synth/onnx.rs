//! ONNX Runtime for the natural voices: the library is loaded once per
//! process from the installed voices folder (the `onnxruntime` PyPI wheel's
//! `libonnxruntime.so`), and each model gets a small pool of sessions so that
//! worker threads run it side by side.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use ort::environment::Environment;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::{RunOptions, Session};

use crate::error::{Error, Result};

static RUNTIME: OnceLock<std::result::Result<Environment, String>> = OnceLock::new();

/// The process's ONNX Runtime, loaded from `library` the first time.
/// A second call with another path gets the first library (ONNX Runtime can
/// only be loaded once per process).
pub fn runtime(library: &Path) -> Result<&'static Environment> {
    RUNTIME
        .get_or_init(|| {
            let builder = ort::init_from(library).map_err(|e| {
                format!(
                    "could not load ONNX Runtime from {}: {e}",
                    library.display()
                )
            })?;
            builder
                .with_name("audio-leaflet")
                .with_telemetry(false)
                .build()
                .map_err(|e| format!("could not start ONNX Runtime: {e}"))
        })
        .as_ref()
        .map_err(|why| Error::Other(why.clone()))
}

/// Sessions of one model, made on demand, one per thread that is using the
/// model at the moment (`Session::run` needs exclusive access).
pub struct SessionPool {
    library: PathBuf,
    model: PathBuf,
    /// Threads ONNX Runtime may use inside one run.
    intra_threads: usize,
    idle: Mutex<Vec<Session>>,
}

impl SessionPool {
    pub fn new(library: &Path, model: &Path, intra_threads: usize) -> SessionPool {
        SessionPool {
            library: library.to_path_buf(),
            model: model.to_path_buf(),
            intra_threads: intra_threads.max(1),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> Result<Session> {
        let env = runtime(&self.library)?;
        let fail = |e: ort::Error| {
            Error::Other(format!(
                "could not open the voice model {}: {e}",
                self.model.display()
            ))
        };
        let mut builder = Session::builder(env).map_err(fail)?;
        builder = builder
            .with_optimization_level(GraphOptimizationLevel::All)
            .map_err(|e| fail(e.into()))?
            .with_intra_threads(self.intra_threads)
            .map_err(|e| fail(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| fail(e.into()))?
            .with_intra_op_spinning(false)
            .map_err(|e| fail(e.into()))?;
        builder.commit_from_file(&self.model).map_err(fail)
    }

    /// Open a session ahead of its first use and keep it idle: the next
    /// run takes it instead of opening one then.
    pub fn open_ahead(&self) -> Result<()> {
        let session = self.open()?;
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(session);
        Ok(())
    }

    /// Run `f` with a session of its own: an idle one, or a new one.
    pub fn with<R>(&self, f: impl FnOnce(&mut Session) -> Result<R>) -> Result<R> {
        let taken = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut session = match taken {
            Some(s) => s,
            None => self.open()?,
        };
        let out = f(&mut session);
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(session);
        out
    }
}

/// Set by [`stop_all`]: no new run starts.
static STOPPED: AtomicBool = AtomicBool::new(false);
/// The runs in progress, so that Ctrl-C can end them at once rather than
/// when a long utterance is done.
static ACTIVE: Mutex<Vec<Arc<RunOptions>>> = Mutex::new(Vec::new());

/// End every model run in progress and refuse new ones (Ctrl-C).
pub fn stop_all() {
    STOPPED.store(true, Ordering::SeqCst);
    for run in ACTIVE.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        let _ = run.terminate();
    }
}

/// Let runs start again after [`stop_all`] (the next build in a process
/// that keeps running, such as a web app).
pub fn resume() {
    STOPPED.store(false, Ordering::SeqCst);
}

pub fn stopped() -> bool {
    STOPPED.load(Ordering::SeqCst)
}

impl SessionPool {
    /// Like [`SessionPool::with`], with run options that [`stop_all`] can
    /// terminate: pass them to `Session::run_with_options`.
    pub fn with_stoppable<R>(
        &self,
        f: impl FnOnce(&mut Session, &RunOptions) -> Result<R>,
    ) -> Result<R> {
        if stopped() {
            return Err(Error::Interrupted);
        }
        // The library must be loaded before any other ONNX Runtime call.
        runtime(&self.library)?;
        let options = Arc::new(RunOptions::new().map_err(failed("ONNX Runtime"))?);
        ACTIVE
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Arc::clone(&options));
        let out = self.with(|session| f(session, &options));
        ACTIVE
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|o| !Arc::ptr_eq(o, &options));
        if stopped() {
            return Err(Error::Interrupted);
        }
        out
    }
}

/// An ONNX Runtime error as the crate's error, saying what was being done.
pub fn failed(what: &str) -> impl Fn(ort::Error) -> Error + '_ {
    move |e| Error::Other(format!("{what}: {e}"))
}
