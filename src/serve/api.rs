//! The JSON API, and the handlers the pages' forms post to. A handler
//! answers a browser's form (which asks for HTML) by sending it back to the
//! page it came from, or by showing the error on a page; a program gets JSON
//! with the right status code either way.

use std::convert::Infallible;
use std::path::Path;

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path as UrlPath, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower::ServiceExt;

use super::AppState;
use super::jobs::Place;
use super::pages;
use super::store::{BuildState, Record};
use crate::commands::{self, Outline};
use crate::error::Error;
use crate::leaflet;
use crate::package::{self, Manifest};
use crate::synth;

/// An error as JSON: `{"error": "..."}`.
pub fn problem(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// An error for whoever asked: a page for a browser, JSON for a program.
fn fail(state: &AppState, headers: &HeaderMap, status: StatusCode, message: &str) -> Response {
    if wants_html(headers) {
        return (status, pages::error_page(state, status, message)).into_response();
    }
    problem(status, message)
}

/// Run blocking library work (reading a PDF, a voice) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> crate::Result<T> + Send + 'static,
) -> crate::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(Error::Other(format!("the work stopped unexpectedly ({e})"))))
}

fn record_or_404(state: &AppState, headers: &HeaderMap, id: &str) -> Result<Record, Response> {
    state
        .store
        .get(id)
        .map_err(|e| fail(state, headers, StatusCode::NOT_FOUND, &e.to_string()))
}

/// A leaflet as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub id: String,
    pub file_name: String,
    pub kind: String,
    pub title: String,
    /// `not-built`, `queued`, `building`, `built`, `out-of-date`, `failed`,
    /// `cancelled` or `interrupted`.
    pub status: &'static str,
    /// The status in words, for people.
    pub status_text: String,
    pub voice: String,
    pub rate_wpm: Option<u32>,
    pub length_s: Option<f64>,
    pub date: String,
    /// The package's folder, when there is one to play and download.
    pub package: Option<String>,
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
}

pub fn summary(state: &AppState, record: &Record) -> Summary {
    let package = state.store.package(record);
    let place = state.jobs.place(&record.id);
    let last = record.last_build.as_ref();
    let error = last.map(|b| b.error.clone()).unwrap_or_default();
    let (status, status_text) = match (&place, last.map(|b| b.state), &package) {
        (Some(p), _, _) if p.state == BuildState::Building => (
            "building",
            format!("being built: {} of {} chapters", p.done, p.total),
        ),
        (Some(p), _, _) => ("queued", format!("waiting: {} build(s) ahead", p.ahead)),
        (None, Some(BuildState::Built), Some((_, m))) if state.store.up_to_date(record, m) => {
            ("built", "built".to_string())
        }
        (None, Some(BuildState::Built), Some(_)) => (
            "out-of-date",
            "out of date: the leaflet, its settings or the team lexicon changed since".into(),
        ),
        (None, Some(BuildState::Failed), _) => ("failed", format!("failed: {error}")),
        (None, Some(BuildState::Cancelled), _) => ("cancelled", "cancelled".into()),
        (None, Some(BuildState::Interrupted | BuildState::Building | BuildState::Queued), _) => (
            "interrupted",
            "not built: the server stopped before the build finished; build it again".into(),
        ),
        _ => ("not-built", "not built yet".into()),
    };
    let manifest: Option<&Manifest> = package.as_ref().map(|(_, m)| m);
    Summary {
        id: record.id.clone(),
        file_name: record.file_name.clone(),
        kind: record.kind.clone(),
        title: manifest.map_or_else(|| record.file_name.clone(), |m| m.title.clone()),
        status,
        status_text,
        voice: record
            .voice
            .clone()
            .or_else(|| manifest.map(|m| m.voice.name.clone()))
            .unwrap_or_else(|| "the default for its language".into()),
        rate_wpm: record.rate_wpm,
        length_s: manifest.map(|m| m.total_duration_s),
        date: manifest.map(|m| m.date.clone()).unwrap_or_default(),
        package: package.map(|(slug, _)| slug),
        error,
        place,
    }
}

