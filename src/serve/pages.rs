//! The HTML pages, from minijinja templates compiled into the program.
//! Templates named `.html` escape every value they are given, so a title,
//! a file name or an error message can never become markup.

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Environment, context};
use serde::Serialize;

use super::AppState;
use super::api::{self, Summary, Uploaded};
use super::auth;
use crate::clock;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("leaflets.html", include_str!("templates/leaflets.html")),
    ("leaflet.html", include_str!("templates/leaflet.html")),
    ("login.html", include_str!("templates/login.html")),
    ("error.html", include_str!("templates/error.html")),
];

pub struct Pages {
    env: Environment<'static>,
}

impl Default for Pages {
    fn default() -> Self {
        Pages::new()
    }
}

impl Pages {
    pub fn new() -> Pages {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .expect("the page templates are valid");
        }
        Pages { env }
    }

    /// A page, or (should a template fail) a plain message saying so.
    pub fn render(&self, name: &str, ctx: minijinja::Value) -> Html<String> {
        let page = self
            .env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .unwrap_or_else(|e| {
                let text = crate::plain::one_line(&e.to_string());
                format!(
                    "<!doctype html><title>Error</title><p>The page could not be made: {}</p>",
                    text.replace('&', "&amp;").replace('<', "&lt;")
                )
            });
        Html(page)
    }
}

/// A summary with its length in words a person reads.
#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    length: String,
}

fn rows(summaries: &[Summary]) -> Vec<Row<'_>> {
    summaries
        .iter()
        .map(|s| Row {
            summary: s,
            length: s.length_s.map(clock::short).unwrap_or_default(),
        })
        .collect()
}

pub fn leaflets_page(state: &AppState, uploaded: Option<&Uploaded>) -> Html<String> {
    let summaries = api::summaries(state);
    state.pages.render(
        "leaflets.html",
        context! {
            leaflets => rows(&summaries),
            uploaded => uploaded,
            max_mb => state.max_upload / 1_000_000,
        },
    )
}

pub fn error_page(state: &AppState, status: StatusCode, message: &str) -> Html<String> {
    let heading = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::PAYLOAD_TOO_LARGE => "Too large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Not a leaflet",
        StatusCode::CONFLICT => "Nothing to cancel",
        s if s.is_client_error() => "That did not work",
        _ => "Something went wrong",
    };
    state
        .pages
        .render("error.html", context! { heading, message, back => "/" })
}

pub async fn leaflets(State(state): State<AppState>) -> Response {
    let s = state.clone();
    tokio::task::spawn_blocking(move || leaflets_page(&s, None))
        .await
        .map(IntoResponse::into_response)
        .unwrap_or_else(|e| api::problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
}

pub async fn leaflet(State(state): State<AppState>, UrlPath(id): UrlPath<String>) -> Response {
    let record = match state.store.get(&id) {
        Ok(r) => r,
        Err(e) => {
            return (
                StatusCode::NOT_FOUND,
                error_page(&state, StatusCode::NOT_FOUND, &e.to_string()),
            )
                .into_response();
        }
    };
    let s = state.clone();
    let page = tokio::task::spawn_blocking(move || {
        let d = api::gather(&s, &record);
        s.pages.render(
            "leaflet.html",
            context! { s => &d.summary, d => &d, chosen_voice => record.voice.clone().unwrap_or_default() },
        )
    })
    .await;
    page.map(IntoResponse::into_response)
        .unwrap_or_else(|e| api::problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
}

pub async fn login(State(state): State<AppState>) -> Response {
    if state.token.is_none() {
        return Redirect::to("/").into_response();
    }
    state
        .pages
        .render("login.html", context! { message => "" })
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct SignIn {
    token: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    axum::Form(form): axum::Form<SignIn>,
) -> Response {
    if !auth::check(state.token.as_ref(), &form.token) {
        let page = state.pages.render(
            "login.html",
            context! { message => "That token is not right: ask whoever runs the server." },
        );
        return (StatusCode::UNAUTHORIZED, page).into_response();
    }
    let mut response = Redirect::to("/").into_response();
    if let Ok(v) = auth::cookie(form.token.trim()).parse() {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

pub async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("templates/style.css"),
    )
        .into_response()
}

pub async fn script(_headers: HeaderMap) -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("templates/app.js"),
    )
        .into_response()
}
