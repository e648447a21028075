//! The PDF reader: PDFs read in-process, by their layout (sizes, weights,
//! places on the page), from fixtures made by `scripts/make-pdf-fixtures.py`.

use std::time::Instant;

use audio_leaflet::leaflet::{self, Block, Leaflet};

use crate::util::leaflet_outline as outline;
use crate::util::{bin, fixture, shared_leaflet};

fn read(name: &str) -> Leaflet {
    let source = leaflet::read(&fixture(&format!("pdf/{name}")), None).unwrap();
    assert_eq!(source.kind.name(), "pdf");
    source.leaflet
}

/// Everything a listener hears, titles and blocks, one string.
fn heard(l: &Leaflet) -> String {
    let mut out = String::new();
    for c in &l.chapters {
        out.push_str(&c.title);
        out.push('\n');
        for b in &c.blocks {
            out.push_str(b.text());
            out.push('\n');
        }
    }
    out
}

fn blocks<'a>(l: &'a Leaflet, chapter: &str) -> &'a [Block] {
    &l.chapters
        .iter()
        .find(|c| c.title == chapter)
        .unwrap_or_else(|| panic!("no chapter {chapter:?} in {:?}", outline(l)))
        .blocks
}

#[test]
fn heading_sizes_make_levels_and_a_bold_line_a_subsection() {
    let l = read("knee.pdf");
    assert_eq!(l.title, "Caring for your knee after surgery");
    assert_eq!(
        outline(&l),
        [
            ("Caring for your knee after surgery", 1),
            ("Before you go home", 1),
            ("Pain relief", 2),
            ("Things to bring with you", 3),
            ("Exercises", 1),
            ("Who to contact", 2),
            ("Going back to work", 1),
            ("Driving", 2),
            ("Questions you may have", 1),
        ]
    );
}

#[test]
fn bullets_numbers_table_rows_and_link_text() {
    let l = read("knee.pdf");
    assert_eq!(
        blocks(&l, "Things to bring with you")[..3],
        [
            Block::ListItem("A list of the medicines you take".into()),
            Block::ListItem("Loose clothes and flat shoes".into()),
            Block::ListItem("Your walking aid if you have one".into()),
        ]
    );
    let exercises = blocks(&l, "Exercises");
    assert_eq!(
        exercises[1..4],
        [
            Block::ListItem("1. Lie on your back with your legs straight.".into()),
            Block::ListItem("2. Bend your knee slowly as far as is comfortable.".into()),
            Block::ListItem("3. Hold for five seconds and then relax.".into()),
        ]
    );
    let contact: Vec<&str> = blocks(&l, "Who to contact")
        .iter()
        .map(Block::text)
        .collect();
    assert_eq!(
        contact,
        [
            "Ward 7, Open day and night",
            "Physiotherapy team, Monday to Friday",
            "You can read more about knee surgery on our website at www.example.org/knee.",
        ]
    );
    assert_eq!(heard(&l).matches("example.org").count(), 1);
}

#[test]
fn running_headers_and_footers_are_dropped_on_every_page_and_listed() {
    let l = read("knee.pdf");
    let footers: Vec<&str> = l
        .dropped
        .iter()
        .filter(|d| d.reason == "page footer")
        .map(|d| d.text.as_str())
        .collect();
    assert_eq!(
        footers,
        [
            "Knee clinic leaflet 42, page 1 of 3",
            "Knee clinic leaflet 42, page 2 of 3",
            "Knee clinic leaflet 42, page 3 of 3",
        ]
    );
    let headers = l.dropped.iter().filter(|d| d.reason == "page header");
    assert!(
        headers
            .clone()
            .all(|d| d.text == "Orthopaedics: patient information")
    );
    assert_eq!(headers.count(), 3);
    let text = heard(&l);
    assert!(!text.contains("Knee clinic leaflet 42"), "{text}");
    assert!(!text.contains("Orthopaedics"), "{text}");
}

/// Every sentence the generator wrote is heard or listed as dropped.
fn nothing_lost(name: &str) {
    let l = read(&format!("{name}.pdf"));
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut all = squash(&heard(&l));
    for d in &l.dropped {
        all.push('\n');
        all.push_str(&squash(&d.text));
    }
    let sentences = std::fs::read_to_string(fixture(&format!("pdf/{name}.sentences.txt"))).unwrap();
    let lost: Vec<&str> = sentences
        .lines()
        .filter(|s| !all.contains(&squash(s)))
        .collect();
    assert!(lost.is_empty(), "lost from {name}: {lost:#?}");
}

#[test]
fn no_sentence_of_the_body_is_lost() {
    nothing_lost("knee");
    nothing_lost("two-columns");
}

#[test]
fn two_columns_are_read_left_column_first() {
    let l = read("two-columns.pdf");
    assert_eq!(
        outline(&l),
        [
            ("Eating well before your operation", 1),
            ("Why food matters", 1),
            ("What to eat", 1),
            ("The night before", 1),
        ]
    );
    // The day numbers run on through both columns, in order.
    let text = heard(&l);
    let days: Vec<usize> = text
        .match_indices("On day ")
        .map(|(i, _)| {
            text[i + 7..]
                .split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap()
        })
        .collect();
    let mut sorted = days.clone();
    sorted.sort();
    assert_eq!(days, sorted);
    assert_eq!(days.len(), 15);
    assert!(blocks(&l, "What to eat").contains(&Block::ListItem("Milk and yoghurt".into())));
}

