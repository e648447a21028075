//! Staff correct a wrong split by editing the Markdown the reader writes.

use std::path::Path;

use audio_leaflet::leaflet;
use audio_leaflet::script::{self, Options};

use crate::util::{bin, repo, shared_leaflet, shared_leaflets};

fn outline_json(path: &Path) -> serde_json::Value {
    let mut v = crate::util::chapters_json(path, &[]);
    let object = v.as_object_mut().unwrap();
    // What was dropped, and by which reader, differs; the chapters may not.
    object.remove("dropped");
    object.remove("reader");
    v
}

fn script_text(path: &Path) -> String {
    let out = bin().arg("script").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn saved_markdown(input: &Path, dir: &Path) -> std::path::PathBuf {
    let out = bin()
        .args(["chapters", "--markdown"])
        .arg(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = dir.join("leaflet.md");
    std::fs::write(&md, out.stdout).unwrap();
    md
}

/// Reading the Markdown that `chapters --markdown` saved gives what reading
/// the original gave.
fn round_trips(inputs: &[std::path::PathBuf]) {
    let dir = tempfile::tempdir().unwrap();
    for input in inputs {
        let md = saved_markdown(input, dir.path());
        assert_eq!(
            outline_json(&md),
            outline_json(input),
            "{}",
            input.display()
        );
        assert_eq!(script_text(&md), script_text(input), "{}", input.display());
        let a = leaflet::read(input, None).unwrap().leaflet;
        let b = leaflet::read(&md, None).unwrap().leaflet;
        assert_eq!(a.organisation, b.organisation);
        assert_eq!(
            script::write(&a, &Options::with_built_in_lexicon()),
            script::write(&b, &Options::with_built_in_lexicon())
        );
    }
}

#[test]
fn building_from_the_saved_markdown_gives_the_same_chapters_and_script() {
    round_trips(&[repo("examples/carpal-tunnel.txt")]);
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn building_from_the_saved_markdown_of_a_shared_leaflet_gives_the_same_chapters_and_script() {
    round_trips(&shared_leaflets());
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn editing_a_heading_line_fixes_the_split() {
    let dir = tempfile::tempdir().unwrap();
    let md = saved_markdown(&shared_leaflet("osseointegration.txt"), dir.path());
    let text = std::fs::read_to_string(&md).unwrap();
    // Merge two chapters by turning a heading into a paragraph, and make a
    // paragraph line into a new subsection heading.
    let text = text
        .replace("## Your feedback\n", "Your feedback\n")
        .replace(
            "\nAn NHS out-patient appointment",
            "\n### Appointments\n\nAn NHS out-patient appointment",
        );
    std::fs::write(&md, text).unwrap();
    let v = outline_json(&md);
    let titles: Vec<(&str, u64)> = v["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["title"].as_str().unwrap(), c["level"].as_u64().unwrap()))
        .collect();
    assert_eq!(titles.len(), 15);
    assert_eq!(titles[12], ("Appointments", 2));
    assert_eq!(titles[14], ("Alternative formats", 1));
    assert!(!titles.iter().any(|(t, _)| *t == "Your feedback"));
}
