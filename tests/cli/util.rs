//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn bin() -> Command {
    Command::cargo_bin("audio-leaflet").expect("the binary is built")
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
    let output = bin()
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
    PathBuf::from(report["leaflets"][0]["output"].as_str().unwrap())
}

/// A package's manifest.
pub fn manifest(dir: &Path) -> audio_leaflet::package::Manifest {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}
