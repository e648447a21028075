//! Reading saved web pages (.html, .htm): the page's main content as
//! chapters, the site's furniture left out and recorded, from the fixtures
//! `tests/fixtures/html/`.

use audio_leaflet::leaflet::Kind;

use crate::util::leaflet_outline as outline;
use crate::util::{bin, fixture};

#[test]
fn a_trust_page_gives_its_sections_and_lists_the_furniture() {
    let source = audio_leaflet::leaflet::read(&fixture("html/trust-ct-scan.html"), None).unwrap();
    assert_eq!(source.kind, Kind::Html);
    let l = source.leaflet;
    assert_eq!(l.language, "en");
    let titles: Vec<(&str, u8)> = l
        .chapters
        .iter()
        .map(|c| (c.title.as_str(), c.level))
        .collect();
    assert_eq!(titles[0], ("CT scan (without contrast)", 1));
    assert!(titles.contains(&("Before your scan", 1)), "{titles:?}");
    assert!(titles.contains(&("Eating and drinking", 2)), "{titles:?}");
    assert_eq!(titles.last(), Some(&("Contact us", 1)));
    let reasons: Vec<&str> = l.dropped.iter().map(|d| d.reason.as_str()).collect();
    for wanted in ["cookie banner", "skip link", "breadcrumb trail", "image"] {
        assert!(reasons.contains(&wanted), "{wanted}: {reasons:?}");
    }
    let spoken: String = l
        .chapters
        .iter()
        .flat_map(|c| c.blocks.iter().map(|b| b.text().to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!spoken.contains("Accept analytics cookies"), "{spoken}");
    assert!(!spoken.contains("Skip to main content"), "{spoken}");
}

/// The size limit is 5 MB whatever the lines: a page on one line reads
/// (how fast is measured by `cargo bench --bench reader`, not here).
#[test]
fn a_five_megabyte_page_on_one_line_is_read() {
    let mut page = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><title>Big</title></head><body><main><h1>A long page</h1>",
    );
    let mut n = 0;
    while page.len() < 4_990_000 {
        n += 1;
        if n % 300 == 0 {
            page.push_str(&format!("<h2>Part {n}</h2>"));
        }
        page.push_str("<p>You can eat and drink as normal before your scan, and <b>keep taking</b> your medicines &amp; <a href=\"/more\">read more</a> about the scan before you come in.</p><ul><li>Bring your letter</li><li>Wear loose clothes</li></ul>");
    }
    page.push_str("</main></body></html>");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.html");
    std::fs::write(&path, &page).unwrap();
    let source = audio_leaflet::leaflet::read(&path, None).expect("the page reads");
    assert_eq!(source.kind, Kind::Html);
    assert_eq!(source.leaflet.title, "A long page");
    assert!(source.leaflet.chapters.len() > 50, "its parts are chapters");
}

fn read(name: &str) -> audio_leaflet::leaflet::Leaflet {
    let source = audio_leaflet::leaflet::read(&fixture(name), None).unwrap();
    assert_eq!(source.kind, Kind::Html, "{name}");
    source.leaflet
}

fn spoken(l: &audio_leaflet::leaflet::Leaflet) -> Vec<String> {
    l.chapters
        .iter()
        .flat_map(|c| c.blocks.iter().map(|b| b.text().to_string()))
        .collect()
}

fn dropped(l: &audio_leaflet::leaflet::Leaflet) -> Vec<(&str, &str)> {
    l.dropped
        .iter()
        .map(|d| (d.text.as_str(), d.reason.as_str()))
        .collect()
}

/// A page with no `<main>` or `<article>`: the body is read, the page's
/// header, menu, form and footer are not; ordered lists keep their numbers
/// (`start`, `value`, `reversed`), ARIA headings and accordions are headings,
/// a data table is read a row at a time.
#[test]
fn a_page_without_main_reads_its_body_and_numbers_its_lists() {
    let l = read("html/page-without-main.html");
    assert_eq!(l.title, "Taking warfarin");
    assert_eq!(
        outline(&l),
        [
            ("Taking warfarin", 1),
            ("How to take it", 1),
            ("Counting down to your test", 1),
            ("Words you may hear", 2),
            ("What if I bleed?", 3),
            ("Clinic times", 1),
            ("Contact us", 1),
        ]
    );
    let said = spoken(&l);
    for line in [
        "1. Check the dose in your yellow book.",
        "3. Write down that you took them.",
        "4. Put the book back in the same place.",
        "7. Ring the clinic if you missed a dose.",
        "2. Do not change your diet this week.",
        "1. Bring your yellow book on the day.",
        "Monday: 9am to 12 noon",
        "Press firmly on the cut for ten minutes.",
    ] {
        assert!(said.iter().any(|s| s == line), "{line:?} in {said:#?}");
    }
    let dropped = dropped(&l);
    for (text, reason) in [
        (
            "A to Z / Find a clinic",
            "HTML <header> element (site furniture)",
        ),
        (
            "Was this page useful? Send",
            "HTML <form> element (site furniture)",
        ),
        (
            "Draft text for review, not yet approved.",
            "hidden on the page",
        ),
    ] {
        assert!(dropped.contains(&(text, reason)), "{text}: {dropped:#?}");
    }
    assert!(
        dropped
            .iter()
            .any(|(t, r)| t.contains("Page last reviewed") && r.contains("<footer>")),
        "{dropped:#?}"
    );
    let all = said.join(" ");
    for furniture in ["Find a clinic", "Was this page useful", "Draft text"] {
        assert!(!all.contains(furniture), "{furniture} was read: {all}");
    }
}

