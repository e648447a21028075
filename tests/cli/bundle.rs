//! `leaflet.zip`: the package in one file with a README on how to play it.

use std::io::Read;

use audio_leaflet::package::{Manifest, readme_in};

use crate::util::{bin, build_package, repo};

fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut e = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (e.name().to_string(), bytes)
        })
        .collect()
}

#[test]
fn the_zip_holds_the_package_and_says_how_to_play_it() {
    let out = tempfile::tempdir().unwrap();
    let dir = build_package(&repo("examples/carpal-tunnel.txt"), out.path(), &[]);
    let m: Manifest =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let zip = std::fs::read(dir.join("leaflet.zip")).unwrap();
    let inside = entries(&zip);
    let names: Vec<&str> = inside.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[0], "carpal-tunnel-release/README.txt");
    for c in &m.chapters {
        let name = format!("carpal-tunnel-release/{}", c.file);
        let (_, bytes) = inside
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} in {names:?}"));
        assert_eq!(
            bytes,
            &std::fs::read(dir.join(&c.file)).unwrap(),
            "{name} is the package's file"
        );
    }
    for file in ["ncc.html", "index.html", "leaflet.mp3", "playlist.m3u8"] {
        assert!(
            names.contains(&format!("carpal-tunnel-release/{file}").as_str()),
            "{file}"
        );
    }
    assert!(!names.iter().any(|n| n.ends_with("leaflet.zip")));
    let readme = readme_in(&zip).unwrap();
    for says in [
        "Carpal tunnel release",
        "6 chapters",
        "ON A PHONE OR TABLET",
        "leaflet.mp3",
        "index.html",
        "ON A DAISY PLAYER",
        "ncc.html",
    ] {
        assert!(readme.contains(says), "{says}: {readme}");
    }
    assert!(readme.is_ascii(), "plain text for any reader");
}

#[test]
fn the_zip_is_the_same_bytes_when_nothing_changed_and_check_finds_damage() {
    let out = tempfile::tempdir().unwrap();
    let input = repo("examples/carpal-tunnel.txt");
    let dir = build_package(&input, out.path(), &[]);
    let first = std::fs::read(dir.join("leaflet.zip")).unwrap();
    build_package(&input, out.path(), &[]);
    assert_eq!(std::fs::read(dir.join("leaflet.zip")).unwrap(), first);

    let mut damaged = first.clone();
    let at = damaged.len() / 2;
    damaged[at] ^= 0xFF;
    std::fs::write(dir.join("leaflet.zip"), &damaged).unwrap();
    let o = bin().arg("check").arg(&dir).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{text}");
    assert!(text.contains("leaflet.zip"), "{text}");
}

#[test]
fn formats_choose_whether_the_zip_is_written() {
    let out = tempfile::tempdir().unwrap();
    let input = repo("examples/carpal-tunnel.txt");
    let dir = build_package(&input, &out.path().join("a"), &["--formats", "html"]);
    assert!(!dir.join("leaflet.zip").exists());
    let dir = build_package(&input, &out.path().join("b"), &["--formats", "zip,daisy"]);
    let zip = std::fs::read(dir.join("leaflet.zip")).unwrap();
    let readme = readme_in(&zip).unwrap();
    assert!(readme.contains("ncc.html"), "{readme}");
    assert!(
        !readme.contains("index.html"),
        "no player, none mentioned: {readme}"
    );
}
