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
/// (`AUDIO_LEAFLET_TEST_VOICES`, else `target/voices`). `None` (with a line
/// saying the test was skipped) when they are not installed, unless
/// `AUDIO_LEAFLET_REQUIRE_VOICES=1` says they must be, as in CI.
pub fn natural_voices(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("AUDIO_LEAFLET_TEST_VOICES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo("target/voices"));
    if dir.join("hibari/installed.json").exists() && dir.join("kokoro/installed.json").exists() {
        return Some(dir);
    }
    if std::env::var("AUDIO_LEAFLET_REQUIRE_VOICES").as_deref() == Ok("1") {
        panic!(
            "{test}: the natural voices are not installed in {}: run `audio-leaflet voices install --voices-dir {}`",
            dir.display(),
            dir.display()
        );
    }
    eprintln!(
        "{test}: skipped, the natural voices are not installed in {}",
        dir.display()
    );
    None
}

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub fn fixture(name: &str) -> PathBuf {
    repo("tests/fixtures").join(name)
}

/// A leaflet from `../shared/leaflets`, the real leaflets beside the project.
pub fn shared_leaflet(name: &str) -> PathBuf {
    repo("../shared/leaflets").join(name)
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

/// Build one leaflet into `out` and return its package folder; the test
/// fails with the build's own message if the build does. Dates are pinned
/// so that builds compare byte for byte.
pub fn build_package(input: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    build_with_voices(input, out, extra, Path::new(NO_VOICES)).0
}

/// The same with the natural voices in `voices`; also returns the report.
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