#[test]
fn hyphenated_line_ends_and_symbol_font_bullets() {
    let l = read("hand-set.pdf");
    assert_eq!(
        outline(&l),
        [("Physiotherapy after a fall", 1), ("Keeping safe", 1)]
    );
    assert_eq!(
        blocks(&l, "Physiotherapy after a fall"),
        [Block::Paragraph(
            "Your physiotherapy starts on the ward and continues at home. Good self-care helps you recover sooner.".into()
        )]
    );
    assert_eq!(
        blocks(&l, "Keeping safe")[1..],
        [
            Block::ListItem("Wear shoes that fit well.".into()),
            Block::ListItem("Keep a light on at night.".into()),
        ]
    );
}

#[test]
fn a_pdf_locked_only_against_editing_is_read() {
    let l = read("owner-locked.pdf");
    assert_eq!(l.title, "Eating well before your operation");
    assert_eq!(l.chapters.len(), 4);
}

/// A file the reader refuses: a clear error naming it, a non-zero exit and
/// nothing written.
fn refused(path: &std::path::Path, says: &str) {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("book");
    let result = bin()
        .args(["build", "--voice", "fake", "-o"])
        .arg(&dest)
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(
        stderr.contains(&format!("`{}` {says}", path.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !dest.exists(),
        "something was written for {}",
        path.display()
    );
}

#[test]
fn scans_encrypted_damaged_and_huge_pdfs_are_refused_clearly() {
    refused(
        &fixture("pdf/scan.pdf"),
        "is a PDF with no text in it (a scanned image): run it through OCR first",
    );
    refused(
        &fixture("pdf/encrypted.pdf"),
        "is an encrypted PDF: it needs a password to open",
    );
    let started = Instant::now();
    refused(
        &fixture("pdf/ten-thousand-pages.pdf"),
        "is a PDF of 10000 pages, more than the 2000 a leaflet could have",
    );
    assert!(started.elapsed().as_secs() < 20);
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("pdf/knee.pdf")).unwrap();
    for (name, cut) in [("half.pdf", bytes.len() / 2), ("head.pdf", 3000)] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let r = leaflet::read(&path, None);
        // Lenient parsing may recover the pages that survive; if not, the
        // error is the damaged-PDF one.
        match r {
            Ok(s) => assert!(!s.leaflet.chapters.is_empty()),
            Err(e) => assert!(e.to_string().contains("is a damaged PDF"), "{e}"),
        }
    }
    let path = dir.path().join("garbage.pdf");
    std::fs::write(&path, b"%PDF-1.7\n\x00\x01garbage that is no PDF at all").unwrap();
    refused(&path, "is a damaged PDF: it could not be read;");
}

#[test]
fn a_thirty_page_pdf_is_read_quickly() {
    let started = Instant::now();
    let l = read("long.pdf");
    let took = started.elapsed();
    assert_eq!(l.chapters.len(), 88);
    let footers = l
        .dropped
        .iter()
        .filter(|d| d.reason == "page footer")
        .count();
    assert_eq!(footers, 31);
    // Generous for debug builds on a busy machine; a release build takes a
    // small fraction of this.
    assert!(took.as_secs_f64() < 10.0, "{took:?}");
}

/// The words of a script, lower-cased, without punctuation.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[test]
#[ignore = "needs ../shared: scripts/test.sh runs it"]
fn real_leaflets_read_from_pdf_give_what_their_text_gives() {
    for name in ["asthma", "cholesterol", "ct-scan"] {
        let pdf = leaflet::read(&shared_leaflet(&format!("{name}.pdf")), None)
            .unwrap()
            .leaflet;
        let txt = leaflet::read(&shared_leaflet(&format!("{name}.txt")), None)
            .unwrap()
            .leaflet;
        let pdf_titles: Vec<String> = pdf
            .chapters
            .iter()
            .map(|c| c.title.to_lowercase())
            .collect();
        for c in &txt.chapters {
            assert!(
                pdf_titles
                    .iter()
                    .any(|t| t.contains(&c.title.to_lowercase())),
                "{name}: heading {:?} not found in {pdf_titles:?}",
                c.title
            );
        }
        let heard_pdf: std::collections::HashSet<String> =
            words(&heard(&pdf)).into_iter().collect();
        let txt_words = words(&heard(&txt));
        let found = txt_words.iter().filter(|w| heard_pdf.contains(*w)).count();
        let share = found as f64 / txt_words.len() as f64;
        eprintln!(
            "{name}: {found} of {} words of the .txt heard ({:.1}%)",
            txt_words.len(),
            share * 100.0
        );
        assert!(
            share >= 0.97,
            "{name}: only {:.1}% of the words",
            share * 100.0
        );
        let spoken = heard(&pdf);
        let footers =
            txt.dropped.iter().chain(&pdf.dropped).filter(|d| {
                d.reason.starts_with("page ") && d.text.split_whitespace().count() >= 2
            });
        for d in footers {
            assert!(!spoken.contains(&d.text), "{name}: {:?} is read", d.text);
        }
        // No chapter is named after an address: one set in bold on its own
        // line after "... or email" ends that sentence.
        for c in pdf.chapters.iter().chain(&txt.chapters) {
            assert!(
                !c.title.contains('@') && !c.title.contains("bit.ly"),
                "{name}: a chapter named {:?}",
                c.title
            );
        }
    }
    // asthma's list of links: a paragraph each, from the PDF and its text.
    for file in ["asthma.pdf", "asthma.txt"] {
        let l = leaflet::read(&shared_leaflet(file), None).unwrap().leaflet;
        let links = blocks(&l, "Useful links");
        assert_eq!(links.len(), 2, "{file}: {links:?}");
        assert!(
            links
                .iter()
                .all(|b| b.text().split_whitespace().count() == 1)
        );
    }
}
