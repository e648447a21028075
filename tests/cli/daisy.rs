//! The DAISY 2.02 book: valid against the DAISY Consortium's schemas (with jing),
//! true to the Schematron rules inside them, and walked by a real DAISY reader.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use roxmltree::{Document, Node, ParsingOptions};

use crate::util::{build_package as build, manifest, repo, shared_leaflet, shared_schema};

/// Schemas from the DAISY Consortium (see ../shared/daisy202/README.md).
const SCHEMAS: &str = "d202";

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Validate with jing against a schema. jing would fetch the DTD a DOCTYPE
/// names from the network, and these machines are offline, so the copy it
/// checks has the DOCTYPE line removed (the schemas carry the grammar).
fn jing(schema: &str, file: &Path) {
    let text = read(file);
    let doctype = text.lines().filter(|l| l.starts_with("<!DOCTYPE")).count();
    assert_eq!(doctype, 1, "{} has one DOCTYPE line", file.display());
    let copy = tempfile::Builder::new().suffix(".xml").tempfile().unwrap();
    let without: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("<!DOCTYPE"))
        .collect();
    std::fs::write(copy.path(), without.join("\n")).unwrap();
    let out = Command::new("jing")
        .arg(shared_schema(SCHEMAS).join(schema))
        .arg(copy.path())
        .output()
        .expect("jing is installed (run scripts/setup.sh)");
    assert!(
        out.status.success(),
        "{} is not valid against {schema}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn parse(text: &str) -> Document<'_> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).expect("well-formed XML")
}

/// A SMIL clock value in milliseconds: `npt=12.345s`, `12.345s`, `hh:mm:ss.sss`, `mm:ss`.
fn clock_ms(value: &str) -> u64 {
    let v = value.trim().trim_start_matches("npt=");
    let seconds: f64 = if let Some(s) = v.strip_suffix("ms") {
        s.parse::<f64>().unwrap() / 1000.0
    } else if let Some(s) = v.strip_suffix('s') {
        s.parse().unwrap()
    } else {
        v.split(':')
            .map(|p| p.parse::<f64>().unwrap())
            .fold(0.0, |acc, p| acc * 60.0 + p)
    };
    (seconds * 1000.0).round() as u64
}

fn elements<'a, 'i>(doc: &'a Document<'i>, name: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == name)
        .collect()
}

fn ids(doc: &Document) -> HashSet<String> {
    doc.descendants()
        .filter_map(|n| n.attribute("id"))
        .map(str::to_string)
        .collect()
}

/// `meta` contents by name, in order, from a document's head.
fn metas(doc: &Document, name: &str) -> Vec<String> {
    elements(doc, "meta")
        .into_iter()
        .filter(|m| m.attribute("name") == Some(name))
        .map(|m| m.attribute("content").unwrap().to_string())
        .collect()
}

fn one_meta(doc: &Document, name: &str, file: &str) -> String {
    let found = metas(doc, name);
    assert_eq!(
        found.len(),
        1,
        "{file}: {name} must be present exactly once"
    );
    found.into_iter().next().unwrap()
}

fn wav_ms(path: &Path) -> f64 {
    let reader = hound::WavReader::open(path)
        .unwrap_or_else(|e| panic!("{} is a WAV file: {e}", path.display()));
    reader.duration() as f64 * 1000.0 / reader.spec().sample_rate as f64
}

/// One NCC heading, as read from ncc.html.
#[derive(Debug)]
struct Heading {
    level: u8,
    id: String,
    smil: String,
    fragment: String,
    text: String,
}

/// Everything the checks found, for tests that look further.
struct Checked {
    headings: Vec<Heading>,
    ncc_text: String,
}

