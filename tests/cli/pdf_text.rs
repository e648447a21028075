//! The PDF-text reader, one fixture per artifact that extractors leave.

use audio_leaflet::leaflet::{self, Block, Leaflet};

use crate::util::leaflet_outline as outline;
use crate::util::{fixture, written};

fn read(name: &str) -> Leaflet {
    leaflet::read(&fixture(name), None).unwrap().leaflet
}

/// The leaflet read from a file named `name` that holds `text`.
fn read_text(name: &str, text: &str) -> Leaflet {
    let (_dir, path) = written(name, text);
    leaflet::read(&path, None).unwrap().leaflet
}

fn texts(l: &Leaflet, chapter: usize) -> Vec<&str> {
    l.chapters[chapter].blocks.iter().map(Block::text).collect()
}

fn reasons<'a>(l: &'a Leaflet, text: &str) -> Vec<&'a str> {
    l.dropped
        .iter()
        .filter(|d| d.text == text)
        .map(|d| d.reason.as_str())
        .collect()
}

#[test]
fn sentences_and_headings_run_on_over_form_feeds() {
    let l = read("pdf-form-feeds-and-run-on-sentences.txt");
    assert_eq!(
        outline(&l),
        [
            ("Hip replacement exercises", 1),
            ("How often should I walk after the operation?", 1)
        ]
    );
    assert_eq!(
        texts(&l, 0),
        [
            "These exercises help your new hip to work well. Do them three times a day for the first six weeks, even if the hip feels stiff, because movement keeps the joint supple."
        ]
    );
}

#[test]
fn running_headers_and_footers_are_found_by_repetition() {
    let l = read("pdf-running-headers-and-footers.txt");
    assert_eq!(
        outline(&l).iter().map(|o| o.0).collect::<Vec<_>>(),
        [
            "Bowel preparation",
            "Buying the laxative",
            "The day before the test",
            "On the day"
        ]
    );
    let all: String = l
        .chapters
        .iter()
        .flat_map(|c| c.blocks.iter().map(Block::text))
        .collect();
    for furniture in ["Example Valley", "GAS-0112", "Page ", "www.example-valley"] {
        assert!(!all.contains(furniture), "{furniture} is read aloud");
    }
    assert_eq!(reasons(&l, "Page 2 of 3"), ["page header or footer"]);
    assert_eq!(reasons(&l, "www.example-valley.nhs.uk").len(), 3);
}

