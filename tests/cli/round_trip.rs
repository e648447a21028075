//! One model whatever the input: the Markdown that `chapters --markdown`
//! writes for a PDF, a Word or OpenDocument file or a web page reads back
//! to the same chapters (titles and levels) and the same spoken script.

use std::path::Path;

use crate::util::{chapters_json, fixture, outline_of, script_of, stdout_of};

fn outline(path: &Path) -> Vec<(String, u64)> {
    outline_of(&chapters_json(path, &[]))
}

/// The file's Markdown, written to `dir` as `.md`.
fn markdown_of(path: &Path, dir: &Path) -> std::path::PathBuf {
    let text = stdout_of(&["chapters".as_ref(), "--markdown".as_ref(), path.as_os_str()]);
    let md = dir.join(format!(
        "{}.md",
        path.file_stem().unwrap().to_string_lossy()
    ));
    std::fs::write(&md, text).unwrap();
    md
}

fn same_through_markdown(name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let original = fixture(name);
    let md = markdown_of(&original, dir.path());
    let (from_file, from_md) = (outline(&original), outline(&md));
    assert!(from_file.len() > 2, "{name}: {from_file:?}");
    assert_eq!(from_file, from_md, "{name}: chapters differ");
    let (a, b) = (script_of(&original), script_of(&md));
    assert!(a.lines().count() > 5, "{name}: {a}");
    if a != b {
        let first = a
            .lines()
            .zip(b.lines())
            .find(|(x, y)| x != y)
            .map(|(x, y)| format!("file:     {x}\nmarkdown: {y}"));
        panic!("{name}: the script differs through Markdown\n{first:?}");
    }
}

#[test]
fn a_pdf_reads_the_same_through_its_markdown() {
    same_through_markdown("pdf/knee.pdf");
    same_through_markdown("pdf/two-columns.pdf");
}

#[test]
fn word_and_opendocument_files_read_the_same_through_their_markdown() {
    same_through_markdown("docx/word-features.docx");
    same_through_markdown("docx/writer-features.docx");
    same_through_markdown("docx/writer-features.odt");
}

#[test]
fn web_pages_read_the_same_through_their_markdown() {
    same_through_markdown("html/trust-ct-scan.html");
    same_through_markdown("html/page-without-main.html");
    same_through_markdown("html/word-save-as-web-page.htm");
}