/// Check a DAISY book against the schemas (jing) and against the Schematron
/// rules of d202ncc.rng, d202smil.rng and d202meta.rng, plus the links and
/// times the schemas cannot see.
fn check_book(dir: &Path) -> Checked {
    let m = manifest(dir);
    let ncc_path = dir.join("ncc.html");
    jing("d202ncc.rng", &ncc_path);
    let ncc_text = read(&ncc_path);
    let ncc = parse(&ncc_text);
    let ncc_ids = ids(&ncc);

    // Metadata: mandatory exactly once, once or more, at most once.
    for name in [
        "dc:title",
        "dc:identifier",
        "dc:format",
        "dc:date",
        "dc:publisher",
        "ncc:charset",
        "ncc:pageFront",
        "ncc:pageNormal",
        "ncc:pageSpecial",
        "ncc:tocItems",
        "ncc:totalTime",
    ] {
        one_meta(&ncc, name, "ncc.html");
    }
    for name in ["dc:language", "dc:creator"] {
        assert!(!metas(&ncc, name).is_empty(), "ncc.html: {name} is missing");
    }
    for name in [
        "ncc:depth",
        "ncc:files",
        "ncc:multimediaType",
        "ncc:generator",
        "ncc:maxPageNormal",
        "dc:source",
    ] {
        assert!(
            metas(&ncc, name).len() <= 1,
            "ncc.html: {name} more than once"
        );
    }
    let meta = |name| one_meta(&ncc, name, "ncc.html");
    assert_eq!(meta("dc:format"), "Daisy 2.02");
    assert_eq!(meta("dc:title"), m.title);
    assert_eq!(meta("dc:identifier"), m.identifier);
    assert_eq!(meta("dc:date"), m.date);
    assert_eq!(metas(&ncc, "dc:language"), [m.language.as_str()]);
    assert_eq!(meta("ncc:charset"), "utf-8");
    assert_eq!(meta("ncc:multimediaType"), "audioNcc");
    assert_eq!(
        metas(&ncc, "ncc:narrator"),
        [format!("{} ({})", m.voice.name, m.voice.backend)]
    );
    assert_eq!(meta("ncc:setInfo"), "1 of 1");
    assert!(meta("ncc:generator").starts_with("audio-leaflet "));
    for (name, class) in [
        ("ncc:pageFront", "page-front"),
        ("ncc:pageNormal", "page-normal"),
        ("ncc:pageSpecial", "page-special"),
    ] {
        let spans = elements(&ncc, "span")
            .iter()
            .filter(|s| s.attribute("class") == Some(class))
            .count();
        assert_eq!(meta(name), spans.to_string(), "{name}");
    }

    // Body: the title heading first, headings that never skip a level, each
    // holding exactly one link; tocItems counts them.
    let body = elements(&ncc, "body")[0];
    let items: Vec<Node> = body.children().filter(|n| n.is_element()).collect();
    assert_eq!(meta("ncc:tocItems"), items.len().to_string());
    assert_eq!(items[0].tag_name().name(), "h1");
    assert_eq!(items[0].attribute("class"), Some("title"));
    let mut headings = Vec::new();
    for item in &items {
        let tag = item.tag_name().name();
        let level: u8 = tag
            .strip_prefix('h')
            .and_then(|l| l.parse().ok())
            .unwrap_or_else(|| panic!("<{tag}> in the NCC body is not a heading"));
        let links: Vec<Node> = item.children().filter(|n| n.is_element()).collect();
        assert_eq!(links.len(), 1, "<{tag}> holds exactly one link");
        assert_eq!(links[0].tag_name().name(), "a");
        let href = links[0].attribute("href").unwrap();
        let (smil, fragment) = href.split_once('#').expect("the link has a fragment");
        headings.push(Heading {
            level,
            id: item.attribute("id").unwrap().to_string(),
            smil: smil.to_string(),
            fragment: fragment.to_string(),
            text: links[0].text().unwrap_or_default().to_string(),
        });
    }
    let mut previous = 0;
    for h in &headings {
        assert!(
            (1..=previous + 1).contains(&h.level),
            "h{} follows h{previous}: levels must not be skipped",
            h.level
        );
        previous = h.level;
    }
    let depth: u8 = meta("ncc:depth").parse().unwrap();
    assert_eq!(depth, headings.iter().map(|h| h.level).max().unwrap());
    assert_eq!(
        headings.iter().map(|h| h.text.as_str()).collect::<Vec<_>>(),
        m.chapters
            .iter()
            .map(|c| c.title.as_str())
            .collect::<Vec<_>>(),
        "the NCC lists the chapters in order"
    );

    // Each heading's SMIL file: valid, linked both ways, timed to its WAV.
    let mut files: HashSet<String> = HashSet::from(["ncc.html".to_string()]);
    let mut elapsed_ms = 0;
    for (h, chapter) in headings.iter().zip(&m.chapters) {
        let path = dir.join(&h.smil);
        assert!(path.is_file(), "{} (linked from the NCC) exists", h.smil);
        jing("d202smil.rng", &path);
        let text = read(&path);
        let smil = parse(&text);
        let smil_ids = ids(&smil);
        assert!(
            smil_ids.contains(&h.fragment),
            "{} holds #{} that the NCC links to",
            h.smil,
            h.fragment
        );
        assert_eq!(one_meta(&smil, "dc:format", &h.smil), "Daisy 2.02");
        for name in [
            "ncc:generator",
            "dc:identifier",
            "dc:title",
            "ncc:timeInThisSmil",
            "ncc:totalElapsedTime",
            "title",
        ] {
            assert!(
                metas(&smil, name).len() <= 1,
                "{}: {name} more than once",
                h.smil
            );
        }
        let texts = elements(&smil, "text");
        assert_eq!(texts.len(), 1, "{}: one text per chapter", h.smil);
        let src = texts[0].attribute("src").unwrap();
        let (target, id) = src.split_once('#').unwrap();
        assert_eq!(target, "ncc.html", "{}: text src", h.smil);
        assert!(ncc_ids.contains(id), "{}: #{id} is in ncc.html", h.smil);
        assert_eq!(id, h.id, "{}: points back at its own heading", h.smil);

        let mut smil_ms = 0;
        for audio in elements(&smil, "audio") {
            let src = audio.attribute("src").unwrap();
            let wav = dir.join(src);
            assert!(wav.is_file(), "{}: audio {src} exists", h.smil);
            files.insert(src.to_string());
            let begin = clock_ms(audio.attribute("clip-begin").unwrap());
            let end = clock_ms(audio.attribute("clip-end").unwrap());
            assert_eq!(begin, 0);
            let real = wav_ms(&wav);
            assert!(
                (end as f64 - real).abs() <= 1.0,
                "{}: clip-end {end} ms, but {src} lasts {real} ms",
                h.smil
            );
            smil_ms += end - begin;
        }
        assert_eq!(
            chapter.file,
            elements(&smil, "audio")[0].attribute("src").unwrap()
        );
        assert!((smil_ms as f64 - chapter.duration_s * 1000.0).abs() <= 1.0);
        let here = clock_ms(&one_meta(&smil, "ncc:timeInThisSmil", &h.smil));
        assert_eq!(here, smil_ms, "{}: ncc:timeInThisSmil", h.smil);
        let before = clock_ms(&one_meta(&smil, "ncc:totalElapsedTime", &h.smil));
        assert_eq!(before, elapsed_ms, "{}: ncc:totalElapsedTime", h.smil);
        let seq = smil
            .root_element()
            .descendants()
            .find(|n| n.has_tag_name("seq"))
            .unwrap();
        assert_eq!(clock_ms(seq.attribute("dur").unwrap()), smil_ms);
        assert_eq!(one_meta(&smil, "dc:title", &h.smil), m.title);
        files.insert(h.smil.clone());
        elapsed_ms += smil_ms;
    }

    // ncc:totalTime is hh:mm:ss: the sum of the SMIL durations to the second.
    let total = clock_ms(&meta("ncc:totalTime"));
    assert_eq!(total, (elapsed_ms + 500) / 1000 * 1000, "ncc:totalTime");
    assert!(
        (elapsed_ms as f64 / 1000.0 - m.total_duration_s).abs() <= 0.001 * m.chapters.len() as f64
    );
    assert_eq!(meta("ncc:files"), files.len().to_string());
    let smils_on_disk = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".smil"))
        .count();
    assert_eq!(
        smils_on_disk,
        headings.len(),
        "no SMIL file outside the book"
    );
    Checked { headings, ncc_text }
}