/// Everything the leaflet page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub summary: Summary,
    /// Why the leaflet could not be read (then there is no outline).
    pub read_error: String,
    pub outline: Option<Outline>,
    /// Each chapter's blocks' first words, to choose where to split.
    pub blocks: Vec<Vec<String>>,
    pub script: Vec<Spoken>,
    pub words: Vec<Word>,
    pub corrected: bool,
    pub voices: Vec<synth::VoiceInfo>,
    pub voice: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Spoken {
    pub index: usize,
    pub title: String,
    pub lines: Vec<String>,
}

/// A word the voice may get wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Word {
    pub word: String,
    /// Why it is listed.
    pub why: &'static str,
    pub chapter: usize,
    /// What the team lexicon says now, if anything.
    pub say: String,
}

fn team_say(lexicon: &Path) -> toml::Table {
    std::fs::read_to_string(lexicon)
        .ok()
        .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
        .and_then(|t| t.get("say").and_then(|s| s.as_table()).cloned())
        .unwrap_or_default()
}

/// Read the leaflet and gather the page (blocking: a PDF takes a moment).
pub fn gather(state: &AppState, record: &Record) -> Detail {
    let source_path = state.store.source(record);
    let voices = synth::voices(&state.voices_dir).voices;
    let mut detail = Detail {
        summary: summary(state, record),
        read_error: String::new(),
        outline: None,
        blocks: Vec::new(),
        script: Vec::new(),
        words: Vec::new(),
        corrected: state.store.corrected(&record.id).is_file(),
        voices: voices.into_iter().filter(|v| v.installed).collect(),
        voice: String::new(),
    };
    let source = match commands::read(&source_path, None, None) {
        Ok(s) => s,
        Err(e) => {
            detail.read_error = e.to_string();
            return detail;
        }
    };
    let leaflet = &source.leaflet;
    detail.outline = Some(commands::chapters(&source));
    detail.blocks = leaflet
        .chapters
        .iter()
        .map(|c| c.blocks.iter().map(|b| first_words(b.text())).collect())
        .collect();
    let lexicon = state
        .store
        .lexicon
        .is_file()
        .then_some(state.store.lexicon.as_path());
    let options = match crate::build::speech_options(lexicon, None) {
        Ok(o) => o,
        Err(e) => {
            detail.read_error = e.to_string();
            return detail;
        }
    };
    let voice = voice_of(record, &leaflet.language, &state.voices_dir);
    if let Ok(script) = commands::script(leaflet, &options, None) {
        detail.script = script
            .chapters
            .iter()
            .map(|c| Spoken {
                index: c.index,
                title: c.title.clone(),
                lines: c.utterances.iter().map(|u| u.text.clone()).collect(),
            })
            .collect();
    }
    let say = team_say(&state.store.lexicon);
    match commands::check_script(leaflet, &options, Some(&voice), &state.voices_dir) {
        Ok(checks) => {
            let mut seen = std::collections::HashSet::new();
            for c in checks {
                let lists: [(&[String], &'static str); 4] = [
                    (&c.acronyms, "capitals, read letter by letter"),
                    (&c.mixed, "letters and digits"),
                    (&c.unknown, "not in the voice's dictionary"),
                    (&c.guessed, "the voice guesses it"),
                ];
                for (words, why) in lists {
                    for w in words {
                        if seen.insert(w.to_lowercase()) {
                            detail.words.push(Word {
                                word: w.clone(),
                                why,
                                chapter: c.index,
                                say: say
                                    .get(&w.to_lowercase())
                                    .and_then(|v| v.as_str())
                                    .unwrap_or("")
                                    .to_string(),
                            });
                        }
                    }
                }
            }
        }
        Err(e) => detail.read_error = e.to_string(),
    }
    detail.voice = voice;
    detail
}

/// The voice a build of the leaflet uses: its own choice, else the one
/// for its language, as `build` picks it.
fn voice_of(record: &Record, language: &str, voices_dir: &Path) -> String {
    record.voice.clone().unwrap_or_else(|| {
        synth::voice_for_language(language, voices_dir)
            .unwrap_or_else(|_| synth::DEFAULT_VOICE.to_string())
    })
}

fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(8).collect();
    let more = text.split_whitespace().count() > 8;
    format!("{}{}", words.join(" "), if more { "…" } else { "" })
}

