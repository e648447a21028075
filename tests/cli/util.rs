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
