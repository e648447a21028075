//! `audio-leaflet serve` over HTTP: the real program listening on a port,
//! asked what staff and their browsers ask, including the wrong things.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::blocking::{Client, multipart};
use serde_json::Value;

use crate::util::{NO_VOICES, files_under, repo};

/// A running server on a free port of 127.0.0.1 (or the address given),
/// stopped when dropped.
struct Server {
    child: Child,
    url: String,
    out: PathBuf,
    client: Client,
    token: Option<String>,
}

fn start(out: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("audio-leaflet"))
        .args(["serve", "--out"])
        .arg(out)
        .args(["--jobs", "1"])
        .args(if extra.contains(&"--listen") {
            &[][..]
        } else {
            &["--listen", "127.0.0.1:0"][..]
        })
        .args(extra)
        .env("AUDIO_LEAFLET_VOICES", NO_VOICES)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let url = first
        .split("open ")
        .nth(1)
        .unwrap_or_else(|| panic!("the server printed no address: {first:?}"))
        .trim_end_matches('/')
        .replace("localhost", "127.0.0.1");
    let second = lines.next().and_then(Result::ok).unwrap_or_default();
    let token = second.split(": ").nth(1).map(str::to_string);
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        url,
        out: out.to_path_buf(),
        client: Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap(),
        token,
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn get(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        self.auth(self.client.get(format!("{}{path}", self.url)))
    }

    fn post(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        self.auth(self.client.post(format!("{}{path}", self.url)))
    }

    fn auth(&self, r: reqwest::blocking::RequestBuilder) -> reqwest::blocking::RequestBuilder {
        match &self.token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    fn upload(&self, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let form = multipart::Form::new().part(
            "files",
            multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        let r = self.post("/api/leaflets").multipart(form).send().unwrap();
        let status = r.status();
        (status, r.json().unwrap_or(Value::Null))
    }

    fn leaflets(&self) -> Vec<Value> {
        let v: Value = self.get("/api/leaflets").send().unwrap().json().unwrap();
        v["leaflets"].as_array().cloned().unwrap_or_default()
    }

    fn leaflet(&self, id: &str) -> Value {
        self.leaflets()
            .into_iter()
            .find(|l| l["id"] == id)
            .unwrap_or_else(|| panic!("no leaflet {id}"))
    }

    /// Wait until `id`'s status is one of `states`.
    fn wait_for(&self, id: &str, states: &[&str], limit: Duration) -> Value {
        let started = Instant::now();
        loop {
            let l = self.leaflet(id);
            if states.iter().any(|s| l["status"] == *s) {
                return l;
            }
            assert!(
                started.elapsed() < limit,
                "{id} never became {states:?}: {l}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Upload a leaflet and set it to the test voice at `rate` (words a
    /// minute, or "" for its own): its id.
    fn upload_for_fake_voice(&self, name: &str, bytes: Vec<u8>, rate: &str) -> String {
        let (_, saved) = self.upload(name, bytes);
        let id = saved["saved"][0]["id"].as_str().unwrap().to_string();
        self.set_voice(&id, "fake", rate);
        id
    }

    fn set_voice(&self, id: &str, voice: &str, rate: &str) {
        let r = self
            .post(&format!("/leaflets/{id}/settings"))
            .form(&[("voice", voice), ("rate", rate)])
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().unwrap());
    }

    fn build(&self, id: &str) -> Value {
        let r = self
            .post(&format!("/api/leaflets/{id}/build"))
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        r.json().unwrap()
    }
}

fn example() -> Vec<u8> {
    std::fs::read(repo("examples/carpal-tunnel.txt")).unwrap()
}

/// A Markdown leaflet long enough that a one-thread build takes a while.
fn long_leaflet(title: &str, chapters: usize) -> Vec<u8> {
    let mut text = format!("# {title}\n\nThis leaflet explains the treatment.\n");
    for i in 1..=chapters {
        text.push_str(&format!("\n## Part {i}\n\n"));
        for j in 0..6 {
            text.push_str(&format!(
                "Paragraph {j} of part {i} says what happens next and who to call if you are worried. "
            ));
        }
        text.push('\n');
    }
    text.into_bytes()
}

#[test]
fn uploads_of_the_wrong_kind_too_large_or_with_a_path_in_the_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let server = start(&out, &["--max-upload-mb", "1"]);

    // A picture named as a PDF: refused for what it is.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".repeat(20);
    let (status, body) = server.upload("leaflet.pdf", png);
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert!(
        body["refused"][0]["error"]
            .as_str()
            .unwrap()
            .contains("is not a leaflet"),
        "{body}"
    );

    // Over the limit.
    let (status, body) = server.upload("big.txt", "word ".repeat(300_000).into_bytes());
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(
        body["refused"][0]["error"]
            .as_str()
            .unwrap()
            .contains("larger than the 1 MB"),
        "{body}"
    );
    assert!(server.leaflets().is_empty(), "nothing was added");

    // A name with a path in it is only a name.
    let (status, body) = server.upload("../../../escape/Carpal Tunnel.txt", example());
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["saved"][0]["id"], "carpal-tunnel");
    let files = files_under(tmp.path());
    assert_eq!(
        files,
        [
            out.join("_sources/carpal-tunnel.json"),
            out.join("_sources/carpal-tunnel.txt")
        ],
        "the upload is kept under its slug and nowhere else"
    );
    assert_eq!(server.leaflets().len(), 1);
    let r = server
        .get("/packages/..%2F_sources/carpal-tunnel.txt")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = server.get("/leaflets/..%2F..%2Fetc").send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[test]
fn off_loopback_a_token_is_needed_to_start_and_for_every_request() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let refused = Command::new(assert_cmd::cargo::cargo_bin("audio-leaflet"))
        .args(["serve", "--listen", "0.0.0.0:0", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("needs a token") && err.contains("--token-file"),
        "{err}"
    );

    let token_file = tmp.path().join("token");
    std::fs::write(&token_file, "team-secret-0123456789\n").unwrap();
    let mut server = start(
        &out,
        &[
            "--listen",
            "0.0.0.0:0",
            "--token-file",
            token_file.to_str().unwrap(),
        ],
    );
    server.token = None;
    let r = server.get("/api/leaflets").send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().unwrap().contains("a token is needed"));
    let r = server
        .get("/api/leaflets")
        .bearer_auth("team-secret-WRONG00000")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().unwrap().contains("the token is wrong"));
    let form = multipart::Form::new().part(
        "files",
        multipart::Part::bytes(example()).file_name("x.txt"),
    );
    let r = server.post("/api/leaflets").multipart(form).send().unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "no upload without the token"
    );
    // A browser is sent to sign in, and the right token lets it in.
    let r = server
        .get("/")
        .header("Accept", "text/html")
        .send()
        .unwrap();
    assert!(r.url().path() == "/login" || r.status() == StatusCode::OK);
    assert!(r.text().unwrap().contains("Team token"));
    let no_redirects = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirects
        .post(format!("{}/login", server.url))
        .form(&[("token", "team-secret-0123456789")])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("team-secret-0123456789") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let r = no_redirects
        .post(format!("{}/login", server.url))
        .form(&[("token", "team-secret-WRONG00000")])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = server
        .get("/api/leaflets")
        .bearer_auth("team-secret-0123456789")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!out.join("_sources").exists(), "nothing was uploaded");

    // Another site's page cannot post to it, even with the cookie.
    let r = server
        .post("/build-all")
        .bearer_auth("team-secret-0123456789")
        .header("Origin", "http://evil.example")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[test]