pub async fn list(State(state): State<AppState>) -> Response {
    let s = state.clone();
    let leaflets = blocking(move || Ok(summaries(&s))).await;
    match leaflets {
        Ok(l) => Json(serde_json::json!({ "leaflets": l, "builds_pending": state.jobs.pending() }))
            .into_response(),
        Err(e) => problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

pub async fn status(State(state): State<AppState>) -> Response {
    Json(serde_json::json!({ "builds_pending": state.jobs.pending() })).into_response()
}

pub async fn detail(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let record = match record_or_404(&state, &headers, &id) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let s = state.clone();
    match blocking(move || Ok(gather(&s, &record))).await {
        Ok(d) => Json(d).into_response(),
        Err(e) => problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// What an upload did with each file.
#[derive(Debug, Default, Serialize)]
pub struct Uploaded {
    pub saved: Vec<SavedFile>,
    pub refused: Vec<RefusedFile>,
}

#[derive(Debug, Serialize)]
pub struct SavedFile {
    pub id: String,
    pub file_name: String,
    pub kind: String,
}

#[derive(Debug, Serialize)]
pub struct RefusedFile {
    pub file_name: String,
    pub error: String,
    #[serde(skip)]
    pub status: u16,
}

pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let mut result = Uploaded::default();
    let limit = state.max_upload;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let status = e.status();
                let why = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    format!(
                        "the upload is too large: send at most {} MB a file, a few files at a time",
                        limit / 1_000_000
                    )
                } else {
                    format!("the upload could not be read ({e}): try again")
                };
                return fail(&state, &headers, status, &why);
            }
        };
        let Some(name) = field.file_name().map(str::to_string) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let shown = crate::plain::one_line(&name);
        if result.saved.len() + result.refused.len() >= super::MAX_FILES {
            result.refused.push(RefusedFile {
                file_name: shown,
                error: format!(
                    "at most {} files an upload: send the rest next",
                    super::MAX_FILES
                ),
                status: 413,
            });
            continue;
        }
        let mut bytes = Vec::new();
        let mut too_large = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > limit {
                        too_large = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return fail(
                        &state,
                        &headers,
                        e.status(),
                        &format!("the upload of `{shown}` could not be read ({e}): try again"),
                    );
                }
            }
        }
        let refuse = |status: u16, error: String| RefusedFile {
            file_name: shown.clone(),
            error,
            status,
        };
        if too_large {
            result.refused.push(refuse(413, format!(
                "`{shown}` is larger than the {} MB a leaflet may be: is it the leaflet, or a scan of it?",
                limit / 1_000_000
            )));
            continue;
        }
        if bytes.is_empty() {
            result
                .refused
                .push(refuse(400, format!("`{shown}` is empty")));
            continue;
        }
        let Some(kind) = leaflet::sniff(Path::new(&shown), &bytes) else {
            result.refused.push(refuse(415, format!(
                "`{shown}` is not a leaflet this program reads: upload a PDF, a Word or OpenDocument file, a saved web page, Markdown or text"
            )));
            continue;
        };
        match state.store.add(&name, kind, &bytes) {
            Ok(r) => result.saved.push(SavedFile {
                id: r.id,
                file_name: r.file_name,
                kind: r.kind,
            }),
            Err(e) => result.refused.push(refuse(500, e.to_string())),
        }
    }
    if result.saved.is_empty() && result.refused.is_empty() {
        return fail(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            "choose one or more leaflet files to upload",
        );
    }
    let status = result
        .refused
        .first()
        .and_then(|r| StatusCode::from_u16(r.status).ok())
        .unwrap_or(StatusCode::CREATED);
    if wants_html(&headers) {
        let page = pages::leaflets_page(&state, Some(&result));
        return (status, page).into_response();
    }
    (status, Json(result)).into_response()
}

/// After a form: back to the page it came from; for a program, `body`.
fn done(headers: &HeaderMap, to: String, status: StatusCode, body: serde_json::Value) -> Response {
    if wants_html(headers) {
        return Redirect::to(&to).into_response();
    }
    (status, Json(body)).into_response()
}

