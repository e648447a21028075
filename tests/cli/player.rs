//! The web player: `index.html` and `chapters.vtt`, rendered from books with hostile titles
//! and built end to end. Its behaviour in a browser is tested in `tests/browser`.

use std::collections::BTreeSet;
use std::path::Path;

use audio_leaflet::audio::Span;
use audio_leaflet::package::{Book, BookChapter, Manifest, Passage, render_html, render_vtt};
use audio_leaflet::script::Role;
use quick_xml::events::Event;

use crate::util::{bin, fixture, repo, with_fake_voice};

const RATE: u32 = 16_000;

fn book(language: &str, chapters: &[(u8, &str, u64)]) -> Book {
    Book {
        title: chapters.first().map_or("Leaflet", |c| c.1).to_string(),
        language: language.into(),
        organisation: Some("Leeds & <District> \"NHS\"".into()),
        slug: "leaflet".into(),
        identifier: "audio-leaflet-leaflet".into(),
        date: "2026-01-02".into(),
        source_file: "leaflet.txt".into(),
        source_sha256: String::new(),
        backend: "flite".into(),
        model_sha256: String::new(),
        voice: "kal16".into(),
        rate_wpm: 160,
        sample_rate: RATE,
        audio_format: audio_leaflet::package::AudioFormat::Wav,
        chapters: chapters
            .iter()
            .enumerate()
            .map(|(i, &(level, title, samples))| BookChapter {
                index: i + 1,
                level,
                title: title.into(),
                file: format!("{:02}-chapter.wav", i + 1),
                samples,
                words: 10,
                loudness_lufs: -18.0,
                true_peak_dbtp: -3.0,
                audio_key: String::new(),
                passages: Vec::new(),
                audio: Default::default(),
                pcm: Default::default(),
            })
            .collect(),
    }
}

const HOSTILE: &[(u8, &str, u64)] = &[
    (1, "Fish & chips </script><!-- \"quoted\" 'single'", 229_840),
    (1, "Why <b>fasting</b> matters", 48_001),
    (2, "<script>alert(1)</script> &amp; &lt; -->", 16_000),
    (1, "Ask us 😀 about pain", 160_007),
    (2, "עברית and عربي names", 99_999),
];

