//! Hostile and broken input: every input a fuzzer found a fault with is kept
//! in `tests/fixtures/fuzz/<target>/` and must pass that target's checks
//! (`fuzz/src/lib.rs`) for good; so must every leaflet fixture. The command
//! line must answer each kept input with a script or a clear error, never a
//! panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use audio_leaflet::leaflet::{Format, Kind};

use crate::checks;
use crate::util::{bin, fixture, repo};

const TARGETS: [&str; 9] = [
    "read_text",
    "read_markdown",
    "script",
    "normalize",
    "read_pdf",
    "read_docx",
    "read_odt",
    "read_html",
    "read_sniffed",
];

/// What the fuzz target `target` does with one input.
fn run_target(target: &str, data: &[u8]) {
    match target {
        "read_text" => drop(checks::read(&checks::text_of(data), Format::PdfText)),
        "read_markdown" => drop(checks::read(&checks::text_of(data), Format::Markdown)),
        "script" => {
            let (format, text) = checks::format_and_text(data);
            checks::script(&text, format);
        }
        "normalize" => drop(checks::normalize(&checks::text_of(data))),
        "read_pdf" => drop(checks::read_file(data, Some(Kind::Pdf))),
        "read_docx" => drop(checks::read_file(data, Some(Kind::Docx))),
        "read_odt" => drop(checks::read_file(data, Some(Kind::Odt))),
        "read_html" => drop(checks::read_file(data, Some(Kind::Html))),
        "read_sniffed" => drop(checks::read_file(data, None)),
        other => panic!("no fuzz target {other}"),
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Every kept input with the target it was found by.
fn kept_inputs() -> Vec<(&'static str, PathBuf)> {
    TARGETS
        .iter()
        .flat_map(|&t| {
            files_in(&fixture("fuzz").join(t))
                .into_iter()
                .map(move |p| (t, p))
        })
        .collect()
}

/// An input for a target, named for the report.
struct Case {
    target: &'static str,
    name: String,
    data: Vec<u8>,
}

/// Run every case; report each one that fails, not just the first.
fn all_pass(cases: &[Case]) {
    let failed: Vec<String> = cases
        .iter()
        .filter(|c| catch_unwind(AssertUnwindSafe(|| run_target(c.target, &c.data))).is_err())
        .map(|c| format!("{}: {}", c.target, c.name))
        .collect();
    assert!(
        failed.is_empty(),
        "failed their checks:\n{}",
        failed.join("\n")
    );
}

#[test]
fn every_kept_fuzz_input_passes_its_targets_checks() {
    let cases: Vec<Case> = kept_inputs()
        .into_iter()
        .map(|(target, path)| Case {
            target,
            name: path.display().to_string(),
            data: std::fs::read(&path).unwrap(),
        })
        .collect();
    assert!(!cases.is_empty(), "no inputs in tests/fixtures/fuzz");
    all_pass(&cases);
}

#[test]
fn every_leaflet_fixture_passes_every_targets_checks() {
    let mut files = files_in(&repo("tests/fixtures"));
    files.extend(files_in(&repo("examples")));
    assert!(files.len() >= 15, "the fixtures are found: {files:?}");
    let mut cases = Vec::new();
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let markdown = Format::from_path(&path) == Format::Markdown;
        // The script target takes its format from the first byte.
        let mut prefixed = vec![u8::from(markdown)];
        prefixed.extend(&data);
        let reader = if markdown {
            "read_markdown"
        } else {
            "read_text"
        };
        for (target, data) in [
            (reader, data.clone()),
            ("normalize", data),
            ("script", prefixed),
        ] {
            cases.push(Case {
                target,
                name: name.clone(),
                data,
            });
        }
    }
    all_pass(&cases);
}

/// Every file fixture, in `tests/fixtures` and its folders of PDF, Word and
/// web-page fixtures, passes the checks of the reader its bytes call for.
#[test]
fn every_fixture_of_every_kind_passes_the_sniffing_readers_checks() {
    let root = repo("tests/fixtures");
    let mut files = files_in(&root);
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        if entry.path().is_dir() && entry.file_name() != "fuzz" {
            files.extend(files_in(&entry.path()));
        }
    }
    let cases: Vec<Case> = files
        .iter()
        .map(|path| Case {
            target: "read_sniffed",
            name: path.display().to_string(),
            data: std::fs::read(path).unwrap(),
        })
        .collect();
    all_pass(&cases);
}

#[test]
fn the_command_line_answers_every_kept_input_without_a_panic() {
    for (_, path) in kept_inputs() {
        let out = bin().arg("script").arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && out.status.code() != Some(101),
            "{}: {stderr}",
            path.display()
        );
        if !out.status.success() {
            assert!(
                stderr.starts_with("error: "),
                "{}: {stderr}",
                path.display()
            );
        }
    }
}