#[test]
#[ignore = "needs jing (apt) and ../shared/daisy202: scripts/test.sh runs it"]
fn the_example_leaflet_is_a_valid_daisy_book() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&repo("examples/carpal-tunnel.txt"), out.path(), &[]);
    let book = check_book(&dir);
    assert_eq!(book.headings.len(), 6);
}

#[test]
#[ignore = "needs jing (apt) and ../shared: scripts/test.sh runs it"]
fn a_real_leaflet_is_a_valid_daisy_book() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&shared_leaflet("osseointegration.txt"), out.path(), &[]);
    let book = check_book(&dir);
    assert!(book.headings.len() > 10, "{:?}", book.headings);
}

/// Headings with markup characters, quotes, emoji and right-to-left text, and
/// a level that jumps from a section to a sub-sub-sub-section. (`\<` keeps
/// Markdown from reading `<care>` as an HTML tag.)
const HOSTILE: &str = "\
# Knee & hip \\<care> \"today\"

This leaflet explains the care of a new knee.

## Risks <5% & \"side effects\" 'rare'

Most people have no problems after the operation.

##### Questions in Hebrew שאלות and Arabic أسئلة

Ask the nurse in your own language.

## Smiles 😀 & tears 💧 > fears

Recovery takes about six weeks.
";

