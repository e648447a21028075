//! How long reading takes on a large leaflet (issue: `chapters` on 1 MB).

use std::hint::black_box;

use std::path::Path;

use audio_leaflet::leaflet::{self, Format, Kind};
use criterion::{Criterion, criterion_group, criterion_main};

/// About 1 MB of PDF-extracted text: the example leaflet's pages repeated,
/// each copy with its own section headings, separated by form feeds.
fn big_leaflet() -> String {
    let page = include_str!("../examples/carpal-tunnel.txt");
    let mut text = String::with_capacity(1 << 20);
    let mut n = 0;
    while text.len() < 1_000_000 {
        n += 1;
        text.push_str(&page.replace(
            "How is the operation done?",
            &format!("How is operation {n} done?"),
        ));
        text.push('\x0c');
    }
    text
}

/// About 1 MB of a saved web page: site furniture around a main content
/// of many sections, each with a heading, paragraphs, a list and a table.
fn big_page() -> String {
    let mut page = String::from(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><title>Big</title><style>p{}</style></head><body>\
         <div id=\"cookie-banner\">We use cookies. <button>Accept</button></div>\
         <nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/a\">Services</a></li></ul></nav><main><h1>Big leaflet</h1>",
    );
    let mut n = 0;
    while page.len() < 1_000_000 {
        n += 1;
        page.push_str(&format!(
            "<h2>Section {n}: what happens next?</h2><p>You will be asked to rest the knee for two days and \
             to keep it raised on a pillow. Call <a href=\"tel:02079460000\">020 7946 0000</a> if it swells.</p>\
             <ul><li>Use ice for twenty minutes</li><li>Take your painkillers</li></ul>\
             <table><tr><th>Day</th><th>Exercise</th></tr><tr><td>1</td><td>Bend the knee ten times</td></tr></table>"
        ));
    }
    page.push_str("</main><footer>Trust address, 1 Hospital Road</footer></body></html>");
    page
}

fn reading(c: &mut Criterion) {
    let text = big_leaflet();
    let mut group = c.benchmark_group("reader");
    group.sample_size(10);
    group.bench_function("chapters of a 1 MB leaflet", |b| {
        b.iter(|| leaflet::parse(black_box(&text), Format::PdfText, "big", None))
    });
    let reference = std::fs::read_to_string("../shared/leaflets/osseointegration.txt");
    if let Ok(reference) = reference {
        group.bench_function("chapters of the reference leaflet", |b| {
            b.iter(|| leaflet::parse(black_box(&reference), Format::PdfText, "ref", None))
        });
    }
    let page = big_page();
    group.bench_function("chapters of a 1 MB web page", |b| {
        b.iter(|| {
            leaflet::read_bytes(
                Path::new("big.html"),
                black_box(page.as_bytes()),
                None,
                Some(Kind::Html),
            )
        })
    });
    // One line of 100,000 characters: the longest a text line may be. The
    // running-footer search once shaped such a line once per word (seconds).
    let long_line = format!("A title\n\nSome text.\n{}\n", "3 0 R ".repeat(100_000 / 6));
    group.bench_function("chapters of a 100,000-character line", |b| {
        b.iter(|| leaflet::parse(black_box(&long_line), Format::PdfText, "line", None))
    });
    // The longest PDF fixture (31 pages), when the fixtures are there.
    if let Ok(pdf) = std::fs::read("tests/fixtures/pdf/long.pdf") {
        group.bench_function("chapters of a 30-page PDF", |b| {
            b.iter(|| leaflet::read_bytes(Path::new("long.pdf"), black_box(&pdf), None, None))
        });
    }
    group.finish();
}

criterion_group!(benches, reading);
criterion_main!(benches);