fn html(book: &Book) -> String {
    let mut out = Vec::new();
    render_html(book, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn vtt(book: &Book) -> String {
    let mut out = Vec::new();
    render_vtt(book, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The JSON island the page's script reads, parsed as the browser's `JSON.parse` would.
fn page_data(html: &str) -> serde_json::Value {
    let start = html
        .find("id=\"book-data\">")
        .expect("the page has its data")
        + 15;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("the data is JSON")
}

#[test]
fn hostile_titles_cannot_break_out_of_the_page() {
    let page = html(&book("en", HOSTILE));
    let lower = page.to_ascii_lowercase();
    assert_eq!(
        lower.matches("<script").count(),
        2,
        "one data island, one script"
    );
    assert_eq!(lower.matches("</script").count(), 2);
    assert!(!page.contains("<!--"), "a title opened a comment");
    assert!(!page.contains("<b>") && !page.contains("-->"));

    let titles: Vec<&str> = HOSTILE.iter().map(|c| c.1).collect();
    let data = page_data(&page);
    let in_data: Vec<&str> = data["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(in_data, titles, "the script sees the titles exactly");
    assert_eq!(data["title"], HOSTILE[0].1);

    for escaped in [
        "<h1 dir=\"auto\">Fish &amp; chips &lt;/script&gt;&lt;!-- &quot;quoted&quot; &apos;single&apos;</h1>",
        "<title>Fish &amp; chips &lt;/script&gt;&lt;!-- &quot;quoted&quot; &apos;single&apos; (Audio version)</title>",
        ">Why &lt;b&gt;fasting&lt;/b&gt; matters</span>",
        ">&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &amp;lt; --&gt;</span>",
        "<p class=\"organisation\" dir=\"auto\">Leeds &amp; &lt;District&gt; &quot;NHS&quot;</p>",
        ">Ask us 😀 about pain</span>",
        "<span class=\"chapter-title\" dir=\"auto\">עברית and عربي names</span>",
    ] {
        assert!(page.contains(escaped), "missing {escaped}");
    }
}

#[test]
fn the_chapter_list_nests_subsections_in_their_section() {
    let levels = [1u8, 2, 2, 1, 3, 1];
    let chapters: Vec<(u8, &str, u64)> = levels.iter().map(|&l| (l, "Title", 16_000)).collect();
    let page = html(&book("en", &chapters));
    let start = page.find("<ol class=\"chapters\">").unwrap();
    let end = page.find("</nav>").unwrap();
    // The list is well-formed XML; each chapter link sits as deep as its level (a level 3
    // under a level 1 is one step in, not two).
    let mut reader = quick_xml::Reader::from_str(&page[start..end]);
    let (mut depth, mut depths) = (0, Vec::new());
    loop {
        match reader
            .read_event()
            .expect("the chapter list is well-formed")
        {
            Event::Start(e) if e.name().as_ref() == "ol" => depth += 1,
            Event::End(e) if e.name().as_ref() == "ol" => depth -= 1,
            Event::Start(e) if e.name().as_ref() == "a" => depths.push(depth),
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every list is closed");
    assert_eq!(depths, [1, 2, 2, 1, 2, 1]);
}

#[test]
fn durations_are_shown_and_spoken() {
    let page = html(&book("en", &[(1, "One", 16_000 * 65), (1, "Two", 16_000)]));
    assert!(page.contains(
        "<span aria-hidden=\"true\">1:05</span><span class=\"visually-hidden\">1 minute 5 seconds</span>"
    ));
    assert!(page.contains(">1 second</span>"));
    assert!(page.contains("Audio version: 2 chapters, 1 minute 6 seconds"));
}

#[test]
fn the_page_speaks_the_leaflets_language() {
    let spanish = html(&book("es", &[(1, "Dieta", 16_000)]));
    assert!(spanish.contains("<html lang=\"es\">"));
    assert!(spanish.contains(">Reproducir</button>"));
    assert!(spanish.contains("<h1 dir=\"auto\">Dieta</h1>"));
    // No interface in French: English labels, with the leaflet's own text marked French.
    let french = html(&book("fr", &[(1, "Régime", 16_000)]));
    assert!(french.contains("<html lang=\"en\">"));
    assert!(french.contains(">Play</button>"));
    assert!(french.contains("<h1 lang=\"fr\" dir=\"auto\">Régime</h1>"));
    assert!(
        french.contains("<span class=\"chapter-title\" lang=\"fr\" dir=\"auto\">Régime</span>")
    );
}

/// (start ms, end ms, text) of each cue.
fn cues(vtt: &str) -> Vec<(u64, u64, String)> {
    let mut blocks = vtt.split("\n\n");
    assert_eq!(blocks.next(), Some("WEBVTT"));
    blocks
        .map(|block| {
            let lines: Vec<&str> = block.trim_end_matches('\n').lines().collect();
            assert_eq!(lines.len(), 3, "id, timing, one line of text: {block:?}");
            let (from, to) = lines[1].split_once(" --> ").unwrap();
            (ms(from), ms(to), lines[2].to_string())
        })
        .collect()
}

fn ms(time: &str) -> u64 {
    let (hms, millis) = time.split_once('.').unwrap();
    assert_eq!(millis.len(), 3, "{time}");
    let parts: Vec<u64> = hms.split(':').map(|p| p.parse().unwrap()).collect();
    assert_eq!(parts.len(), 3, "{time}");
    ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + millis.parse::<u64>().unwrap()
}

fn passage(role: Role, display: &str, start: u64, end: u64) -> Passage {
    Passage {
        role,
        display: display.into(),
        spoken: display.into(),
        span: Span { start, end },
    }
}

/// The text panel of a page: from its section to the end of the section.
fn text_panel(page: &str) -> &str {
    let start = page
        .find("<section id=\"text\"")
        .expect("the page has its text");
    let end = start + page[start..].find("</section>").unwrap() + "</section>".len();
    &page[start..end]
}

#[test]
fn the_text_has_every_passage_timed_escaped_and_in_its_place() {
    let mut b = book("fr", &[(1, "Un", 48_000), (2, "Deux", 32_000)]);
    b.chapters[0].passages = vec![
        passage(Role::Heading, "Un", 8_000, 16_000),
        passage(Role::Announcement, "An audio version.", 20_000, 24_000),
        passage(
            Role::Paragraph,
            "Fish & <b>chips</b> \"now\"",
            24_008,
            40_000,
        ),
    ];
    b.chapters[1].passages = vec![
        passage(Role::Heading, "Deux", 8_000, 12_000),
        passage(Role::ListItem, "1. Wash", 12_000, 16_000),
        passage(Role::ListItem, "soap", 16_000, 20_000),
        passage(Role::Caption, "A hand", 20_000, 24_000),
        passage(Role::Paragraph, "  ", 24_000, 25_000),
    ];
    b.chapters[1].file = "02 deux.mp3".into();
    let page = html(&b);
    let text = text_panel(&page);
    let expected = [
        "<section id=\"text\" class=\"text\" aria-labelledby=\"text-heading\">",
        "<h2 id=\"text-heading\">The leaflet&apos;s text</h2>",
        "<div class=\"chapter-text\" data-chapter=\"0\" lang=\"fr\">",
        "<h3 dir=\"auto\"><a class=\"passage\" href=\"01-chapter.wav#t=0.500\" data-chapter=\"0\" data-start=\"0.500\" data-end=\"1.000\">Un</a></h3>",
        "<p class=\"announcement\" dir=\"auto\"><a class=\"passage\" href=\"01-chapter.wav#t=1.250\" data-chapter=\"0\" data-start=\"1.250\" data-end=\"1.500\">An audio version.</a></p>",
        "<p dir=\"auto\"><a class=\"passage\" href=\"01-chapter.wav#t=1.501\" data-chapter=\"0\" data-start=\"1.501\" data-end=\"2.500\">Fish &amp; &lt;b&gt;chips&lt;/b&gt; &quot;now&quot;</a></p>",
        "<div class=\"chapter-text\" data-chapter=\"1\" lang=\"fr\">",
        "<h4 dir=\"auto\"><a class=\"passage\" href=\"02%20deux.mp3#t=0.500\" data-chapter=\"1\" data-start=\"0.500\" data-end=\"0.750\">Deux</a></h4>",
        "<ul>\n<li class=\"marked\" dir=\"auto\"><a class=\"passage\" href=\"02%20deux.mp3#t=0.750\" data-chapter=\"1\" data-start=\"0.750\" data-end=\"1.000\">1. Wash</a></li>\n<li dir=\"auto\">",
        "soap</a></li>\n</ul>\n<p class=\"caption\" dir=\"auto\">",
    ];
    for part in expected {
        assert!(text.contains(part), "missing {part}\nin\n{text}");
    }
    assert_eq!(
        text.matches("<a class=\"passage\"").count(),
        7,
        "a blank passage is not a link"
    );
    // Well-formed, so each passage sits in exactly one element.
    let mut reader = quick_xml::Reader::from_str(text);
    while !matches!(
        reader.read_event().expect("the text is well-formed"),
        Event::Eof
    ) {}
}

#[test]
fn vtt_cues_tile_the_whole_leaflet_with_escaped_titles() {
    let b = book("en", HOSTILE);
    let cues = cues(&vtt(&b));
    assert_eq!(cues.len(), HOSTILE.len());
    assert_eq!(cues[0].0, 0);
    for pair in cues.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "each cue starts where the last ended");
    }
    let total_samples: u64 = HOSTILE.iter().map(|c| c.2).sum();
    let total_ms = (total_samples * 1000 + u64::from(RATE) / 2) / u64::from(RATE);
    assert_eq!(cues.last().unwrap().1, total_ms);
    let summed: i64 = cues.iter().map(|c| c.1 as i64 - c.0 as i64).sum();
    assert_eq!(summed, total_ms as i64);
    assert_eq!(cues[0].1, 14_365);
    assert_eq!(
        cues[0].2,
        "Fish &amp; chips &lt;/script&gt;&lt;!-- \"quoted\" 'single'"
    );
    assert_eq!(
        cues[2].2,
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &amp;lt; --&gt;"
    );
    assert_eq!(cues[4].2, "עברית and عربي names");
}

#[test]
fn a_title_over_lines_stays_one_cue_line() {
    let b = book("en", &[(1, "Before\n\nthe  operation", 16_000)]);
    assert_eq!(cues(&vtt(&b))[0].2, "Before the operation");
    assert!(html(&b).contains(">Before the operation</span>"));
}

#[test]
fn rendering_is_deterministic() {
    let b = book("en", HOSTILE);
    assert_eq!(html(&b), html(&b.clone()));
    assert_eq!(vtt(&b), vtt(&b.clone()));
}

fn build(input: &Path, out: &Path, extra: &[&str]) {
    let output = bin()
        .arg("build")
        .arg(input)
        .args(["--quiet", "--out"])
        .arg(out)
        .args(with_fake_voice(extra))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The relative links of a page: `href="..."` and `src="..."`, other than fragments and data,
/// without their fragments (a passage links to `chapter.wav#t=12.345`).
fn local_links(page: &str) -> BTreeSet<String> {
    let mut links = BTreeSet::new();
    for attr in ["href=\"", "src=\""] {
        for (at, _) in page.match_indices(attr) {
            let rest = &page[at + attr.len()..];
            let link = &rest[..rest.find('"').unwrap()];
            if !link.starts_with('#') && !link.starts_with("data:") {
                let file = link.split('#').next().unwrap();
                links.insert(file.to_string());
            }
        }
    }
    links
}

#[test]
fn a_built_package_plays_files_that_exist() {
    let out = tempfile::tempdir().unwrap();
    build(
        &fixture("pdf-markup-emoji-and-rtl-in-headings.txt"),
        out.path(),
        &[],
    );
    let dir = out.path().join("fish-chips-script-quoted-single");
    let manifest: Manifest =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();

    let links = local_links(&page);
    for link in &links {
        assert!(
            dir.join(link).is_file(),
            "index.html links to missing {link}"
        );
    }
    for c in &manifest.chapters {
        assert!(links.contains(&c.file), "no link to {}", c.file);
    }
    assert!(links.contains("chapters.vtt") && links.contains("manifest.json"));

    let data = page_data(&page);
    let chapters = data["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), manifest.chapters.len());
    for (d, c) in chapters.iter().zip(&manifest.chapters) {
        assert_eq!(d["title"], c.title.as_str());
        assert_eq!(d["file"], c.file.as_str());
        assert_eq!(d["duration_s"], c.duration_s);
        assert!(dir.join(d["file"].as_str().unwrap()).is_file());
    }
    assert_eq!(chapters[2]["level"], 2, "the numbered subsection");

    let cues = cues(&std::fs::read_to_string(dir.join("chapters.vtt")).unwrap());
    assert_eq!(cues.len(), manifest.chapters.len());
    let total_ms = cues.last().unwrap().1 as f64 / 1000.0;
    assert!((total_ms - manifest.total_duration_s).abs() <= 0.001);
    for (cue, c) in cues.iter().zip(&manifest.chapters) {
        assert!((cue.0 as f64 / 1000.0 - c.start_s).abs() <= 0.001);
    }
}

#[test]
fn a_rebuild_writes_the_same_player() {
    let out = tempfile::tempdir().unwrap();
    let input = repo("examples/carpal-tunnel.txt");
    build(&input, out.path(), &[]);
    let dir = out.path().join("carpal-tunnel-release");
    let first = (
        std::fs::read(dir.join("index.html")).unwrap(),
        std::fs::read(dir.join("chapters.vtt")).unwrap(),
    );
    build(&input, out.path(), &[]);
    assert!(first.0 == std::fs::read(dir.join("index.html")).unwrap());
    assert!(first.1 == std::fs::read(dir.join("chapters.vtt")).unwrap());
}

#[test]
fn formats_choose_the_player() {
    let input = repo("examples/carpal-tunnel.txt");
    let html_only = tempfile::tempdir().unwrap();
    build(&input, html_only.path(), &["--formats", "html"]);
    let dir = html_only.path().join("carpal-tunnel-release");
    for file in ["index.html", "chapters.vtt", "manifest.json"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert!(!dir.join("playlist.m3u8").exists());

    let playlist_only = tempfile::tempdir().unwrap();
    build(&input, playlist_only.path(), &["--formats", "m3u8"]);
    let dir = playlist_only.path().join("carpal-tunnel-release");
    assert!(dir.join("playlist.m3u8").is_file());
    assert!(!dir.join("index.html").exists() && !dir.join("chapters.vtt").exists());
}

#[test]
fn an_unknown_format_names_the_player() {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg("build")
        .arg(repo("examples/carpal-tunnel.txt"))
        .args(["--quiet", "--formats", "web", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: unknown format `web`: choose from ") && stderr.contains("html"),
        "{stderr}"
    );
    let written: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert!(written.is_empty(), "rejected before any work");
}
