//! Reading saved web pages (.html, .htm): the page's main content as
//! chapters, the site's furniture left out and recorded, from the fixtures
//! `tests/fixtures/html/`.

use audio_leaflet::leaflet::Kind;

use crate::util::fixture;

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
