//! Reading saved web pages (.html, .htm): the page's main content as
//! chapters, the site's furniture left out and recorded, from the fixtures
//! `tests/fixtures/html/`.

use std::time::{Duration, Instant};

use audio_leaflet::leaflet::{Block, Kind, Leaflet};

use crate::util::fixture;

#[test]
fn a_five_megabyte_page_on_one_line_reads_in_well_under_a_second() {
    let mut page = String::from("<!DOCTYPE html><html lang=\"en\"><head><title>Big</title></head><body><main><h1>A long page</h1>");
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
    let start = Instant::now();
    let source = audio_leaflet::leaflet::read(&path, None).expect("the page reads");
    let took = start.elapsed();
    eprintln!("{took:?}");
    assert_eq!(source.kind, Kind::Html);
    assert_eq!(source.leaflet.title, "A long page");
    assert!(took < Duration::from_millis(900), "took {took:?}");
}
