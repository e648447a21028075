//! The DAISY 2.02 book: valid against the DAISY Consortium's schemas (jing for
//! the NCC and SMIL files, xmllint for the content document's DTD), true to
//! the Schematron rules inside them, its text and clips true to the manifest's
//! utterances, and walked by a real DAISY reader.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use audio_leaflet::package::ChapterEntry;
use audio_leaflet::script::Role;
use roxmltree::{Document, Node, ParsingOptions};

use crate::util::{
    bin, build_package as build, fixture, manifest, repo, shared_leaflet, shared_schema,
};

/// Schemas from the DAISY Consortium (see ../shared/daisy202/README.md).
const SCHEMAS: &str = "d202";
/// Their DTD for content documents: XHTML 1.0 Transitional with DAISY's
/// `bodyref` attribute.
const CONTENT_DTD: &str = "xhtml1-transitional-bodyref.dtd";

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A copy of an XML file without its DOCTYPE line, for the validators. They
/// would fetch the DTD a DOCTYPE names from the network, and these machines
/// are offline; the DAISY schemas carry the grammar.
fn without_doctype(file: &Path) -> tempfile::NamedTempFile {
    let text = read(file);
    let doctype = text.lines().filter(|l| l.starts_with("<!DOCTYPE")).count();
    assert_eq!(doctype, 1, "{} has one DOCTYPE line", file.display());
    let copy = tempfile::Builder::new().suffix(".xml").tempfile().unwrap();
    let without: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("<!DOCTYPE"))
        .collect();
    std::fs::write(copy.path(), without.join("\n")).unwrap();
    copy
}