fn two_builds_at_once_are_queued_and_both_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let server = start(&tmp.path().join("out"), &[]);
    let a = server.upload_for_fake_voice("first.md", long_leaflet("First leaflet", 6), "");
    let b = server.upload_for_fake_voice("second.md", long_leaflet("Second leaflet", 6), "");
    let first = server.build(&a);
    let second = server.build(&b);
    assert_eq!(first["ahead"], 0);
    assert_eq!(
        second["ahead"], 1,
        "the second waits for the first: {second}"
    );
    // Asking again for a queued leaflet does not queue it twice.
    server.build(&b);
    for id in [&a, &b] {
        let l = server.wait_for(id, &["built", "failed"], Duration::from_secs(120));
        assert_eq!(l["status"], "built", "{l}");
        let slug = l["package"].as_str().unwrap();
        let check = crate::util::bin()
            .arg("check")
            .arg(server.out.join(slug))
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
    // The package's files are served, the zip as a download.
    let slug = server.leaflet(&a)["package"].as_str().unwrap().to_string();
    let zip = server
        .get(&format!("/packages/{slug}/leaflet.zip"))
        .send()
        .unwrap();
    assert_eq!(zip.status(), StatusCode::OK);
    assert!(
        zip.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(&zip.bytes().unwrap()[..2], b"PK");
    let part = server
        .get(&format!("/packages/{slug}/01-first-leaflet.mp3"))
        .header("Range", "bytes=0-9")
        .send()
        .unwrap();
    assert_eq!(
        part.status(),
        StatusCode::PARTIAL_CONTENT,
        "the player can seek"
    );
}

#[test]
fn a_cancelled_build_keeps_the_earlier_package() {
    let tmp = tempfile::tempdir().unwrap();
    let server = start(&tmp.path().join("out"), &[]);
    let id = server.upload_for_fake_voice("long.md", long_leaflet("A long leaflet", 40), "");
    server.build(&id);
    let built = server.wait_for(&id, &["built", "failed"], Duration::from_secs(300));
    assert_eq!(built["status"], "built", "{built}");
    let manifest = server
        .out
        .join(built["package"].as_str().unwrap())
        .join("manifest.json");
    let before = std::fs::read(&manifest).unwrap();

    // A new speed: every chapter is narrated again; cancel part way.
    server.set_voice(&id, "fake", "200");
    assert_eq!(server.leaflet(&id)["status"], "out-of-date");
    server.build(&id);
    wait_for_chapters(&server, &id, 1);
    let r = server
        .post(&format!("/api/leaflets/{id}/cancel"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let l = server.wait_for(&id, &["cancelled", "built"], Duration::from_secs(120));
    assert_eq!(l["status"], "cancelled", "{l}");
    assert_eq!(
        std::fs::read(&manifest).unwrap(),
        before,
        "the earlier package is untouched"
    );
    assert_eq!(l["package"], built["package"], "and still offered");
    // Nothing to cancel now.
    let r = server
        .post(&format!("/api/leaflets/{id}/cancel"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().unwrap().contains("is not being built"));
}

/// Wait until the running build of `id` has done `n` chapters.
fn wait_for_chapters(server: &Server, id: &str, n: u64) {
    let started = Instant::now();
    loop {
        let l = server.leaflet(id);
        if l["place"]["done"].as_u64().unwrap_or(0) >= n {
            return;
        }
        assert!(
            l["status"] != "built",
            "the build finished before it could be stopped: {l}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no chapter done: {l}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_server_killed_mid_build_loses_nothing_and_says_so_after_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut server = start(&out, &[]);
    let id = server.upload_for_fake_voice("long.md", long_leaflet("Killed leaflet", 40), "");
    server.build(&id);
    let built = server.wait_for(&id, &["built", "failed"], Duration::from_secs(300));
    let slug = built["package"].as_str().unwrap().to_string();
    let package_files = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        files_under(dir)
            .into_iter()
            .map(|p| {
                let b = std::fs::read(&p).unwrap();
                (p, b)
            })
            .collect()
    };
    let before = package_files(&out.join(&slug));

    server.set_voice(&id, "fake", "200");
    server.build(&id);
    wait_for_chapters(&server, &id, 1);
    // SIGKILL: no chance to clean up.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    drop(server);

    let server = start(&out, &[]);
    let l = server.leaflet(&id);
    assert_eq!(l["status"], "interrupted", "{l}");
    assert!(
        l["status_text"]
            .as_str()
            .unwrap()
            .contains("server stopped"),
        "{l}"
    );
    assert_eq!(
        package_files(&out.join(&slug)),
        before,
        "the earlier package is whole"
    );
    let check = crate::util::bin()
        .arg("check")
        .arg(out.join(&slug))
        .output()
        .unwrap();
    assert!(check.status.success());
    // And it builds again.
    server.build(&id);
    let l = server.wait_for(&id, &["built", "failed"], Duration::from_secs(300));
    assert_eq!(l["status"], "built", "{l}");
}

#[test]
fn a_leaflet_that_cannot_be_read_shows_the_command_lines_error_and_the_server_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let server = start(&tmp.path().join("out"), &[]);
    let (status, saved) = server.upload("broken.pdf", b"%PDF-1.4\n1 0 obj garbage".to_vec());
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    let id = saved["saved"][0]["id"].as_str().unwrap();
    let page = server
        .get(&format!("/leaflets/{id}"))
        .header("Accept", "text/html")
        .send()
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().unwrap();
    let cli = crate::util::bin()
        .arg("chapters")
        .arg(server.out.join(format!("_sources/{id}.pdf")))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&cli.stderr);
    let message = said.trim().trim_start_matches("error: ");
    let page = scraper::Html::parse_document(&page);
    let shown: Vec<String> = page
        .select(&scraper::Selector::parse("p.error").unwrap())
        .map(|p| p.text().collect())
        .collect();
    assert_eq!(
        shown,
        [message],
        "the page shows the command line's message"
    );
    server.build(id);
    let l = server.wait_for(id, &["failed", "built"], Duration::from_secs(60));
    assert_eq!(l["status"], "failed");
    assert!(l["error"].as_str().unwrap().contains(id), "{l}");
    let r = server
        .get("/")
        .header("Accept", "text/html")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the server goes on");
}

#[test]
fn outline_corrections_and_a_lexicon_fix_are_saved_where_the_command_line_finds_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let server = start(&out, &[]);
    let (_, saved) = server.upload("carpal-tunnel.txt", example());
    let id = saved["saved"][0]["id"].as_str().unwrap().to_string();
    let detail: Value = server
        .get(&format!("/api/leaflets/{id}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let chapters = detail["outline"]["chapters"].as_array().unwrap().len();
    assert!(chapters >= 3, "{detail}");
    let r = server
        .post(&format!("/leaflets/{id}/outline"))
        .form(&[("title-1", "What it is, in short"), ("merge-2", "on")])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().unwrap());
    let corrected = out.join(format!("_sources/{id}.corrected.md"));
    let markdown = std::fs::read_to_string(&corrected).unwrap();
    assert!(markdown.contains("## What it is, in short"), "{markdown}");
    let read = audio_leaflet::leaflet::read(&corrected, None).unwrap();
    assert_eq!(read.leaflet.chapters.len(), chapters - 1);
    assert_eq!(read.leaflet.chapters[1].title, "What it is, in short");

    let r = server
        .post(&format!("/leaflets/{id}/words"))
        .form(&[("word", "Carpal"), ("say", "car pull")])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().unwrap());
    let lexicon = std::fs::read_to_string(out.join("lexicon.toml")).unwrap();
    assert!(lexicon.contains("carpal = \"car pull\""), "{lexicon}");
    // The command line's build on the same folder reads the team lexicon.
    let built = crate::util::bin()
        .args(["build", "--quiet", "--voice", "fake", "--out"])
        .arg(&out)
        .arg(&corrected)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let manifests: Vec<PathBuf> = files_under(&out)
        .into_iter()
        .filter(|p| p.ends_with("manifest.json"))
        .collect();
    assert_eq!(manifests.len(), 1);
    let manifest = std::fs::read_to_string(&manifests[0]).unwrap();
    assert!(manifest.contains("car pull"), "the fix is said");
    let r = server
        .post(&format!("/leaflets/{id}/words"))
        .form(&[("word", "two words"), ("say", "x")])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let r = server
        .get(&format!("/leaflets/{id}/preview?word=carpal&say=kar+pal"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["x-spoken"]
            .to_str()
            .unwrap()
            .contains("kar pal")
    );
    assert_eq!(&r.bytes().unwrap()[..4], b"RIFF");
}

#[test]
fn ctrl_c_stops_the_server_at_once_even_with_a_page_following_the_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let mut server = start(&tmp.path().join("out"), &[]);
    let id = server.upload_for_fake_voice("long.md", long_leaflet("Stopped leaflet", 40), "");
    // A page following the build events keeps its connection open.
    let events = server.get("/events").send().unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    server.build(&id);
    wait_for_chapters(&server, &id, 1);
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    drop(events);
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(server.out.join(format!("_sources/{id}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(record["last_build"]["state"], "cancelled", "{record}");
}

#[test]
fn a_renamed_chapter_is_all_a_rebuild_narrates_again() {
    let tmp = tempfile::tempdir().unwrap();
    let server = start(&tmp.path().join("out"), &[]);
    let id = server.upload_for_fake_voice("six.md", long_leaflet("Six parts", 6), "");
    let keys = |l: &Value| -> Vec<String> {
        let dir = server.out.join(l["package"].as_str().unwrap());
        let m: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap())
                .unwrap();
        m["chapters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["audio_key"].as_str().unwrap().to_string())
            .collect()
    };
    server.build(&id);
    let before = keys(&server.wait_for(&id, &["built"], Duration::from_secs(120)));
    let r = server
        .post(&format!("/leaflets/{id}/outline"))
        .form(&[("title-3", "Part three, renamed")])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(server.leaflet(&id)["status"], "out-of-date");
    server.build(&id);
    let after = keys(&server.wait_for(&id, &["built"], Duration::from_secs(120)));
    assert_eq!(before.len(), after.len());
    let changed: Vec<usize> = (0..before.len())
        .filter(|&i| before[i] != after[i])
        .collect();
    // The renamed chapter, and at most the first, whose announcement says the length.
    assert!(changed.contains(&3), "{changed:?}");
    assert!(changed.iter().all(|&i| i == 3 || i == 0), "{changed:?}");
}

/// The first event of `events` that is not about a build in progress.
fn end_of_build(events: reqwest::blocking::Response) -> Value {
    for line in BufReader::new(events).lines() {
        let line = line.expect("the event stream stays open until the build ends");
        let Some(data) = line.strip_prefix("data:") else {
            continue;
        };
        let event: Value = serde_json::from_str(data.trim()).unwrap();
        if event["state"] != "building" && event["state"] != "queued" {
            return event;
        }
    }
    panic!("the event stream ended before the build did")
}

#[test]
fn a_builds_end_is_told_when_every_leaflet_in_it_is_built_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let server = start(&tmp.path().join("out"), &[]);
    // Two speeds: one build, in two groups, the longer one second.
    let a = server.upload_for_fake_voice("first.md", long_leaflet("First leaflet", 6), "");
    let b = server.upload_for_fake_voice("second.md", long_leaflet("Second leaflet", 20), "200");
    let events = server.get("/events").send().unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    let r = server.post("/api/build-all").send().unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let end = end_of_build(events);
    assert_eq!(end["state"], "built", "{end}");
    // A page that asks on hearing the end is told what the end said.
    for id in [&a, &b] {
        let l = server.leaflet(id);
        assert_eq!(
            l["status"], "built",
            "{id} when the build's end was told: {l}"
        );
    }
}
