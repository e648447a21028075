//! How long reading takes on a large leaflet (issue: `chapters` on 1 MB).

use std::hint::black_box;

use audio_leaflet::leaflet::{self, Format};
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
    group.finish();
}

criterion_group!(benches, reading);
criterion_main!(benches);
