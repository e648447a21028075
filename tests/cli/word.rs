//! Word (.docx) and OpenDocument (.odt) leaflets: headings and levels from
//! styles, furniture dropped with its reason, no body sentence lost, and
//! hostile or broken files refused with a clear error and nothing written.

use std::io::Write;
use std::path::Path;

use serde_json::Value;
use zip::write::SimpleFileOptions;

use crate::util::{build_refused as refused, fixture};

const WORD: &str = "docx/word-features.docx";
const WRITER_DOCX: &str = "docx/writer-features.docx";
const WRITER_ODT: &str = "docx/writer-features.odt";

fn chapters_json(path: &Path) -> Value {
    crate::util::chapters_json(path, &[])
}

fn outline(json: &Value) -> Vec<(String, u64)> {
    crate::util::outline_of(json)
}

fn dropped(json: &Value) -> Vec<(String, String)> {
    json["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["text"].as_str().unwrap().to_string(),
                d["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn script(path: &Path) -> String {
    crate::util::script_of(path)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn word_headings_come_from_styles_in_any_language() {
    let json = chapters_json(&fixture(WORD));
    assert_eq!(json["reader"], "docx");
    assert_eq!(json["language"], "en");
    // Title is level 1 and Heading N is N; the outline then makes the
    // shallowest section level 1. "Before you leave" has a German style id
    // ("berschrift1"), "Exercises" only the style name "Überschrift 2".
    let expected = [
        ("Hip replacement: going home", 1),
        ("Before you leave", 1),
        ("What to bring", 2),
        ("Exercises", 2),
        ("Useful contacts", 1),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(t, l)| (t.to_string(), *l)).collect();
    assert_eq!(outline(&json), expected);
}

#[test]
fn writer_files_read_the_same_as_odt_and_as_docx() {
    let odt = chapters_json(&fixture(WRITER_ODT));
    let docx = chapters_json(&fixture(WRITER_DOCX));
    assert_eq!(odt["reader"], "odt");
    assert_eq!(docx["reader"], "docx");
    let expected: Vec<(String, u64)> = [
        ("Knee replacement exercises", 1),
        ("Every morning", 1),
        ("What you need", 2),
        ("Contacts", 1),
    ]
    .iter()
    .map(|(t, l)| (t.to_string(), *l))
    .collect();
    assert_eq!(outline(&odt), expected);
    assert_eq!(odt["chapters"], docx["chapters"]);
    assert_eq!(odt["dropped"], docx["dropped"]);
    assert_eq!(odt["language"], "en");
}

#[test]
fn furniture_is_dropped_with_its_reason() {
    let word = chapters_json(&fixture(WORD));
    assert_eq!(
        dropped(&word),
        pairs(&[
            ("Example Hospitals NHS Foundation Trust", "page header"),
            ("Bring your old appointment card.", "tracked deletion"),
            ("Check the length of stay with the ward manager.", "comment"),
            ("Figures from the hospital audit of 2023.", "footnote"),
            ("Page 1 of 2. Leaflet 123, review due 2026", "page footer"),
        ])
    );
    let odt = chapters_json(&fixture(WRITER_ODT));
    assert_eq!(
        dropped(&odt),
        pairs(&[
            ("Example Hospitals NHS Foundation Trust", "page header"),
            ("Bring your old appointment card.", "tracked deletion"),
            ("Ask the physio team to confirm this advice.", "comment"),
            ("Advice from the 2023 physiotherapy guidance.", "footnote"),
            ("Page 1 of 1. Leaflet 456, review due 2026", "page footer"),
        ])
    );
}

#[test]
fn lists_tables_links_and_text_boxes_are_read_once() {
    let text = script(&fixture(WORD));
    for line in [
        "1. Lie on your back.",
        "2. Bend your knee slowly.",
        "\nHold for five seconds.",
        "3. Straighten your leg again.",
        "\nYour walking frame.",
        "Read more on our website.",
        "Please arrive early. Bring a list of your medicines.",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    // A table row is one paragraph; a text box in mc:AlternateContent is
    // read from one branch only; a field keeps its result, not its code.
    assert!(text.contains("\nWho, Telephone\n"), "{text}");
    assert_eq!(text.matches("if your wound bleeds").count(), 1, "{text}");
    assert!(!text.contains("HYPERLINK"), "{text}");
    assert!(text.contains("has videos of every exercise"), "{text}");
    // Smart quotes kept in the text, the soft hyphen gone, a tab and a line
    // break read as spaces.
    let leaflet = audio_leaflet::leaflet::read(&fixture(WORD), None)
        .unwrap()
        .leaflet;
    assert_eq!(
        leaflet.chapters[1].blocks[0].text(),
        "You will see the physiotherapist every day. Ask them about \u{201c}the stairs\u{201d}. They will show you how."
    );
    let odt = script(&fixture(WRITER_ODT));
    assert!(odt.contains("1. Sit on the edge of your bed."), "{odt}");
    assert!(odt.contains("3. Repeat ten times."), "{odt}");
    assert!(odt.contains("\nA firm chair.\n"), "{odt}");
    assert_eq!(odt.matches("if your knee swells").count(), 1, "{odt}");
}

/// Every sentence of the fixture, as its author typed it, is spoken or
/// listed as dropped (numbers are spoken digit by digit, so the script is
/// compared with them taken out).
#[test]
fn no_sentence_of_the_body_is_lost() {
    let cases: [(&str, &[&str]); 3] = [
        (
            WORD,
            &[
                "This leaflet explains how to look after your new hip at home.",
                "You will see the physiotherapist every day.",
                "They will show you how.",
                "Your walking frame.",
                "Loose, comfortable clothes.",
                "Lie on your back.",
                "Bend your knee slowly.",
                "Hold for five seconds.",
                "Straighten your leg again.",
                "Please arrive early.",
                "Bring a list of your medicines.",
                "Bring your old appointment card.",
                "Most people stay in hospital for one to three days.",
                "Some go home on the same day.",
                "Check the length of stay with the ward manager.",
                "Figures from the hospital audit of",
                "Physiotherapy",
                "Read more on our website.",
                "Call the ward on",
                "if your wound bleeds.",
                "has videos of every exercise.",
                "Example Hospitals NHS Foundation Trust",
            ],
        ),
        (
            WRITER_ODT,
            &[
                "These exercises help you walk again after your operation.",
                "Sit on the edge of your bed.",
                "Straighten your knee.",
                "Keep your heel on the floor.",
                "Repeat ten times.",
                "A firm chair.",
                "A towel.",
                "Please arrive early.",
                "Bring your walking stick.",
                "Bring your old appointment card.",
                "Stop if the pain gets worse.",
                "Ask the physio team to confirm this advice.",
                "Rest and try again later.",
                "Advice from the",
                "Read more on our website.",
                "if your knee swells.",
                "Example Hospitals NHS Foundation Trust",
            ],
        ),
        (WRITER_DOCX, &["Keep your heel on the floor.", "A towel."]),
    ];
    for (file, sentences) in cases {
        let path = fixture(file);
        let spoken = script(&path);
        let json = chapters_json(&path);
        let listed: String = dropped(&json).into_iter().map(|(t, _)| t + "\n").collect();
        for s in sentences {
            assert!(
                spoken.contains(s) || listed.contains(s),
                "{file}: {s:?} is neither spoken nor listed as dropped"
            );
        }
    }
}

#[test]
fn a_word_file_builds_into_a_package() {
    let out = tempfile::tempdir().unwrap();
    let dir = crate::util::build_package(&fixture(WORD), out.path(), &[]);
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("Useful contacts"), "{manifest}");
}

// Hostile and broken files.

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, options).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

const DOC_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#;

fn word_of(body: &str) -> Vec<u8> {
    let xml = format!("{DOC_START}{body}</w:body></w:document>");
    zip_of(&[("word/document.xml", xml.as_bytes())])
}

#[test]
fn a_zip_bomb_is_refused_without_unpacking_it() {
    // 60 MB of one letter compresses to some tens of kilobytes.
    let para = format!(
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p>",
        "a".repeat(60_000_000)
    );
    refused(
        "bomb.docx",
        &word_of(&para),
        &[],
        "word/document.xml unpacks to more than 50 MB",
    );
}

#[test]
fn broken_xml_is_named_with_its_line() {
    let xml = format!("{DOC_START}\n<w:p><w:r><w:t>Hello</w:t></w:p>\n</w:body></w:document>");
    refused(
        "broken.docx",
        &zip_of(&[("word/document.xml", xml.as_bytes())]),
        &[],
        "is a damaged Word file: word/document.xml is not well-formed XML (line 2)",
    );
    refused(
        "broken.odt",
        &zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            (
                "content.xml",
                b"<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\">\n<a/>\n<a></b></office:document-content>",
            ),
        ]),
        &[],
        "is a damaged OpenDocument file: content.xml is not well-formed XML (line 3)",
    );
}

