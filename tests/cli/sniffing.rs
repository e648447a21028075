//! The reader is chosen by what a file is, not by its name: Markdown saved
//! as `.txt` reads as Markdown, `--input-format` overrides, `chapters
//! --json` says which reader read it.

use std::path::Path;

use crate::util::{bin, written};

/// A web page's text saved as `.txt`: Markdown headings, as staff save them.
const PAGE: &str = "# Grommets\n\nGrommets are small tubes put in the eardrum.\n\n## Why might my child need one?\n\nGlue ear can make it hard to hear.\n\n## What happens on the day?\n\nYour child will have a general anaesthetic.\n\n### Eating and drinking\n\nDo not eat for six hours before.\n\n## Contact us\n\nCall the ward on 020 7946 0000.\n";

fn outline(path: &Path, extra: &[&str]) -> serde_json::Value {
    crate::util::chapters_json(path, extra)
}

fn titles(v: &serde_json::Value) -> Vec<String> {
    v["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn markdown_saved_as_txt_gets_every_heading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grommets.txt");
    std::fs::write(&path, PAGE).unwrap();
    let v = outline(&path, &[]);
    assert_eq!(v["reader"], "markdown");
    assert_eq!(
        titles(&v),
        [
            "Grommets",
            "Why might my child need one?",
            "What happens on the day?",
            "Eating and drinking",
            "Contact us"
        ]
    );
    let script = bin().arg("script").arg(&path).output().unwrap();
    let script = String::from_utf8(script.stdout).unwrap();
    let spoken: Vec<&str> = script
        .lines()
        .filter(|l| !l.starts_with("## Chapter "))
        .collect();
    assert!(spoken.len() > 10, "{script}");
    assert!(
        spoken.iter().all(|l| !l.contains('#')),
        "no hash is read aloud: {script}"
    );
}

#[test]
fn input_format_overrides_what_the_bytes_say() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grommets.md");
    std::fs::write(&path, PAGE).unwrap();
    let forced = outline(&path, &["--input-format", "text"]);
    assert_eq!(forced["reader"], "text");
    let bad = bin()
        .args(["chapters", "--input-format", "rtf"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        stderr.contains("choose one of pdf, docx, odt, html, markdown, text"),
        "{stderr}"
    );
}

#[test]
fn pdf_extracted_text_stays_with_the_text_reader() {
    let (_dir, path) = written(
        "leaflet.md.txt",
        "Knee care\n\nRest the knee and keep it raised for two days after the\ninjection.\n\n• Use ice for twenty minutes\n• Take your painkillers\n\nPage 1 of 2\n",
    );
    assert_eq!(outline(&path, &[])["reader"], "text");
}

#[test]
fn a_folder_gives_every_kind_of_leaflet_and_skips_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let leaflets = dir.path().join("leaflets");
    std::fs::create_dir(&leaflets).unwrap();
    std::fs::write(leaflets.join("a.txt"), PAGE).unwrap();
    std::fs::write(
        leaflets.join("b.markdown"),
        "# Gout\n\nGout is a painful swelling of a joint.\n",
    )
    .unwrap();
    std::fs::write(leaflets.join("c.xlsx"), "not a leaflet").unwrap();
    let out = dir.path().join("out");
    let o = bin()
        .arg("build")
        .arg(&leaflets)
        .args(["--voice", "fake", "--quiet", "--report", "json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let slugs: Vec<&str> = report["leaflets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["grommets", "gout"]);
}