/// Word's "Save as Web Page": the Title style is the title, list
/// paragraphs are list items without their bullet glyphs, numbered ones keep
/// their numbers, the declared Windows-1252 is read without a warning, and
/// `<body lang>` gives the language.
#[test]
fn a_page_word_saved_reads_its_styles_and_lists() {
    let l = read("html/word-save-as-web-page.htm");
    assert_eq!(l.title, "Splints for your hand after surgery");
    assert_eq!(l.language, "en");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(
        outline(&l),
        [
            ("Splints for your hand after surgery", 1),
            ("Why you need a splint", 1),
            ("Wearing your splint", 2),
            ("Exercises", 2),
            ("Contact us", 1),
        ]
    );
    let said = spoken(&l);
    for line in [
        "Wear it day and night for six weeks.",
        "Keep it away from heat, because the plastic can bend.",
        "1. Bend your fingers slowly into a fist.",
        "2. Straighten them again and rest for a moment.",
    ] {
        assert!(said.iter().any(|s| s == line), "{line:?} in {said:#?}");
    }
    let all = said.join(" ");
    assert!(all.contains("We\u{2019}re open Monday to Friday."), "{all}");
    assert!(!all.contains('\u{b7}'), "a bullet glyph is read: {all}");
}

/// Every sentence of the trust page's main content is read, or left out
/// with a reason (the review date).
#[test]
fn no_sentence_of_the_main_content_is_lost() {
    let l = read("html/trust-ct-scan.html");
    let all = spoken(&l).join(" ");
    let html = std::fs::read_to_string(fixture("html/trust-ct-scan.html")).unwrap();
    let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
    let doc = scraper::Html::parse_fragment(main);
    let para = scraper::Selector::parse("p, li, h1, h2, h3").unwrap();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let heard = squash(&all);
    let dropped: Vec<String> = l.dropped.iter().map(|d| squash(&d.text)).collect();
    let mut checked = 0;
    for el in doc.select(&para) {
        let text = squash(&el.text().collect::<String>());
        if text.is_empty()
            || el.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "li" | "p" | "figure"))
            })
        {
            continue;
        }
        checked += 1;
        let title = l.chapters.iter().any(|c| squash(&c.title) == text);
        let left_out = dropped.iter().any(|d| d.contains(&text));
        assert!(
            title || left_out || heard.contains(&text),
            "lost: {text:?}\nheard: {heard}"
        );
    }
    assert!(checked > 10, "only {checked} blocks checked");
}

/// Nested 100,000 deep, a page is still read (the nesting is capped as a
/// browser caps it, with a warning); with more elements than any leaflet
/// page has, it is refused, the file named, nothing written.
#[test]
fn deep_nesting_is_capped_and_too_many_elements_refused() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.html");
    let mut page = String::from("<!DOCTYPE html><html lang=en><body><main><h1>Deep</h1>");
    page.push_str(&"<div>".repeat(100_000));
    page.push_str("<p>Still read at the bottom.</p>");
    page.push_str(&"</div>".repeat(100_000));
    page.push_str("<h2>After</h2><p>And after it.</p></main></body></html>");
    std::fs::write(&deep, &page).unwrap();
    let l = audio_leaflet::leaflet::read(&deep, None).unwrap().leaflet;
    assert!(
        l.warnings.iter().any(|w| w.contains("more than 512 deep")),
        "{:?}",
        l.warnings
    );
    let script = bin().arg("script").arg(&deep).output().unwrap();
    let script = String::from_utf8_lossy(&script.stdout);
    assert!(script.contains("Still read at the bottom."), "{script}");
    assert!(script.contains("And after it."), "{script}");

    let mut many = String::from("<!DOCTYPE html><html><body><main><h1>Many</h1>");
    many.push_str(&"<span>a</span>".repeat(200_001));
    many.push_str("</main></body></html>");
    crate::util::build_refused(
        "many.html",
        many.as_bytes(),
        &[],
        "has more than 200000 HTML elements",
    );
}

/// A page in an encoding it declares (here ISO-8859-2, Central European) is
/// read in that encoding, not guessed as Windows-1252.
#[test]
fn a_declared_encoding_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("polish.html");
    let mut bytes = b"<html lang=pl><head><meta charset=\"iso-8859-2\"><title>Zabieg</title></head><body><main><h1>Zabieg</h1><p>Prosz\xea przyj\xb1\xe6 leki.</p></main></body></html>".to_vec();
    bytes.push(b'\n');
    std::fs::write(&path, bytes).unwrap();
    let l = audio_leaflet::leaflet::read(&path, None).unwrap().leaflet;
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert!(
        spoken(&l)
            .join(" ")
            .contains("Prosz\u{119} przyj\u{105}\u{107} leki."),
        "{:?}",
        spoken(&l)
    );
}
