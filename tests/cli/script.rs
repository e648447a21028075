//! The spoken script: what the voice is given, as staff see it.

use std::path::Path;

use crate::util::{FAKE_VOICE, bin, fixture, repo, shared_leaflet, shared_leaflets, written};

fn script(path: &Path, extra: &[&str]) -> String {
    let out = bin().arg("script").arg(path).args(extra).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// No raw address, bullet glyph or long digit run is left in the scripts.
fn nothing_raw_is_spoken(inputs: &[std::path::PathBuf]) {
    for path in inputs {
        let text = script(path, &[]);
        for raw in ["@", "http", "www.", "mailto", "•", "\u{f0b7}", "▪", "➢"] {
            assert!(!text.contains(raw), "{}: {raw} is spoken", path.display());
        }
        let five_digits = text
            .as_bytes()
            .windows(5)
            .any(|w| w.iter().all(u8::is_ascii_digit));
        assert!(!five_digits, "{}: a run of five digits", path.display());
    }
}

#[test]
fn no_leaflet_script_has_raw_addresses_glyphs_or_long_digit_runs() {
    nothing_raw_is_spoken(&[repo("examples/carpal-tunnel.txt")]);
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn no_shared_leaflet_script_has_raw_addresses_glyphs_or_long_digit_runs() {
    nothing_raw_is_spoken(&shared_leaflets());
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn the_first_chapter_announces_and_the_last_closes() {
    let text = script(&shared_leaflet("cholesterol.txt"), &[]);
    let first: Vec<&str> = text.lines().skip(1).take(3).collect();
    assert_eq!(first[0], "Cholesterol and Dietary Changes");
    assert_eq!(
        first[1],
        "An audio version of a leaflet from The Leeds Teaching Hospitals N H S Trust. It has 10 sections, and lasts [listening time]."
    );
    assert!(first[2].contains("next and previous"));
    assert_eq!(
        text.trim_end().lines().last(),
        Some("This is the end of the leaflet: Cholesterol and Dietary Changes.")
    );
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn each_chapter_opens_with_its_title() {
    let text = script(&shared_leaflet("osseointegration.txt"), &[]);
    for block in text.split("## Chapter ").skip(1) {
        let mut lines = block.lines();
        let header = lines.next().unwrap();
        let title = header.split_once(": ").unwrap().1;
        let spoken = lines.next().unwrap();
        assert_eq!(
            spoken.replace("N H S", "NHS").replace("for example", "eg"),
            title
        );
    }
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn a_staff_lexicon_changes_what_is_said_and_a_bad_one_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("ours.toml");
    std::fs::write(&lex, "[say]\nreconstruction = \"re construction\"\n").unwrap();
    let text = script(
        &shared_leaflet("osseointegration.txt"),
        &["--lexicon", lex.to_str().unwrap()],
    );
    assert!(text.contains("Osseointegration for re construction"));

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[say]\nok = \"fine\"\n[phones]\nodd = \"q x1 z\"\n").unwrap();
    let out = bin()
        .arg("script")
        .arg(shared_leaflet("osseointegration.txt"))
        .args(["--lexicon", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.toml`, line 4, column 1") && err.contains("`odd`"),
        "{err}"
    );

    std::fs::write(&bad, "[say]\nok = \n").unwrap();
    let out = bin()
        .arg("build")
        .arg(repo("examples/carpal-tunnel.txt"))
        .args(["--lexicon", bad.to_str().unwrap(), "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("line 2, column"), "{err}");
    assert!(!dir.path().join("out").exists(), "rejected before any work");
}

#[test]
fn pauses_are_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let build = |pauses: &str, out: &str| {
        let o = bin()
            .arg("build")
            .arg(fixture("pdf-bullet-glyphs-and-numbered-lists.txt"))
            .args(["--quiet", "--pauses", pauses, "--out"])
            .arg(dir.path().join(out))
            .args(FAKE_VOICE)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let m: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(
                dir.path()
                    .join(out)
                    .join("living-with-a-stoma/manifest.json"),
            )
            .unwrap(),
        )
        .unwrap();
        m["chapters"][1]["duration_s"].as_f64().unwrap()
    };
    let short = build("item=100", "short");
    let long = build("item=1100", "long");
    // Chapter 2 ends with nine list items: the pauses after the first eight
    // add a second each (the last is replaced by the chapter's fixed tail,
    // which runs on to the end of an MP3 frame: up to 24 ms either way).
    assert!((long - short - 8.0).abs() < 0.08, "{short} {long}");
    let out = bin()
        .args(["script", "--pauses", "items=5"])
        .arg(fixture("pdf-bullet-glyphs-and-numbered-lists.txt"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown pause `items`"));
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn check_lists_words_to_add_to_a_lexicon() {
    let text = script(&shared_leaflet("osseointegration.txt"), &["--check"]);
    assert!(text.contains("Chapter 12: How can I find out"));
    assert!(text.contains("letters and digits mixed: 2QG, NW3"));
    let json = script(
        &shared_leaflet("osseointegration.txt"),
        &["--check", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ch12 = &v["chapters"][11];
    assert_eq!(ch12["index"], 12);
    assert!(
        ch12["unknown"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "relimb")
    );
    assert!(ch12["mixed"].as_array().unwrap().iter().any(|w| w == "NW3"));
    let unknown: Vec<&serde_json::Value> = v["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["unknown"].as_array().unwrap())
        .collect();
    assert!(
        !unknown
            .iter()
            .any(|w| *w == "osseointegrated" || *w == "transfemoral"),
        "the built-in lexicon covers these: {unknown:?}"
    );
}

#[test]
fn numbers_and_addresses_wrapped_over_a_line_break_are_read_whole() {
    let (_dir, path) = written(
        "wrapped.txt",
        "Contact us\n\nIf you are worried, please call the ward on 020 3758\n2398 or read www.example-trust.nhs.uk/hand-\nsurgery/advice for more help and advice.\n",
    );
    let text = script(&path, &[]);
    assert!(text.contains("0 2 0, 3 7 5 8, 2 3 9 8"), "{text}");
    assert!(
        text.contains("w w w dot example hyphen trust dot n h s dot u k slash hand hyphen surgery slash advice"),
        "{text}"
    );
}

#[test]
fn the_readme_lexicon_example_is_a_valid_lexicon() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let section = readme.split("### Pronunciation lexicon").nth(1).unwrap();
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("example.toml");
    std::fs::write(&path, example).unwrap();
    let text = script(
        &fixture("pdf-key-value-block.txt"),
        &["--lexicon", path.to_str().unwrap()],
    );
    assert!(text.contains("Epilepsy clinic"));
    let lex = audio_leaflet::script::Lexicon::with_user_file(Some(&path)).unwrap();
    assert_eq!(lex.apply("take q4h, bd"), "take every 4 hours, twice a day");
}