#[test]
#[ignore = "needs jing (apt) and ../shared/daisy202: scripts/test.sh runs it"]
fn hostile_titles_are_escaped_and_the_book_stays_valid() {
    let out = tempfile::tempdir().unwrap();
    let input = out.path().join("hostile.md");
    std::fs::write(&input, HOSTILE).unwrap();
    let dir = build(&input, &out.path().join("out"), &["--lang", "en"]);
    let book = check_book(&dir);
    let titles: Vec<&str> = book.headings.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Knee & hip <care> \"today\"",
            "Risks <5% & \"side effects\" 'rare'",
            "Questions in Hebrew שאלות and Arabic أسئلة",
            "Smiles 😀 & tears 💧 > fears",
        ]
    );
    // The jump to a deeper heading became the next level down.
    let levels: Vec<u8> = book.headings.iter().map(|h| h.level).collect();
    assert_eq!(levels, [1, 1, 2, 1]);
    assert!(
        book.ncc_text
            .contains("Risks &lt;5% &amp; &quot;side effects&quot;")
    );
    assert!(book.ncc_text.contains("<title>Knee &amp; hip &lt;care&gt;"));
}

#[test]
fn a_rebuild_writes_the_same_bytes_and_drops_old_smil_files() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let input = repo("examples/carpal-tunnel.txt");
    let stale = two.path().join("carpal-tunnel-release/09-old-chapter.smil");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, "<smil/>").unwrap();
    let a = build(&input, one.path(), &[]);
    let b = build(&input, two.path(), &["--jobs", "1"]);
    assert!(
        !stale.exists(),
        "a SMIL file the book no longer has is removed"
    );
    let mut compared = 0;
    for entry in std::fs::read_dir(&a).unwrap() {
        let name = entry.unwrap().file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".smil") || name == "ncc.html" {
            assert!(
                std::fs::read(a.join(&*name)).unwrap() == std::fs::read(b.join(&*name)).unwrap(),
                "{name} differs between two builds"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 7);
}

#[test]
fn formats_choose_whether_the_daisy_book_is_written() {
    let out = tempfile::tempdir().unwrap();
    let input = repo("examples/carpal-tunnel.txt");
    let only_daisy = build(&input, &out.path().join("daisy"), &["--formats", "daisy"]);
    assert!(only_daisy.join("ncc.html").is_file());
    assert!(only_daisy.join("manifest.json").is_file());
    assert!(!only_daisy.join("playlist.m3u8").exists());
    let no_daisy = build(&input, &out.path().join("m3u8"), &["--formats", "m3u8"]);
    assert!(!no_daisy.join("ncc.html").exists());
    assert!(no_daisy.join("playlist.m3u8").is_file());
}

