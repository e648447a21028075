use super::*;

#[test]
fn debug_timing() {
    let mut big = String::from("<!doctype html><html lang=en><body><main><h1>Big</h1>");
    let mut i = 0;
    while big.len() < 4_990_000 {
        i += 1;
        if i % 300 == 0 {
            big.push_str(&format!("<h2>Section {i}</h2>"));
        }
        big.push_str("<p>You can eat and drink as normal before your scan, and <b>keep taking</b> your medicines &amp; <a href=\"/more\">read more</a> about the scan before you come in.</p><ul><li>Bring your letter</li><li>Wear loose clothes</li></ul>");
    }
    big.push_str("</main></body></html>");
    let t = std::time::Instant::now();
    let p = parse::parse(&big).unwrap();
    eprintln!(
        "parse only {:?} {}",
        t.elapsed(),
        p.html.tree.nodes().count()
    );
    let t = std::time::Instant::now();
    let doc = read(&big).unwrap();
    eprintln!("read {:?} {}", t.elapsed(), doc.units.len());
    let t = std::time::Instant::now();
    let text = doc.text();
    let l = crate::leaflet::language::detect(&text);
    eprintln!("lang {:?} {}", t.elapsed(), l);
    let t = std::time::Instant::now();
    let leaflet = crate::leaflet::markdown::from_units(doc.units);
    eprintln!("from_units {:?} {}", t.elapsed(), leaflet.chapters.len());
}