pub async fn build(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    if let Err(r) = record_or_404(&state, &headers, &id) {
        return r;
    }
    match state.jobs.enqueue(vec![id.clone()]) {
        Ok(ahead) => done(
            &headers,
            format!("/leaflets/{id}#build"),
            StatusCode::ACCEPTED,
            serde_json::json!({ "queued": [id], "ahead": ahead }),
        ),
        Err(e) => fail(
            &state,
            &headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
        ),
    }
}

/// Build every leaflet that is not built and up to date, as one batch.
pub async fn build_all(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let s = state.clone();
    let ids = blocking(move || {
        Ok(s.store
            .list()
            .iter()
            .filter(|r| summary(&s, r).status != "built")
            .map(|r| r.id.clone())
            .collect::<Vec<_>>())
    })
    .await
    .unwrap_or_default();
    if ids.is_empty() {
        return done(
            &headers,
            "/".into(),
            StatusCode::OK,
            serde_json::json!({ "queued": [] }),
        );
    }
    match state.jobs.enqueue(ids.clone()) {
        Ok(ahead) => done(
            &headers,
            "/".into(),
            StatusCode::ACCEPTED,
            serde_json::json!({ "queued": ids, "ahead": ahead }),
        ),
        Err(e) => fail(
            &state,
            &headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
        ),
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    if let Err(r) = record_or_404(&state, &headers, &id) {
        return r;
    }
    match state.jobs.cancel(&id) {
        Ok(true) => done(
            &headers,
            format!("/leaflets/{id}#build"),
            StatusCode::OK,
            serde_json::json!({ "cancelled": id }),
        ),
        Ok(false) => fail(
            &state,
            &headers,
            StatusCode::CONFLICT,
            &format!("`{id}` is not being built or waiting to be"),
        ),
        Err(e) => fail(
            &state,
            &headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
        ),
    }
}

/// The build events, as server-sent events (`data:` a JSON [`super::jobs::Event`]).
pub async fn events(State(state): State<AppState>) -> Response {
    let stream = BroadcastStream::new(state.jobs.events.subscribe()).filter_map(|e| {
        let event = e.ok()?;
        let data = serde_json::to_string(&event).ok()?;
        Some(Ok::<_, Infallible>(SseEvent::default().data(data)))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

pub async fn save_outline(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let record = match record_or_404(&state, &headers, &id) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let store = state.store.clone();
    let saved = blocking(move || {
        let source = commands::read(&store.source(&record), None, None)?;
        let edits = super::outline::Edits::from_form(&fields)?;
        let edited = super::outline::apply(&source.leaflet, &edits)?;
        let markdown = leaflet::to_markdown(&edited);
        super::store::write_bytes(&store.corrected(&record.id), markdown.as_bytes())?;
        Ok(edited.chapters.len())
    })
    .await;
    match saved {
        Ok(chapters) => done(
            &headers,
            format!("/leaflets/{id}#outline"),
            StatusCode::OK,
            serde_json::json!({ "chapters": chapters }),
        ),
        Err(e) => fail(&state, &headers, StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

pub async fn reset_outline(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    if let Err(r) = record_or_404(&state, &headers, &id) {
        return r;
    }
    let path = state.store.corrected(&id);
    if let Err(e) = std::fs::remove_file(&path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        let why = format!("cannot remove `{}` ({e})", path.display());
        return fail(&state, &headers, StatusCode::INTERNAL_SERVER_ERROR, &why);
    }
    done(
        &headers,
        format!("/leaflets/{id}#outline"),
        StatusCode::OK,
        serde_json::json!({ "reset": id }),
    )
}

#[derive(Debug, Deserialize)]
pub struct WordForm {
    pub word: String,
    pub say: String,
}

pub async fn save_word(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    axum::Form(form): axum::Form<WordForm>,
) -> Response {
    if let Err(r) = record_or_404(&state, &headers, &id) {
        return r;
    }
    let lexicon = state.store.lexicon.clone();
    let word = form.word.clone();
    match blocking(move || super::words::save(&lexicon, &form.word, &form.say)).await {
        Ok(()) => done(
            &headers,
            format!("/leaflets/{id}#words"),
            StatusCode::OK,
            serde_json::json!({ "saved": word }),
        ),
        Err(e) => fail(&state, &headers, StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    pub word: String,
    #[serde(default)]
    pub say: String,
}

/// The sentence a word is in, said with the fix: a WAV to play.
pub async fn preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<PreviewQuery>,
) -> Response {
    let record = match record_or_404(&state, &headers, &id) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let s = state.clone();
    let made = blocking(move || {
        let source = commands::read(&s.store.source(&record), None, None)?;
        let sentence = super::words::sentence_with(&source.leaflet, &q.word);
        let voice = voice_of(&record, &source.leaflet.language, &s.voices_dir);
        let fix = (!q.say.trim().is_empty()).then_some((q.word.as_str(), q.say.as_str()));
        super::words::preview(
            &sentence,
            &source.leaflet.language,
            &s.store.lexicon,
            fix,
            &voice,
            record.rate_wpm,
            &s.voices_dir,
        )
    })
    .await;
    match made {
        Ok((said, wav)) => (
            [
                (header::CONTENT_TYPE, "audio/wav".to_string()),
                (header::CACHE_CONTROL, "no-store".to_string()),
                (
                    header::HeaderName::from_static("x-spoken"),
                    crate::plain::one_line_printable(&said)
                        .chars()
                        .filter(char::is_ascii)
                        .collect(),
                ),
            ],
            wav,
        )
            .into_response(),
        Err(e) => fail(&state, &headers, StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub voice: String,
    #[serde(default)]
    pub rate: String,
}

pub async fn save_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    axum::Form(form): axum::Form<SettingsForm>,
) -> Response {
    if let Err(r) = record_or_404(&state, &headers, &id) {
        return r;
    }
    let voice = Some(form.voice.trim().to_string()).filter(|v| !v.is_empty());
    if let Some(v) = &voice
        && !synth::is_voice_name(v)
    {
        let why = format!("there is no voice `{v}`: choose one from the list");
        return fail(&state, &headers, StatusCode::BAD_REQUEST, &why);
    }
    let rate = match form.rate.trim() {
        "" => None,
        r => match r.parse::<u32>() {
            Ok(n) if synth::check_rate(Some(n)).is_ok() => Some(n),
            _ => {
                let (lo, hi) = synth::RATE_RANGE;
                let why = format!(
                    "the speed must be a number of words a minute from {lo} to {hi}, or empty for the voice's own"
                );
                return fail(&state, &headers, StatusCode::BAD_REQUEST, &why);
            }
        },
    };
    match state.store.update(&id, |r| {
        r.voice = voice;
        r.rate_wpm = rate;
    }) {
        Ok(r) => done(
            &headers,
            format!("/leaflets/{id}#settings"),
            StatusCode::OK,
            serde_json::json!({ "voice": r.voice, "rate_wpm": r.rate_wpm }),
        ),
        Err(e) => fail(
            &state,
            &headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
        ),
    }
}

/// A file of a package (the player, its audio, the zip), with byte ranges
/// so the player can seek. Only plain names inside a package folder.
pub async fn package_file(
    State(state): State<AppState>,
    UrlPath((slug, file)): UrlPath<(String, String)>,
    request: Request,
) -> Response {
    let plain = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    let dir = state.store.out.join(&slug);
    if !plain(&slug)
        || slug.starts_with('_')
        || !plain(&file)
        || !dir.join(package::MANIFEST_FILE).is_file()
    {
        return problem(StatusCode::NOT_FOUND, "no such package file");
    }
    let service = tower_http::services::ServeFile::new(dir.join(&file));
    let mut response = match service.oneshot(request).await {
        Ok(r) => r.map(Body::new),
        Err(e) => return problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    if file == package::ZIP_FILE
        && let Ok(v) = format!("attachment; filename=\"{slug}.zip\"").parse()
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The leaflets of a batch, as their summaries (for tests and tools).
pub fn summaries(state: &AppState) -> Vec<Summary> {
    state
        .store
        .list()
        .iter()
        .map(|r| summary(state, r))
        .collect()
}