#[test]
fn deep_nesting_and_too_many_entries_are_refused() {
    let deep = format!(
        "{}<w:p><w:r><w:t>Deep</w:t></w:r></w:p>{}",
        "<w:sdt><w:sdtContent>".repeat(500),
        "</w:sdtContent></w:sdt>".repeat(500)
    );
    refused(
        "deep.docx",
        &word_of(&deep),
        &[],
        "nests elements more than 200 deep",
    );
    let names: Vec<String> = (0..6000).map(|i| format!("media/{i}.bin")).collect();
    let mut entries: Vec<(&str, &[u8])> = vec![(
        "word/document.xml",
        b"<w:document xmlns:w=\"x\"><w:body/></w:document>",
    )];
    entries.extend(names.iter().map(|n| (n.as_str(), &b""[..])));
    refused(
        "many.docx",
        &zip_of(&entries),
        &[],
        "holds 6001 files inside, more than the 5000 allowed",
    );
}

#[test]
fn a_zip_without_a_document_given_as_docx_is_refused_clearly() {
    let bytes = zip_of(&[("word/styles.xml", b"<w:styles/>")]);
    refused(
        "empty.docx",
        &bytes,
        &["--input-format", "docx"],
        "has no word/document.xml inside",
    );
    refused(
        "empty.odt",
        &bytes,
        &["--input-format", "odt"],
        "has no content.xml inside",
    );
}

