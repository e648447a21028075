//! Who may use the server. On the loopback address only this machine's
//! users can reach it, so no token is asked for; on any other address every
//! request needs the team's token, from the `Authorization: Bearer` header
//! (programs) or a cookie set by the sign-in page (browsers). Requests that
//! change something must come from the server's own pages (their `Origin`),
//! so another web site open in the same browser cannot post to it.

use std::net::SocketAddr;
use std::path::Path;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::AppState;
use crate::error::{Error, Result};

pub const COOKIE: &str = "audio_leaflet_token";
/// Shorter tokens are refused: they could be guessed.
const MIN_TOKEN: usize = 16;

/// Where the token comes from when the server is open to the network.
#[derive(Debug, Clone, Default)]
pub struct TokenSource {
    /// A file holding the token (its first line).
    pub file: Option<std::path::PathBuf>,
    /// Make a new random token and print it.
    pub generate: bool,
}

/// The token the server asks for: none on loopback; on another address one
/// from the file or a new one, or a refusal to start.
pub fn token_for(addr: &SocketAddr, source: &TokenSource) -> Result<Option<String>> {
    if let Some(file) = &source.file {
        return read_token(file).map(Some);
    }
    if source.generate {
        return Ok(Some(new_token()?));
    }
    if addr.ip().is_loopback() {
        return Ok(None);
    }
    Err(Error::Other(format!(
        "--listen {addr} opens the server to other machines, so it needs a token: \
         give --token-file FILE (a file holding a secret of at least {MIN_TOKEN} characters) \
         or --new-token to make one and print it"
    )))
}

fn read_token(file: &Path) -> Result<String> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.len() < MIN_TOKEN || token.chars().any(|c| !c.is_ascii_graphic()) {
        return Err(Error::Other(format!(
            "the token in `{}` must be one line of at least {MIN_TOKEN} printable characters, no spaces: \
             for example `head -c 24 /dev/urandom | base64 > {}`",
            file.display(),
            file.display()
        )));
    }
    Ok(token)
}

fn new_token() -> Result<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Other(format!("cannot make a random token ({e})")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Equal without stopping at the first difference (no timing hint).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn presented(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    bearer.or_else(|| {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| {
                c.trim()
                    .strip_prefix(&format!("{COOKIE}="))
                    .map(str::to_string)
            })
    })
}

/// Whether the request's `Origin` (when it has one) is this server.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    !host.is_empty() && origin_host == host
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let changes = !matches!(*request.method(), Method::GET | Method::HEAD);
    if changes && !same_origin(headers) {
        return super::api::problem(
            StatusCode::FORBIDDEN,
            "this request came from another web site: use the audio-leaflet pages",
        );
    }
    let Some(token) = &state.token else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if matches!(path, "/login" | "/style.css" | "/favicon.ico") {
        return next.run(request).await;
    }
    match presented(headers) {
        Some(given) if same(&given, token) => next.run(request).await,
        given => {
            if super::api::wants_html(headers) && request.method() == Method::GET {
                return Redirect::to("/login").into_response();
            }
            let why = if given.is_some() {
                "the token is wrong: ask whoever runs the server for the team's token"
            } else {
                "a token is needed: send `Authorization: Bearer TOKEN`, or sign in on /login"
            };
            super::api::problem(StatusCode::UNAUTHORIZED, why)
        }
    }
}

/// The cookie a correct sign-in sets: the browser sends it back to this
/// server only, and scripts cannot read it.
pub fn cookie(token: &str) -> String {
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000")
}

pub fn check(token: Option<&String>, given: &str) -> bool {
    token.is_some_and(|t| same(t, given.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_needs_no_token_and_other_addresses_refuse_to_start_without_one() {
        let local: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let open: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(token_for(&local, &TokenSource::default()).unwrap(), None);
        let err = token_for(&open, &TokenSource::default()).unwrap_err();
        assert!(err.to_string().contains("--token-file"), "{err}");
        let made = token_for(
            &open,
            &TokenSource {
                file: None,
                generate: true,
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(made.len(), 48);
    }

    #[test]
    fn a_short_token_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "short\n").unwrap();
        let source = TokenSource {
            file: Some(file.clone()),
            generate: false,
        };
        let open: SocketAddr = "0.0.0.0:1".parse().unwrap();
        assert!(token_for(&open, &source).is_err());
        std::fs::write(&file, "a-long-enough-secret-token\n").unwrap();
        assert_eq!(
            token_for(&open, &source).unwrap().as_deref(),
            Some("a-long-enough-secret-token")
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
