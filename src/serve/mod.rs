//! `audio-leaflet serve`: the web app for the staff who make the audio
//! versions. A front end like `cli`: it calls the same library functions
//! (reading, the outline, the script and its check, `build::run` with a
//! cancellation token and an observer) and only presents what they return.
//!
//! - [`store`]: the uploaded leaflets and their records, on disk;
//! - [`jobs`]: the build queue and its progress events;
//! - [`auth`]: the token asked for off the loopback address;
//! - [`outline`] and [`words`]: staff's corrections;
//! - [`pages`] (HTML, from templates that escape everything they are
//!   given) and [`api`] (JSON, and the handlers the pages' forms post to).

pub mod api;
pub mod auth;
pub mod jobs;
pub mod outline;
pub mod pages;
pub mod store;
pub mod words;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::error::{Error, Result};

/// How the server was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub listen: SocketAddr,
    pub token: auth::TokenSource,
    /// The team lexicon (default: `lexicon.toml` in the output folder).
    pub lexicon: Option<PathBuf>,
    pub voices_dir: PathBuf,
    /// Worker threads for each build (default: one per core).
    pub jobs: Option<usize>,
    /// The largest file an upload may carry, in bytes.
    pub max_upload: usize,
}

/// The largest number of files one upload may carry.
pub const MAX_FILES: usize = 50;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: store::Store,
    pub jobs: Arc<jobs::Jobs>,
    pub token: Option<String>,
    pub voices_dir: PathBuf,
    pub max_upload: usize,
    pub pages: Arc<pages::Pages>,
}

/// The routes, for the server and for tests.
pub fn router(state: AppState) -> Router {
    let body_limit = state.max_upload.saturating_mul(MAX_FILES.min(10)) + 64 * 1024;
    Router::new()
        .route("/", get(pages::leaflets))
        .route("/login", get(pages::login).post(pages::sign_in))
        .route("/style.css", get(pages::style))
        .route("/app.js", get(pages::script))
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .route("/leaflets/{id}", get(pages::leaflet))
        .route("/leaflets/{id}/outline", post(api::save_outline))
        .route("/leaflets/{id}/outline/reset", post(api::reset_outline))
        .route("/leaflets/{id}/words", post(api::save_word))
        .route("/leaflets/{id}/preview", get(api::preview))
        .route("/leaflets/{id}/settings", post(api::save_settings))
        .route("/leaflets/{id}/build", post(api::build))
        .route("/leaflets/{id}/cancel", post(api::cancel))
        .route("/upload", post(api::upload))
        .route("/build-all", post(api::build_all))
        .route("/events", get(api::events))
        .route("/packages/{slug}/{file}", get(api::package_file))
        .route("/api/leaflets", get(api::list).post(api::upload))
        .route("/api/leaflets/{id}", get(api::detail))
        .route("/api/leaflets/{id}/build", post(api::build))
        .route("/api/leaflets/{id}/cancel", post(api::cancel))
        .route("/api/build-all", post(api::build_all))
        .route("/api/status", get(api::status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::guard,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// The state for an output folder: builds left unfinished by a stopped
/// server are recorded as interrupted, and the build thread starts.
pub fn state(options: &Options, token: Option<String>) -> Result<AppState> {
    crate::fsutil::create_dir_all(&options.out)?;
    let store = store::Store::new(&options.out, options.lexicon.as_deref());
    store.recover()?;
    Ok(AppState {
        jobs: jobs::Jobs::new(store.clone(), &options.voices_dir, options.jobs),
        store,
        token,
        voices_dir: options.voices_dir.clone(),
        max_upload: options.max_upload,
        pages: Arc::new(pages::Pages::new()),
    })
}

/// On Ctrl-C: cancel the build (its staging is left for the next build
/// to clear, and the earlier package stays), give it a moment to stop, and
/// do not wait for pages still listening to the build events.
fn stopping(jobs: &jobs::Jobs) {
    eprintln!("stopping: the build in progress, if any, is cancelled");
    jobs.stop_all();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while jobs.busy() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::spawn(|| {
        std::thread::sleep(std::time::Duration::from_secs(2));
        std::process::exit(0);
    });
}

/// Run the server until Ctrl-C. `ready` is told the address to open (and
/// the token, when one is asked for) once it listens.
pub fn run(options: Options, ready: impl FnOnce(&str, Option<&str>)) -> Result<()> {
    let token = auth::token_for(&options.listen, &options.token)?;
    let state = state(&options, token.clone())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the web server ({e})")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|e| {
                Error::Other(format!(
                    "cannot listen on {} ({e}): is another server using it? Give another with --listen",
                    options.listen
                ))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Other(format!("cannot tell the address ({e})")))?;
        let host = if addr.ip().is_unspecified() {
            format!("localhost:{}", addr.port())
        } else {
            addr.to_string()
        };
        ready(&format!("http://{host}/"), token.as_deref());
        let jobs = std::sync::Arc::clone(&state.jobs);
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                stopping(&jobs);
            })
            .await
            .map_err(|e| Error::Other(format!("the web server stopped ({e})")))
    })
}