/// The daisy-dtb reader's view of a book (scripts/daisy_reader.py).
fn read_with_daisy_reader(dir: &Path) -> serde_json::Value {
    let python = repo("target/daisy-venv/bin/python");
    assert!(
        python.is_file(),
        "the DAISY reader is not installed at {}: run scripts/setup.sh",
        python.display()
    );
    let out = Command::new(&python)
        .arg(repo("scripts/daisy_reader.py"))
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the DAISY reader could not open {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the reader prints JSON")
}

/// What the reader saw matches what was built: titles and levels in order,
/// each heading's SMIL, the text it points back to, and each clip's file and length.
fn assert_reader_sees_the_book(dir: &Path) {
    let m = manifest(dir);
    let ncc_text = read(&dir.join("ncc.html"));
    let ncc = parse(&ncc_text);
    let seen = read_with_daisy_reader(dir);
    assert_eq!(seen["title"], m.title.as_str());
    assert_eq!(seen["language"], m.language.as_str());
    let toc = seen["toc"].as_array().unwrap();
    assert_eq!(toc.len(), m.chapters.len());
    let body = elements(&ncc, "body")[0];
    let levels: Vec<u64> = body
        .children()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name()[1..].parse().unwrap())
        .collect();
    let mut total_ms = 0.0;
    for ((entry, chapter), level) in toc.iter().zip(&m.chapters).zip(&levels) {
        assert_eq!(entry["text"], chapter.title.as_str());
        assert_eq!(entry["level"], *level);
        assert_eq!(
            entry["smil"],
            chapter.file.replace(".wav", ".smil").as_str()
        );
        let sections = entry["sections"].as_array().unwrap();
        assert_eq!(sections.len(), 1, "{}", chapter.title);
        assert_eq!(sections[0]["id"], entry["fragment"]);
        // The reader follows the SMIL text back into the NCC for the heading.
        assert_eq!(sections[0]["text"], chapter.title.as_str());
        let clips = sections[0]["clips"].as_array().unwrap();
        assert_eq!(clips.len(), 1, "{}", chapter.title);
        assert_eq!(clips[0]["src"], chapter.file.as_str());
        assert_eq!(clips[0]["begin"], 0.0);
        let end_s = clips[0]["end"].as_f64().unwrap();
        let real_ms = wav_ms(&dir.join(&chapter.file));
        assert!(
            (end_s * 1000.0 - real_ms).abs() <= 1.0,
            "{}: the reader's clip ends at {end_s} s, the WAV lasts {real_ms} ms",
            chapter.file
        );
        let smil_s = entry["smil_seconds"].as_f64().unwrap();
        assert!((smil_s - end_s).abs() < 1e-9, "{}", chapter.file);
        total_ms += real_ms;
    }
    let total = clock_ms(seen["total_time"].as_str().unwrap()) as f64;
    assert!(
        (total - total_ms).abs() <= 500.5,
        "total {total} ms vs {total_ms} ms"
    );
    // Moving by navigation level visits exactly the headings of that level.
    for (level, ids) in seen["by_level"].as_object().unwrap() {
        let level: u64 = level.parse().unwrap();
        let want: Vec<&str> = toc
            .iter()
            .filter(|e| e["level"] == level)
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        let got: Vec<&str> = ids
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_str().unwrap())
            .collect();
        assert_eq!(got, want, "level {level}");
        assert!(!got.is_empty(), "level {level}");
    }
}

#[test]
#[ignore = "needs the DAISY reader venv from scripts/setup.sh and ../shared: scripts/test.sh runs it"]
fn a_daisy_reader_walks_the_books_chapters_and_clips() {
    let out = tempfile::tempdir().unwrap();
    let real = build(&shared_leaflet("osseointegration.txt"), out.path(), &[]);
    assert_reader_sees_the_book(&real);
    let input = out.path().join("hostile.md");
    std::fs::write(&input, HOSTILE).unwrap();
    let hostile = build(&input, &out.path().join("hostile"), &["--lang", "en"]);
    assert_reader_sees_the_book(&hostile);
    let levels = read_with_daisy_reader(&hostile)["by_level"].clone();
    assert_eq!(levels.as_object().unwrap().len(), 2, "{levels}");
}