/// Validate with jing against one of the RELAX NG schemas.
fn jing(schema: &str, file: &Path) {
    let copy = without_doctype(file);
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

/// Validate a content document with xmllint against the XHTML 1.0
/// Transitional DTD the DAISY schemas ship (with DAISY's `bodyref`), which
/// jing cannot read. `--nonet` keeps xmllint off the network whatever happens.
fn xmllint(dtd: &str, file: &Path) {
    let copy = without_doctype(file);
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--dtdvalid"])
        .arg(shared_schema(SCHEMAS).join(dtd))
        .arg(copy.path())
        .output()
        .expect("xmllint is installed (run scripts/setup.sh)");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && said.trim().is_empty(),
        "{} is not valid against {dtd}:\n{}{said}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
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

/// A chapter file's length in milliseconds: a WAV's from its header, an
/// MP3's from its Info tag (the samples a gapless decoder gives).
fn audio_ms(path: &Path) -> f64 {
    if path.extension().is_some_and(|e| e == "mp3") {
        let s = audio_leaflet::audio::mp3::file_frames(path)
            .unwrap_or_else(|| panic!("{} is an MP3 file with an Info tag", path.display()));
        return s.samples as f64 * 1000.0 / s.sample_rate as f64;
    }
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

/// The NCC's headings, in order. The body holds the title heading first,
/// then only headings, each holding exactly one link.
fn ncc_headings(ncc: &Document) -> Vec<Heading> {
    let body = elements(ncc, "body")[0];
    let items: Vec<Node> = body.children().filter(|n| n.is_element()).collect();
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
    headings
}

/// One element of the content document: its name, its class and its text
/// with white space collapsed, as a reader shows it.
#[derive(Debug)]
struct Shown {
    tag: String,
    class: Option<String>,
    text: String,
}

/// The content document's elements by id; each id there once.
fn content_elements(doc: &Document) -> HashMap<String, Shown> {
    let mut found = HashMap::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let Some(id) = node.attribute("id") else {
            continue;
        };
        let text: String = node
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect();
        let shown = Shown {
            tag: node.tag_name().name().to_string(),
            class: node.attribute("class").map(str::to_string),
            text: one_line(&text),
        };
        assert!(
            found.insert(id.to_string(), shown).is_none(),
            "content.html: the id {id} is there more than once"
        );
    }
    found
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Samples to whole milliseconds, rounded to the nearest, as the book times
/// its clips.
fn sample_ms(samples: u64, rate: u32) -> u64 {
    (samples * 1000 + u64::from(rate) / 2) / u64::from(rate)
}

/// One chapter's SMIL file against the manifest: a par per utterance, in
/// order, each showing its utterance's text from content.html as the
/// leaflet has it (the first the chapter's heading, at its NCC level), and
/// a clip that starts where the utterance's speech starts (the first at 0)
/// and ends where the next clip starts (the last at the chapter's end).
fn check_pars(
    smil: &Document,
    h: &Heading,
    chapter: &ChapterEntry,
    content: &HashMap<String, Shown>,
    rate: u32,
) {
    let file = &h.smil;
    let pars = elements(smil, "par");
    assert_eq!(
        pars.len(),
        chapter.utterances.len(),
        "{file}: a par per utterance"
    );
    assert_eq!(
        pars[0].attribute("id"),
        Some(h.fragment.as_str()),
        "{file}: the NCC links to the first par"
    );
    let mut previous_end = 0;
    for (k, (par, u)) in pars.iter().zip(&chapter.utterances).enumerate() {
        let children: Vec<Node> = par.children().filter(|n| n.is_element()).collect();
        let text = children.iter().find(|n| n.has_tag_name("text")).unwrap();
        let (doc, id) = text.attribute("src").unwrap().split_once('#').unwrap();
        assert_eq!(doc, "content.html", "{file}: par {k} shows content.html");
        let shown = content
            .get(id)
            .unwrap_or_else(|| panic!("{file}: #{id} is in content.html"));
        let (want_text, want_tag, want_class) = match u.kind {
            _ if k == 0 => {
                assert_eq!(u.kind, Role::Heading, "{file}: the heading comes first");
                let class = (chapter.index == 1).then_some("title");
                (h.text.clone(), format!("h{}", h.level), class)
            }
            Role::ListItem => (one_line(&u.text), "li".into(), None),
            Role::Caption => (one_line(&u.text), "p".into(), Some("caption")),
            Role::Announcement => (one_line(&u.text), "p".into(), Some("announcement")),
            Role::Paragraph | Role::Heading => (one_line(&u.text), "p".into(), None),
        };
        assert_eq!(shown.text, want_text, "{file}: par {k} shows its utterance");
        assert_eq!(shown.tag, want_tag, "{file}: #{id}");
        assert_eq!(shown.class.as_deref(), want_class, "{file}: #{id}");

        let clips: Vec<Node> = par
            .descendants()
            .filter(|n| n.has_tag_name("audio"))
            .collect();
        assert_eq!(clips.len(), 1, "{file}: par {k} has one clip");
        let begin = clock_ms(clips[0].attribute("clip-begin").unwrap());
        let end = clock_ms(clips[0].attribute("clip-end").unwrap());
        let speech = if k == 0 { 0 } else { sample_ms(u.start, rate) };
        assert_eq!(begin, speech, "{file}: par {k} starts with its speech");
        assert_eq!(
            begin, previous_end,
            "{file}: par {k} follows the one before"
        );
        assert!(end > begin, "{file}: par {k}'s clip has a length");
        assert!(
            end >= sample_ms(u.end, rate),
            "{file}: par {k}'s clip holds all its speech"
        );
        previous_end = end;
    }
    let chapter_ms = (chapter.duration_s * 1000.0).round() as u64;
    assert_eq!(
        previous_end, chapter_ms,
        "{file}: the last clip ends the chapter"
    );
}

/// Check a DAISY book against the schemas (jing, and xmllint for the content
/// document's DTD) and against the Schematron rules of d202ncc.rng,
/// d202smil.rng and d202meta.rng, plus the links, text and times the schemas
/// cannot see.
fn check_book(dir: &Path) -> Checked {
    let m = manifest(dir);
    let ncc_path = dir.join("ncc.html");
    jing("d202ncc.rng", &ncc_path);
    let ncc_text = read(&ncc_path);
    let ncc = parse(&ncc_text);

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
    assert_eq!(meta("ncc:multimediaType"), "audioFullText");
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

    // Body: headings alone, the title first, never skipping a level;
    // tocItems counts them.
    let headings = ncc_headings(&ncc);
    assert_eq!(meta("ncc:tocItems"), headings.len().to_string());
    let heading_ids: HashSet<&str> = headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(heading_ids.len(), headings.len(), "each heading its own id");
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

    // The content document: valid against the DTD, its text checked par by
    // par below.
    let content_path = dir.join("content.html");
    xmllint(CONTENT_DTD, &content_path);
    let content_text = read(&content_path);
    let content = content_elements(&parse(&content_text));

    // Each heading's SMIL file: valid, linked both ways, timed to its audio.
    let mut files: HashSet<String> = HashSet::from(["ncc.html".to_string()]);
    files.insert("content.html".to_string());
    let mut elapsed_ms = 0;
    for (h, chapter) in headings.iter().zip(&m.chapters) {
        let path = dir.join(&h.smil);
        assert!(path.is_file(), "{} (linked from the NCC) exists", h.smil);
        jing("d202smil.rng", &path);
        let text = read(&path);
        let smil = parse(&text);
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
        check_pars(&smil, h, chapter, &content, m.audio.sample_rate);

        let mut smil_ms = 0;
        for audio in elements(&smil, "audio") {
            let src = audio.attribute("src").unwrap();
            assert_eq!(src, chapter.file, "{}: plays its chapter", h.smil);
            assert!(dir.join(src).is_file(), "{}: audio {src} exists", h.smil);
            files.insert(src.to_string());
            let begin = clock_ms(audio.attribute("clip-begin").unwrap());
            let end = clock_ms(audio.attribute("clip-end").unwrap());
            smil_ms += end - begin;
        }
        let real = audio_ms(&dir.join(&chapter.file));
        assert!(
            (smil_ms as f64 - real).abs() <= 1.0,
            "{}: the clips last {smil_ms} ms, but {} lasts {real} ms",
            h.smil,
            chapter.file
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
#[ignore = "needs jing and xmllint (apt) and ../shared/daisy202: scripts/test.sh runs it"]
fn the_example_leaflet_is_a_valid_daisy_book() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&repo("examples/carpal-tunnel.txt"), out.path(), &[]);
    let book = check_book(&dir);
    assert_eq!(book.headings.len(), 6);
}

#[test]
#[ignore = "needs jing and xmllint (apt) and ../shared: scripts/test.sh runs it"]
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
#[ignore = "needs jing and xmllint (apt) and ../shared/daisy202: scripts/test.sh runs it"]
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
            .contains(r#"Risks &lt;5% &amp; "side effects" 'rare'"#)
    );
    assert!(book.ncc_text.contains("<title>Knee &amp; hip &lt;care&gt;"));
}

/// The text and clips of a book (no schemas, so no tools needed): a par per
/// utterance showing its text from content.html, and clips that follow each
/// other from the start of each chapter's audio to its end.
fn check_text_and_clips(dir: &Path) {
    let m = manifest(dir);
    let ncc_text = read(&dir.join("ncc.html"));
    let headings = ncc_headings(&parse(&ncc_text));
    let content_text = read(&dir.join("content.html"));
    let content = content_elements(&parse(&content_text));
    assert_eq!(headings.len(), m.chapters.len());
    for (h, chapter) in headings.iter().zip(&m.chapters) {
        let smil_text = read(&dir.join(&h.smil));
        check_pars(
            &parse(&smil_text),
            h,
            chapter,
            &content,
            m.audio.sample_rate,
        );
    }
    let shown = m.chapters.iter().map(|c| c.utterances.len()).sum::<usize>();
    assert_eq!(
        content.len(),
        shown,
        "content.html shows every utterance once"
    );
}

#[test]
fn each_par_shows_its_utterance_and_its_clip_follows_the_one_before() {
    let out = tempfile::tempdir().unwrap();
    for name in [
        "md-nested-lists.md",
        "md-links-images-html.md",
        "pdf-figure-captions.txt",
        "es-leaflet-two-sections.txt",
    ] {
        let dir = build(&fixture(name), &out.path().join(name), &[]);
        check_text_and_clips(&dir);
    }
    let input = out.path().join("hostile.md");
    std::fs::write(&input, HOSTILE).unwrap();
    let dir = build(&input, &out.path().join("hostile"), &["--lang", "en"]);
    check_text_and_clips(&dir);
    let content = read(&dir.join("content.html"));
    assert!(
        content.contains("<h1 class=\"title\" id=\"text_0001_0001\">Knee &amp; hip &lt;care&gt;")
    );
    assert!(content.contains(r#">Risks &lt;5% &amp; "side effects" 'rare'</h1>"#));
}

/// Replace `from` with `to` in a package's file, which must hold it.
fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{} holds {from}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn check_finds_text_that_is_not_there_and_clips_out_of_order() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&repo("examples/carpal-tunnel.txt"), out.path(), &[]);
    let m = manifest(&dir);
    let check = |dir: &Path| {
        let o = bin().arg("check").arg(dir).output().unwrap();
        (o.status.success(), String::from_utf8(o.stdout).unwrap())
    };
    assert!(check(&dir).0, "{}", check(&dir).1);

    // A par's text taken out of content.html; a heading's par showing a
    // paragraph; one clip starting before the one before it ends and the
    // last running past the chapter's end; a wrong count of files.
    edit(
        &dir.join("content.html"),
        "id=\"text_0001_0004\"",
        "id=\"gone\"",
    );
    let second = Path::new(&m.chapters[1].file).with_extension("smil");
    let second = second.to_str().unwrap();
    edit(
        &dir.join(second),
        "src=\"content.html#text_0002_0001\"",
        "src=\"content.html#text_0002_0002\"",
    );
    let third = dir.join(Path::new(&m.chapters[2].file).with_extension("smil"));
    let smil = read(&third);
    let clip_ends: Vec<&str> = smil
        .split("clip-end=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert!(clip_ends.len() > 2, "{smil}");
    let second_begin = format!("clip-begin=\"{}\"", clip_ends[0]);
    edit(&third, &second_begin, "clip-begin=\"npt=0.000s\"");
    let last_end = format!("clip-end=\"{}\"", clip_ends[clip_ends.len() - 1]);
    edit(&third, &last_end, "clip-end=\"npt=999.000s\"");
    edit(
        &dir.join("ncc.html"),
        "\"ncc:files\" content=\"14\"",
        "\"ncc:files\" content=\"13\"",
    );

    let (ok, text) = check(&dir);
    assert!(!ok);
    let first = Path::new(&m.chapters[0].file).with_extension("smil");
    let third = third.file_name().unwrap().to_string_lossy();
    for needle in [
        format!(
            "{}: shows content.html#text_0001_0004, which is not there",
            first.display()
        ),
        format!(
            "{second}: its first par shows content.html#text_0002_0002, a <p>, not the chapter's heading"
        ),
        format!("{third}: clip aud_0003_0002 (0.000s to "),
        format!("{third}: clip aud_0003_"),
        "ncc.html: ncc:files is 13, but the book has 14 files".to_string(),
    ] {
        assert!(text.contains(&needle), "missing {needle:?} in:\n{text}");
    }
    assert!(text.contains("ends at 999.000s, past the end of"), "{text}");
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
        if name.ends_with(".smil") || name == "ncc.html" || name == "content.html" {
            assert!(
                std::fs::read(a.join(&*name)).unwrap() == std::fs::read(b.join(&*name)).unwrap(),
                "{name} differs between two builds"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 8);
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
/// each heading's SMIL, a section per utterance showing its text from
/// content.html, and clips that follow each other through the chapter's audio.
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
        let smil = Path::new(&chapter.file).with_extension("smil");
        assert_eq!(entry["smil"], smil.to_str().unwrap());
        // A section per utterance, the first where the NCC's link leads.
        let sections = entry["sections"].as_array().unwrap();
        assert_eq!(
            sections.len(),
            chapter.utterances.len(),
            "{}",
            chapter.title
        );
        assert_eq!(sections[0]["id"], entry["fragment"]);
        let mut at = 0.0;
        for (k, (section, u)) in sections.iter().zip(&chapter.utterances).enumerate() {
            // The reader follows each section's text into content.html.
            let src = section["text_src"].as_str().unwrap();
            assert!(src.starts_with("content.html#"), "{src}");
            assert_eq!(section["text_resolves"], true, "{src}");
            let want = if k == 0 { &chapter.title } else { &u.text };
            assert_eq!(section["text"], one_line(want).as_str(), "{src}");
            let clips = section["clips"].as_array().unwrap();
            assert_eq!(clips.len(), 1, "{src}");
            assert_eq!(clips[0]["src"], chapter.file.as_str());
            let begin = clips[0]["begin"].as_f64().unwrap();
            assert!(
                (begin - at).abs() < 1e-9,
                "{src}: clip at {begin} s after {at} s"
            );
            at = clips[0]["end"].as_f64().unwrap();
            assert!(at > begin, "{src}");
        }
        let real_ms = audio_ms(&dir.join(&chapter.file));
        assert!(
            (at * 1000.0 - real_ms).abs() <= 1.0,
            "{}: the reader's last clip ends at {at} s, the audio lasts {real_ms} ms",
            chapter.file
        );
        let smil_s = entry["smil_seconds"].as_f64().unwrap();
        assert!((smil_s - at).abs() < 1e-9, "{}", chapter.file);
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
fn a_daisy_reader_walks_the_books_chapters_text_and_clips() {
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