#[test]
fn an_encrypted_office_file_is_refused_with_a_sensible_message() {
    // Encrypted Word files are OLE compound files, not zips.
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(4096, 0);
    refused(
        "locked.docx",
        &ole,
        &["--input-format", "docx"],
        "password-protected",
    );
    // Sniffed without --input-format, the text decoder names it.
    refused("locked2.docx", &ole, &[], "Office file");
}

#[test]
fn a_heading_only_document_and_a_plain_word_file_read() {
    // No styles part at all: outline levels on the paragraphs still make
    // headings, and a table row of one cell keeps its own paragraphs.
    let body = r#"<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Gout</w:t></w:r></w:p>
<w:p><w:r><w:t>Gout is a kind of arthritis.</w:t></w:r></w:p>
<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>Treatment</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Drink plenty of water.</w:t></w:r></w:p><w:p><w:r><w:t>Rest the joint.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gout.docx");
    std::fs::write(&path, word_of(body)).unwrap();
    let leaflet = audio_leaflet::leaflet::read(&path, None).unwrap().leaflet;
    let titles: Vec<(&str, u8)> = leaflet
        .chapters
        .iter()
        .map(|c| (c.title.as_str(), c.level))
        .collect();
    assert_eq!(titles, [("Gout", 1), ("Treatment", 1)]);
    let blocks: Vec<&str> = leaflet.chapters[1]
        .blocks
        .iter()
        .map(|b| b.text())
        .collect();
    assert_eq!(blocks, ["Drink plenty of water.", "Rest the joint."]);
}
