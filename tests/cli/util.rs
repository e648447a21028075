//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The program, with no natural voices: the tests of the built-in voice
/// must not change when the natural voices are installed on the machine.
/// The natural-voice tests point `AUDIO_LEAFLET_VOICES` at them instead.
pub fn bin() -> Command {
    let mut cmd = Command::cargo_bin("audio-leaflet").expect("the binary is built");
    cmd.env("AUDIO_LEAFLET_VOICES", NO_VOICES);
    cmd
}

pub const NO_VOICES: &str = "/nonexistent/audio-leaflet-voices";

/// The installed natural voices, as `scripts/test.sh` installs them
/// (`AUDIO_LEAFLET_TEST_VOICES`, else `target/voices`). The tests that use
/// them are `#[ignore]`d, so this is only reached when they are asked for:
/// then a missing install is a failure, never a quiet pass.
pub fn natural_voices() -> PathBuf {
    let dir = std::env::var_os("AUDIO_LEAFLET_TEST_VOICES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo("target/voices"));
    assert!(
        dir.join("hibari/installed.json").exists() && dir.join("kokoro/installed.json").exists(),
        "the natural voices are not installed in {}: run `audio-leaflet voices install --voices-dir {}`",
        dir.display(),
        dir.display()
    );
    dir
}

/// A path in `../shared`, the reference files kept beside the project (not
/// in a fresh clone, so the tests that read them are `#[ignore]`d): a clear
/// failure when the folder is missing rather than a bare "file not found".
fn shared(rel: &str) -> PathBuf {
    let dir = repo("../shared");
    assert!(
        dir.is_dir(),
        "{} is missing: this test needs the shared reference files beside the project",
        dir.display()
    );
    dir.join(rel)
}

/// The arguments that pick the test voice: the deterministic tone voice
/// (`synth::fake`), fast and the same on every machine, so that tests about
/// packaging neither wait for speech nor change when a real voice does.
pub const FAKE_VOICE: [&str; 2] = ["--voice", "fake"];

/// `extra` with `--voice fake` in front, unless it names a voice itself.
pub fn with_fake_voice<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = Vec::new();
    if !extra
        .iter()
        .any(|a| *a == "--voice" || a.starts_with("--voice="))
    {
        args.extend(FAKE_VOICE);
    }
    args.extend_from_slice(extra);
    args
}

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub fn fixture(name: &str) -> PathBuf {
    repo("tests/fixtures").join(name)
}

/// A leaflet from `../shared/leaflets`, the real leaflets beside the project.
pub fn shared_leaflet(name: &str) -> PathBuf {
    shared("leaflets").join(name)
}

/// Every `.txt` leaflet in `../shared/leaflets`, sorted.
pub fn shared_leaflets() -> Vec<PathBuf> {
    let mut all: Vec<_> = std::fs::read_dir(shared("leaflets"))
        .expect("../shared/leaflets is beside the project")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    all.sort();
    assert!(all.len() >= 4, "the shared leaflets are missing");
    all
}

/// A file of the DAISY Consortium's schemas in `../shared/daisy202`.
pub fn shared_schema(rel: &str) -> PathBuf {
    shared("daisy202").join(rel)
}

pub fn titles(path: &Path) -> Vec<String> {
    let source = audio_leaflet::leaflet::read(path, None).expect("the leaflet reads");
    source
        .leaflet
        .chapters
        .into_iter()
        .map(|c| c.title)
        .collect()
}

/// A leaflet file of this name and text in a new temporary folder, which
/// lasts as long as the returned guard.
pub fn written(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Build one leaflet into `out` and return its package folder; the test
/// fails with the build's own message if the build does. Dates are pinned
/// so that builds compare byte for byte. The voice is the fake one unless
/// `extra` names another.
pub fn build_package(input: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    build_with_voices(input, out, &with_fake_voice(extra), Path::new(NO_VOICES)).0
}

/// The same with the natural voices in `voices` and the voice a build picks
/// by itself (no `--voice fake`); also returns the report.
pub fn build_with_voices(
    input: &Path,
    out: &Path,
    extra: &[&str],
    voices: &Path,
) -> (PathBuf, serde_json::Value) {
    let output = bin()
        .env("AUDIO_LEAFLET_VOICES", voices)
        .arg("build")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--report", "json"])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1772582400")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let dir = PathBuf::from(report["leaflets"][0]["output"].as_str().unwrap());
    (dir, report)
}

/// A package's manifest.
pub fn manifest(dir: &Path) -> audio_leaflet::package::Manifest {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `chapters --json` of a leaflet, with more arguments; the test fails with
/// the program's own message if it does.
pub fn chapters_json(path: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args: Vec<&std::ffi::OsStr> = vec!["chapters".as_ref(), "--json".as_ref()];
    args.push(path.as_os_str());
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    serde_json::from_str(&stdout_of(&args)).unwrap()
}

/// The program's output for `args`; the test fails with the program's own
/// message if it fails.
pub fn stdout_of<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `build` refuses the file: non-zero exit, the file named with the reason,
/// and nothing written to the output folder.
pub fn build_refused(name: &str, bytes: &[u8], extra: &[&str], says: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, bytes).unwrap();
    let out = dir.path().join("out");
    let result = bin()
        .arg("build")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(["--voice", "fake"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success(), "{name} was not refused");
    assert!(
        stderr.contains(name),
        "{name}: the error does not name the file: {stderr}"
    );
    assert!(
        stderr.contains(says),
        "{name}: expected {says:?} in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(
        written, 0,
        "{name}: something was written to the output folder"
    );
}

/// What ffprobe says of a one-file leaflet (`leaflet.mp3`, `leaflet.m4b`),
/// its chapters checked against the manifest: as many, each starting within
/// 2 ms of the manifest's start, with its title. Returns the whole answer.
pub fn probe_chapters(file: &Path, m: &audio_leaflet::package::Manifest) -> serde_json::Value {
    let probe = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_chapters",
            "-show_format",
            "-of",
            "json",
        ])
        .arg(file)
        .output()
        .expect("ffprobe runs (scripts/setup.sh installs it)");
    let probed: serde_json::Value = serde_json::from_slice(&probe.stdout).unwrap();
    let chapters = probed["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), m.chapters.len(), "{}", file.display());
    for (p, c) in chapters.iter().zip(&m.chapters) {
        let start: f64 = p["start_time"].as_str().unwrap().parse().unwrap();
        assert!(
            (start - c.start_s).abs() < 0.002,
            "{p} against {}",
            c.start_s
        );
        assert_eq!(p["tags"]["title"], c.title.as_str());
    }
    probed
}

/// The chapters of `chapters --json` output as (title, level).
pub fn outline_of(json: &serde_json::Value) -> Vec<(String, u64)> {
    json["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["title"].as_str().unwrap().to_string(),
                c["level"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// What the program says for a leaflet (`script`).
pub fn script_of(path: &Path) -> String {
    stdout_of(&["script".as_ref(), path.as_os_str()])
}

/// A read leaflet's chapters as (title, level).
pub fn leaflet_outline(l: &audio_leaflet::leaflet::Leaflet) -> Vec<(&str, u8)> {
    l.chapters
        .iter()
        .map(|c| (c.title.as_str(), c.level))
        .collect()
}

/// Every file under `dir`, at any depth, in path order.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    audio_leaflet::fsutil::files_under(dir).unwrap()
}
