//! The library as a second front end would use it: builds run one after
//! another in one process, each with its own cancellation token and
//! progress observer, and the commands returning data rather than text.

use std::path::PathBuf;
use std::sync::Mutex;

use audio_leaflet::build::{self, Cancel, Observer, Request};
use audio_leaflet::{Error, commands};

use crate::util::{NO_VOICES, repo};

/// Remembers what it was told.
#[derive(Default)]
struct Log(Mutex<Vec<String>>);

impl Observer for Log {
    fn started(&self, leaflets: usize, chapters: usize) {
        self.push(format!("started {leaflets} {chapters}"));
    }
    fn chapter_done(&self, slug: &str) {
        self.push(format!("chapter {slug}"));
    }
    fn leaflet_done(&self, slug: &str) {
        self.push(format!("done {slug}"));
    }
    fn finished(&self) {
        self.push("finished".into());
    }
}

impl Log {
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

fn request(out: PathBuf) -> Request {
    Request {
        inputs: vec![repo("examples/carpal-tunnel.txt")],
        out,
        jobs: Some(2),
        voice: Some("fake".into()),
        check: true,
        voices_dir: PathBuf::from(NO_VOICES),
        ..Request::default()
    }
}

#[test]
fn builds_run_one_after_another_in_one_process() {
    let out = tempfile::tempdir().unwrap();
    let config = request(out.path().to_path_buf()).validate().unwrap();

    // A cancelled token stops the build and leaves no package behind.
    let cancelled = Cancel::new();
    cancelled.cancel();
    let err = build::run(&config, &cancelled, &build::Silent).unwrap_err();
    assert!(matches!(err, Error::Interrupted), "{err}");
    assert!(!out.path().join("carpal-tunnel-release").exists());

    // The next build, with a new token, runs to the end and reports each chapter.
    let log = Log::default();
    let report = build::run(&config, &Cancel::new(), &log).unwrap();
    assert!(report.all_ok());
    let lines = log.lines();
    assert_eq!(lines[0], "started 1 6");
    let chapters = lines.iter().filter(|l| l.starts_with("chapter ")).count();
    assert_eq!(chapters, 6, "{lines:?}");
    assert_eq!(lines.last().map(String::as_str), Some("finished"));

    // And a third finds every chapter in the cache.
    let again = build::run(&config, &Cancel::new(), &build::Silent).unwrap();
    let entry = serde_json::to_value(&again).unwrap();
    assert_eq!(entry["leaflets"][0]["reused"], 6);

    let checked = commands::check(&[out.path().to_path_buf()]).unwrap();
    assert_eq!(checked.len(), 1);
    assert!(checked[0].problems.is_empty(), "{:?}", checked[0].problems);
}

#[test]
fn a_request_is_checked_before_any_work() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("out");
    let bad = [
        Request {
            voice: Some("nobody".into()),
            ..request(target.clone())
        },
        Request {
            formats: vec!["m3u8,mp3".into()],
            ..request(target.clone())
        },
        Request {
            lang: Some("english".into()),
            ..request(target.clone())
        },
        Request {
            jobs: Some(0),
            ..request(target.clone())
        },
    ];
    for r in bad {
        assert!(r.validate().is_err(), "{r:?}");
    }
    assert!(!target.exists(), "nothing was written");
    let config = Request {
        formats: vec!["daisy, html".into()],
        ..request(target)
    }
    .validate()
    .unwrap();
    let names: Vec<&str> = config.formats.iter().map(|p| p.name()).collect();
    assert_eq!(names, ["audio", "daisy", "html", "manifest"]);
}

#[test]
fn the_commands_return_data() {
    let path = repo("examples/carpal-tunnel.txt");
    let source = commands::read(&path, None, None).unwrap();
    let outline = commands::chapters(&source);
    assert_eq!(outline.reader, "text");
    let leaflet = source.leaflet;
    assert_eq!(outline.chapters.len(), 6);
    assert_eq!(outline.chapters[0].title, "Carpal tunnel release");
    let options = build::speech_options(None, Some("item=200")).unwrap();
    let script = commands::script(&leaflet, &options, Some(2)).unwrap();
    assert_eq!(script.chapters.len(), 1);
    assert_eq!(script.chapters[0].index, 2);
    let err = commands::script(&leaflet, &options, Some(9)).unwrap_err();
    assert!(err.to_string().contains('9'), "{err}");
    let (voices, default) = commands::voices(std::path::Path::new(NO_VOICES));
    assert_eq!(default, "kal16");
    assert!(voices.voices.iter().any(|v| v.name == "kal16"));
}
