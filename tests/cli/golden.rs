//! Golden files: every text file a build writes, the main text files inside
//! `leaflet.epub`, and the `chapters --json` and `script` output, for each leaflet in `tests/fixtures`, compared with
//! the copies kept in `tests/cli/snapshots` (insta).
//!
//! The point is review: a change to the reader, the script or a writer shows
//! up as a diff of the files a listener's player reads, fixture by fixture.
//! The builds use the fake voice, so the timings in those files come from
//! integer arithmetic and are the same on every machine, and no voice update
//! moves them. To accept a change on purpose:
//! `INSTA_UPDATE=always cargo test --test cli golden` (or `cargo insta review`),
//! then read the diff before committing it.

use std::path::{Path, PathBuf};

use crate::util::{FAKE_VOICE, bin, fixture, repo};

/// Folders of `tests/fixtures` that hold no leaflets: the fuzzers' seed inputs.
const NOT_LEAFLETS: &[&str] = &["fuzz", "docx", "pdf", "html"];

/// The files a build writes that are text, by extension.
const TEXT: &[&str] = &["json", "html", "smil", "m3u8", "vtt", "cue"];

/// The entries of `leaflet.epub` kept as goldens: the package document,
/// the navigation, and the first chapter's text and overlay.
const EPUB_ENTRIES: &[&str] = &[
    "EPUB/package.opf",
    "EPUB/nav.xhtml",
    "EPUB/chapter-01.xhtml",
    "EPUB/chapter-01.smil",
];

/// An entry of a zip file, as text.
fn zip_entry(zip: &Path, name: &str) -> String {
    let file = std::fs::File::open(zip).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut entry = archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{} has no {name}: {e}", zip.display()));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
    text
}

/// Put placeholders where machine-specific paths appear, so the snapshot is
/// the same on every machine and in every temporary folder.
fn normalise(text: &str, replacements: &[(&Path, &str)]) -> String {
    let mut text = text.to_string();
    for (path, placeholder) in replacements {
        text = text.replace(&path.display().to_string(), placeholder);
    }
    text
}

fn run(args: &[&str], input: &Path) -> String {
    let out = bin().args(args).arg(input).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} {}: {}",
        input.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The package folder a one-leaflet build made in `out`.
fn package(out: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one package in {}: {found:?}",
        out.display()
    );
    found.into_iter().next().unwrap()
}

/// Build one fixture with the fake voice and pinned dates, then compare
/// each text file of its package, and the two listings, with the goldens.
fn golden(name: &str) {
    let input = fixture(name);
    let stem = Path::new(name).file_stem().unwrap().to_string_lossy();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let build = bin()
        .arg("build")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .args(FAKE_VOICE)
        .env("SOURCE_DATE_EPOCH", "1772582400")
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let dir = package(&out);
    let paths: &[(&Path, &str)] = &[
        (&dir, "[PACKAGE]"),
        (&out, "[OUT]"),
        (&repo("tests/fixtures"), "[FIXTURES]"),
    ];

    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| TEXT.iter().any(|t| e == *t)))
        .collect();
    files.sort();
    // Each format the build writes by default is here, so a writer that
    // stops writing its file fails this test rather than losing its golden.
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "manifest.json",
        "ncc.html",
        "content.html",
        "index.html",
        "chapters.vtt",
        "leaflet.cue",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{name}: no {expected}: {names:?}"
        );
    }
    assert!(names.iter().any(|n| n.ends_with(".m3u8")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".smil")), "{names:?}");

    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    settings.set_description(format!("tests/fixtures/{name}, built with --voice fake"));
    settings.bind(|| {
        for (path, file) in files.iter().zip(&names) {
            let text = std::fs::read_to_string(path).unwrap();
            insta::assert_snapshot!(format!("{stem}__{file}"), normalise(&text, paths));
        }
        for entry in EPUB_ENTRIES {
            let text = zip_entry(&dir.join("leaflet.epub"), entry);
            let name = entry.rsplit('/').next().unwrap();
            insta::assert_snapshot!(format!("{stem}__epub__{name}"), normalise(&text, paths));
        }
        let chapters = run(&["chapters", "--json"], &input);
        insta::assert_snapshot!(
            format!("{stem}__chapters.json"),
            normalise(&chapters, paths)
        );
        let script = run(&["script"], &input);
        insta::assert_snapshot!(format!("{stem}__script.txt"), normalise(&script, paths));
    });
}

/// One test per fixture, so that each failure names its leaflet.
macro_rules! golden_tests {
    ($($test:ident: $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                golden($file);
            }
        )*

        /// Every leaflet in `tests/fixtures` has its golden test above.
        #[test]
        fn every_fixture_has_a_golden_test() {
            let listed = [$($file),*];
            let mut found: Vec<String> = std::fs::read_dir(repo("tests/fixtures"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| !NOT_LEAFLETS.contains(&n.as_str()))
                .collect();
            found.sort();
            let mut listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
            listed.sort();
            assert_eq!(found, listed, "add a line to golden_tests! for each new fixture");
        }
    };
}

golden_tests! {
    es_leaflet_two_sections: "es-leaflet-two-sections.txt",
    md_bold_line_headings: "md-bold-line-headings.md",
    md_links_images_html: "md-links-images-html.md",
    md_nested_lists: "md-nested-lists.md",
    md_setext_and_wrapped_heading: "md-setext-and-wrapped-heading.md",
    md_site_debris_nhs_style: "md-site-debris-nhs-style.md",
    natural_voice_short: "natural-voice-short.md",
    pdf_bullet_glyphs_and_numbered_lists: "pdf-bullet-glyphs-and-numbered-lists.txt",
    pdf_figure_captions: "pdf-figure-captions.txt",
    pdf_flattened_table: "pdf-flattened-table.txt",
    pdf_form_feeds_and_run_on_sentences: "pdf-form-feeds-and-run-on-sentences.txt",
    pdf_heading_shapes: "pdf-heading-shapes.txt",
    pdf_hyphenation_and_lost_spaces: "pdf-hyphenation-and-lost-spaces.txt",
    pdf_key_value_block: "pdf-key-value-block.txt",
    pdf_links_and_contacts: "pdf-links-and-contacts.txt",
    pdf_markup_emoji_and_rtl_in_headings: "pdf-markup-emoji-and-rtl-in-headings.txt",
    pdf_page_break_links_and_references: "pdf-page-break-links-and-references.txt",
    pdf_reference_numbers_and_list: "pdf-reference-numbers-and-list.txt",
    pdf_running_headers_and_footers: "pdf-running-headers-and-footers.txt",
    pdf_wrapped_question_and_short_headings: "pdf-wrapped-question-and-short-headings.txt",
    say_wrist_splint: "say-wrist-splint.txt",
}