#[test]
fn bullet_glyphs_of_every_kind_make_list_items() {
    let l = read("pdf-bullet-glyphs-and-numbered-lists.txt");
    assert_eq!(
        outline(&l).iter().map(|o| o.0).collect::<Vec<_>>(),
        [
            "Living with a stoma",
            "What you will need",
            "Signs to look out for",
            "Changing the bag"
        ]
    );
    let items = |c: usize| -> Vec<String> {
        l.chapters[c]
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::ListItem(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(items(1).len(), 9, "one item per glyph: {:?}", items(1));
    assert_eq!(items(1)[0], "a new bag cut to size");
    assert_eq!(items(1)[8], "scissors with rounded ends");
    assert_eq!(
        items(2),
        [
            "bleeding that does not stop",
            "the stoma turning dark red or black",
            "sore skin that does not heal"
        ],
        "glyphs on lines of their own still mark the items that follow"
    );
    assert_eq!(items(3).len(), 4, "numbered steps: {:?}", items(3));
    assert!(items(3)[0].starts_with("1. Wash"));
}

#[test]
fn wrapped_question_and_title_case_headings() {
    let l = read("pdf-heading-shapes.txt");
    assert_eq!(
        outline(&l).iter().map(|o| o.0).collect::<Vec<_>>(),
        [
            "Cataract surgery",
            "Will I be awake during the operation, and will it hurt at any point while the surgeon is working on my eye?",
            "Going home",
            "Looking After Your Eye",
            "Driving and everyday activities",
        ]
    );
}

#[test]
fn wrapping_hyphens_go_real_hyphens_stay_and_lost_spaces_return() {
    let l = read("pdf-hyphenation-and-lost-spaces.txt");
    let text = texts(&l, 0).join(" ") + &texts(&l, 1).join(" ");
    for expected in [
        "evidence-based",
        "The treatment usually lasts 28 days",
        "bone-anchor",
        "Wait 1 hour",
        "12 hours",
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
}

#[test]
fn captions_are_read_as_captions_and_bare_labels_dropped() {
    let l = read("pdf-figure-captions.txt");
    assert_eq!(outline(&l).len(), 2, "a caption is not a heading");
    let captions: Vec<&str> = l.chapters[0]
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Caption(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        captions,
        [
            "Figure 1 A spacer fitted to an inhaler, with the mouthpiece at the far end",
            "(Image of a child breathing through a spacer with a mask)"
        ]
    );
    assert_eq!(
        reasons(&l, "Figure 2"),
        ["figure label with no caption text"]
    );
    assert!(
        texts(&l, 0)[0].contains("(Figure 1)"),
        "an in-text reference stays"
    );
}

#[test]
fn a_flattened_table_keeps_every_cell_in_row_order() {
    let l = read("pdf-flattened-table.txt");
    assert_eq!(outline(&l).len(), 2, "no cell becomes a heading");
    assert_eq!(
        texts(&l, 0)[1..],
        [
            "Usual ranges",
            "When you test",
            "Target",
            "Before meals: 4 to 7 mmol/L",
            "Two hours after meals: 5 to 9 mmol/L",
            "At bedtime: 6 to 8 mmol/L"
        ]
    );
}

#[test]
fn reference_numbers_and_the_reference_list_are_not_read() {
    let l = read("pdf-reference-numbers-and-list.txt");
    assert_eq!(
        outline(&l).iter().map(|o| o.0).collect::<Vec<_>>(),
        ["Vitamin D in pregnancy", "Where to buy it"]
    );
    assert_eq!(
        texts(&l, 0),
        [
            "Most women need a daily supplement of 10 micrograms during pregnancy and while breastfeeding. Low levels are common in winter and in people who cover their skin. A simple blood test can check your level."
        ]
    );
    let listed = l
        .dropped
        .iter()
        .filter(|d| d.reason.starts_with("reference list"))
        .count();
    assert_eq!(listed, 4, "the heading and its three entries");
    assert_eq!(reasons(&l, "[3]"), ["reference number"]);
}

#[test]
fn labels_and_values_on_separate_lines_are_read_together() {
    let l = read("pdf-key-value-block.txt");
    assert_eq!(outline(&l).len(), 2, "values are not headings");
    assert_eq!(
        texts(&l, 1)[1..],
        [
            "Department: Neurology",
            "Leaflet number: NEU-041",
            "Review date: 01/07/28"
        ]
    );
}

#[test]
fn a_list_of_links_stays_a_list_and_a_sentence_ending_in_an_address_ends_there() {
    let l = read("pdf-links-and-contacts.txt");
    assert_eq!(
        outline(&l),
        [
            ("Asthma in children", 1),
            ("Useful links", 1),
            ("Contact us", 1)
        ]
    );
    assert_eq!(
        texts(&l, 1),
        [
            "www.example.nhs.uk/conditions/asthma",
            "www.asthma-charity.org.uk",
            "bit.ly/inhaler-video"
        ],
        "one link a paragraph"
    );
    assert_eq!(
        texts(&l, 2),
        [
            "If you need this leaflet in another format, such as large print or audio, please telephone 0800 123 4567 or email help@example.nhs.uk",
            "For help before your visit, please visit www.example.nhs.uk/visiting",
            "Leaflet number CH-12. Review date 2027."
        ]
    );
}

#[test]
fn bom_crlf_and_windows_1252_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let body =
        "Knee care\r\n\r\nRest the knee and keep it raised for two days after the injection.\r\n";
    let utf8 = dir.path().join("bom-crlf.txt");
    std::fs::write(&utf8, format!("\u{feff}{body}")).unwrap();
    let cp1252 = dir.path().join("cp1252.txt");
    let mut bytes = b"Caf\xe9 \x93knee\x94 care\r\n\r\n".to_vec();
    bytes.extend_from_slice(
        b"Rest the knee \x96 keep it raised for two days after the injection.\r\n",
    );
    std::fs::write(&cp1252, bytes).unwrap();

    let a = crate::util::bin()
        .args(["chapters", "--json"])
        .arg(&utf8)
        .output()
        .unwrap();
    assert!(a.status.success() && a.stderr.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(v["title"], "Knee care");

    let b = crate::util::bin()
        .args(["chapters", "--json"])
        .arg(&cp1252)
        .output()
        .unwrap();
    assert!(b.status.success());
    let v: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    assert_eq!(v["title"], "Café “knee” care");
    let warning = String::from_utf8(b.stderr).unwrap();
    assert!(
        warning.contains("Windows-1252") && warning.contains("cp1252.txt"),
        "{warning}"
    );
}

#[test]
fn spanish_questions_open_with_an_inverted_mark_and_are_headings() {
    let text = "Cuidados después de la operación\n\nEste folleto explica cómo cuidar la herida en casa durante las primeras semanas.\n\n¿Cuándo puedo ducharme?\nPuede ducharse a los dos días, pero no moje el vendaje durante la primera semana.\n";
    let l = leaflet::parse(text, leaflet::Format::PdfText, "x", None);
    assert_eq!(
        outline(&l).iter().map(|o| o.0).collect::<Vec<_>>(),
        [
            "Cuidados después de la operación",
            "¿Cuándo puedo ducharme?"
        ]
    );
    assert_eq!(l.language, "es");
}

fn parse(text: &str) -> Leaflet {
    leaflet::parse(text, leaflet::Format::PdfText, "file", None)
}

#[test]
fn heading_levels_start_at_one_and_stop_at_six() {
    let body = "You should eat well and drink plenty of water every day after it.";
    let l = parse(&format!(
        "Diet leaflet\n\nThis leaflet tells you about your diet.\n\n\
         2.1 Diet\n{body}\n\n2.1.1.1.1.1.1 Drinks\n{body}\n"
    ));
    assert_eq!(
        outline(&l),
        [
            ("Diet leaflet", 1),
            ("2.1 Diet", 1),
            ("2.1.1.1.1.1.1 Drinks", 5)
        ]
    );
}

#[test]
fn a_block_opening_with_a_figure_label_is_a_caption_wherever_it_starts() {
    // After a short line, not only after a blank line or a full stop; and
    // after a citation, which is dropped.
    let l = parse("Eye care\n\nWard 5\nFigure 1 shows the ward\n\n[3] Figure 2: a drop.\n");
    assert_eq!(
        l.chapters[0].blocks,
        [
            Block::Paragraph("Ward 5".into()),
            Block::Caption("Figure 1 shows the ward".into()),
            Block::Caption("Figure 2: a drop.".into()),
        ]
    );
}

/// Lists numbered with letters or lower-case Roman numerals are lists too:
/// each item its own block, not run together into one paragraph.
#[test]
fn letter_and_roman_numbered_items_stay_items() {
    let l = read_text(
        "hip.txt",
        "Hip exercises\n\nDo these each morning:\na) Lie on your back.\nb) Bend one knee.\n\nThen:\ni. Rest for a minute.\nii. Repeat five times.\n(iii) Stop if it hurts.\niv. Write down how it felt.\n",
    );
    let items: Vec<String> = l
        .chapters
        .iter()
        .flat_map(|c| c.blocks.iter())
        .filter_map(|b| match b {
            Block::ListItem(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        items,
        [
            "a) Lie on your back.",
            "b) Bend one knee.",
            "i. Rest for a minute.",
            "ii. Repeat five times.",
            "(iii) Stop if it hurts.",
            "iv. Write down how it felt."
        ]
    );
}

/// Text copied from a PDF viewer, not extracted: no page breaks, and the
/// page labels where the pages met. The title is the leaflet's, not the
/// first page's label, and no label is read out.
#[test]
fn page_labels_in_copied_text_are_neither_title_nor_text() {
    let l = read_text(
        "knee.txt",
        "Page 1 of 2\nKnee care after an injection\n\nRest your knee for two days and keep it raised when you sit.\n\nWhen to call us\nPage 2 of 2\nCall the clinic if the knee becomes hot, red or more painful.\n",
    );
    assert_eq!(l.title, "Knee care after an injection");
    assert_eq!(
        outline(&l).iter().map(|o| o.0).collect::<Vec<_>>(),
        ["Knee care after an injection", "When to call us"]
    );
    assert_eq!(
        texts(&l, 1),
        ["Call the clinic if the knee becomes hot, red or more painful."]
    );
    assert_eq!(reasons(&l, "Page 1 of 2"), ["page header or footer"]);
    assert_eq!(reasons(&l, "Page 2 of 2"), ["page header or footer"]);
}
