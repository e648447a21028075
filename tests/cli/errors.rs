//! Bad input: a one-line error naming the file, a non-zero exit, nothing written.

use crate::util::{FAKE_VOICE, bin, repo};

fn fails_cleanly(input: &std::path::Path, says: &str) {
    let out_dir = tempfile::tempdir().unwrap();
    let out = bin()
        .arg("build")
        .arg(input)
        .arg("--out")
        .arg(out_dir.path())
        .args(FAKE_VOICE)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(
        lines[0].contains(&format!("`{}`", input.display())),
        "{stderr}"
    );
    assert!(lines[0].contains(says), "{stderr}");
    let written: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().collect();
    assert!(written.is_empty(), "nothing is written for a bad input");
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    fails_cleanly(&dir.path().join("no-such-leaflet.txt"), "cannot read");
}

#[test]
fn an_empty_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.txt");
    std::fs::write(&path, " \n\n").unwrap();
    fails_cleanly(&path, "is empty");
}

#[test]
fn a_binary_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leaflet.bin");
    std::fs::write(&path, b"\x00\x01\x02binary\x00stream").unwrap();
    fails_cleanly(&path, "is not a text file");
}

#[test]
fn a_bad_leaflet_does_not_stop_the_good_one() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = bin()
        .arg("build")
        .arg(out_dir.path().join("missing.txt"))
        .arg(repo("examples/carpal-tunnel.txt"))
        .arg("--out")
        .arg(out_dir.path())
        .arg("--quiet")
        .args(FAKE_VOICE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out_dir
            .path()
            .join("carpal-tunnel-release/manifest.json")
            .exists()
    );
}

#[test]
fn an_unknown_voice_says_where_to_look() {
    let out = bin()
        .args(["build", "--voice", "nobody"])
        .arg(repo("examples/carpal-tunnel.txt"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("audio-leaflet voices"), "{stderr}");
}

#[test]
fn a_chapter_that_does_not_exist_is_an_error() {
    let out = bin()
        .args(["script", "--chapter", "99"])
        .arg(repo("examples/carpal-tunnel.txt"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no chapter 99"), "{stderr}");
}
