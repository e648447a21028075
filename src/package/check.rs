//! `audio-leaflet check`: is a package complete and consistent? Every file
//! the manifest names is there, every WAV is readable and as long as the
//! manifest says, the playlist lists the chapters in order, and the DAISY
//! book, web player and joined file agree with them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node, ParsingOptions};

use super::manifest::{ChapterEntry, Manifest};
use super::{
    CHAPTERS_VTT_FILE, CUE_SHEET, JOINED_WAV, MANIFEST_FILE, NCC_FILE, PLAYER_FILE, PLAYLIST_FILE,
};
use crate::clock::{parse_hms, parse_npt};

/// How far a duration may differ from the manifest.
const TOLERANCE_S: f64 = 0.010;

/// One thing wrong with a package, named by its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.what)
    }
}

struct Checker {
    dir: PathBuf,
    problems: Vec<Problem>,
}

impl Checker {
    fn problem(&mut self, file: &str, what: impl Into<String>) {
        self.problems.push(Problem {
            file: file.to_string(),
            what: what.into(),
        });
    }

    fn read(&mut self, file: &str) -> Option<String> {
        match std::fs::read_to_string(self.dir.join(file)) {
            Ok(text) => Some(text),
            Err(e) => {
                self.problem(file, format!("cannot be read ({e})"));
                None
            }
        }
    }
}

/// Check the package in `dir`. An empty list means it is sound.
pub fn check(dir: &Path) -> Vec<Problem> {
    let mut c = Checker {
        dir: dir.to_path_buf(),
        problems: Vec::new(),
    };
    let Some(text) = c.read(MANIFEST_FILE) else {
        c.problems[0]
            .what
            .push_str(": this is not a finished package (build it again)");
        return c.problems;
    };
    let manifest: Manifest = match serde_json::from_str(&text) {
        Ok(m) => m,
        Err(e) => {
            c.problem(MANIFEST_FILE, format!("is not a valid manifest: {e}"));
            return c.problems;
        }
    };
    let durations = check_chapters(&mut c, &manifest);
    // Each format is checked when it was written (`--formats` may leave it out).
    if dir.join(PLAYLIST_FILE).exists() {
        check_playlist(&mut c, &manifest);
    }
    if dir.join(NCC_FILE).exists() {
        check_daisy(&mut c, &manifest, &durations);
    }
    if dir.join(PLAYER_FILE).exists() {
        check_player(&mut c, &manifest);
    }
    if dir.join(JOINED_WAV).exists() {
        check_joined(&mut c, &manifest, &durations);
    }
    c.problems
}

/// Each chapter WAV: present, mono 16-bit at the stated rate, as long as the
/// manifest says, starting where the previous one ended. Returns the lengths
/// in samples (0 for a chapter that could not be read).
fn check_chapters(c: &mut Checker, m: &Manifest) -> Vec<u64> {
    let mut lengths = Vec::new();
    let mut start = 0.0;
    for (i, ch) in m.chapters.iter().enumerate() {
        if ch.index != i + 1 {
            c.problem(
                MANIFEST_FILE,
                format!("chapter {} is numbered {}", i + 1, ch.index),
            );
        }
        if (ch.start_s - start).abs() > TOLERANCE_S {
            c.problem(
                MANIFEST_FILE,
                format!(
                    "chapter {} starts at {}s, not {start:.3}s",
                    ch.index, ch.start_s
                ),
            );
        }
        start += ch.duration_s;
        lengths.push(check_wav(c, m, ch));
    }
    if (m.total_duration_s - start).abs() > TOLERANCE_S {
        c.problem(
            MANIFEST_FILE,
            format!(
                "total_duration_s is {}s but the chapters add up to {start:.3}s",
                m.total_duration_s
            ),
        );
    }
    lengths
}

fn check_wav(c: &mut Checker, m: &Manifest, ch: &ChapterEntry) -> u64 {
    let reader = match hound::WavReader::open(c.dir.join(&ch.file)) {
        Ok(r) => r,
        Err(e) => {
            c.problem(
                &ch.file,
                format!("is missing or not a valid WAV file ({e})"),
            );
            return 0;
        }
    };
    let spec = reader.spec();
    let wanted = (
        m.audio.channels,
        m.audio.sample_rate,
        m.audio.bits_per_sample,
    );
    if (spec.channels, spec.sample_rate, spec.bits_per_sample) != wanted {
        c.problem(
            &ch.file,
            format!(
                "is {} channel(s), {} Hz, {}-bit; the manifest says {} channel(s), {} Hz, {}-bit",
                spec.channels, spec.sample_rate, spec.bits_per_sample, wanted.0, wanted.1, wanted.2
            ),
        );
    }
    let samples = reader.duration() as u64;
    let secs = samples as f64 / spec.sample_rate.max(1) as f64;
    if (secs - ch.duration_s).abs() > TOLERANCE_S {
        c.problem(
            &ch.file,
            format!("lasts {secs:.3}s; the manifest says {}s", ch.duration_s),
        );
    }
    samples
}

/// The playlist names every chapter, in order, with its length and title.
fn check_playlist(c: &mut Checker, m: &Manifest) {
    let Some(text) = c.read(PLAYLIST_FILE) else {
        return;
    };
    if !text.starts_with("#EXTM3U") {
        c.problem(PLAYLIST_FILE, "does not start with #EXTM3U");
    }
    let files: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    let wanted: Vec<&str> = m.chapters.iter().map(|ch| ch.file.as_str()).collect();
    if files != wanted {
        c.problem(
            PLAYLIST_FILE,
            format!("lists {files:?}; the chapters are {wanted:?}"),
        );
    }
    let infos = text.lines().filter(|l| l.starts_with("#EXTINF:")).count();
    if infos != m.chapters.len() {
        c.problem(
            PLAYLIST_FILE,
            format!(
                "has {infos} #EXTINF lines for {} chapters",
                m.chapters.len()
            ),
        );
    }
}

fn parse(text: &str) -> Result<Document<'_>, roxmltree::Error> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options)
}

fn metas<'a>(doc: &'a Document, name: &str) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.has_tag_name("meta") && n.attribute("name") == Some(name))
        .filter_map(|n| n.attribute("content"))
        .collect()
}

/// The DAISY 2.02 rules the schemas state as Schematron assertions.
fn check_daisy(c: &mut Checker, m: &Manifest, lengths: &[u64]) {
    let Some(text) = c.read(NCC_FILE) else {
        return;
    };
    let ncc = match parse(&text) {
        Ok(d) => d,
        Err(e) => return c.problem(NCC_FILE, format!("is not well-formed XML: {e}")),
    };
    const ONCE: &[&str] = &[
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
    ];
    for name in ONCE {
        let n = metas(&ncc, name).len();
        if n != 1 {
            c.problem(
                NCC_FILE,
                format!("has {name} {n} times; it must be there exactly once"),
            );
        }
    }
    for name in ["dc:language", "dc:creator"] {
        if metas(&ncc, name).is_empty() {
            c.problem(NCC_FILE, format!("has no {name}"));
        }
    }
    if metas(&ncc, "dc:format") != ["Daisy 2.02"] {
        c.problem(NCC_FILE, "dc:format is not \"Daisy 2.02\"");
    }
    let Some(body) = ncc.descendants().find(|n| n.has_tag_name("body")) else {
        return c.problem(NCC_FILE, "has no body");
    };
    let items: Vec<Node> = body.children().filter(Node::is_element).collect();
    if metas(&ncc, "ncc:tocItems") != [items.len().to_string().as_str()] {
        c.problem(
            NCC_FILE,
            format!("ncc:tocItems is not the {} headings it has", items.len()),
        );
    }
    if items.first().and_then(|n| n.attribute("class")) != Some("title")
        || items.first().is_none_or(|n| !n.has_tag_name("h1"))
    {
        c.problem(NCC_FILE, "does not start with <h1 class=\"title\">");
    }
    let ids: HashSet<&str> = ncc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    let mut previous = 0u8;
    let mut total = 0.0;
    for (i, item) in items.iter().enumerate() {
        let level = item
            .tag_name()
            .name()
            .strip_prefix('h')
            .and_then(|l| l.parse::<u8>().ok());
        let Some(level) = level else {
            c.problem(
                NCC_FILE,
                format!("<{}> in the body is not a heading", item.tag_name().name()),
            );
            continue;
        };
        if level > previous + 1 {
            c.problem(
                NCC_FILE,
                format!(
                    "heading {} is h{level} after h{previous}: a level is skipped",
                    i + 1
                ),
            );
        }
        previous = level;
        let href = item
            .children()
            .find(|n| n.has_tag_name("a"))
            .and_then(|a| a.attribute("href"));
        let Some((smil, fragment)) = href.and_then(|h| h.split_once('#')) else {
            c.problem(
                NCC_FILE,
                format!("heading {} holds no link into a SMIL file", i + 1),
            );
            continue;
        };
        let expected =
            lengths.get(i).copied().unwrap_or(0) as f64 / m.audio.sample_rate.max(1) as f64;
        total += check_smil(c, smil, fragment, &ids, item.attribute("id"), expected);
    }
    let stated = metas(&ncc, "ncc:totalTime")
        .first()
        .and_then(|t| parse_hms(t));
    if stated.is_none_or(|t| (t - total).abs() > 0.5) {
        c.problem(
            NCC_FILE,
            format!("ncc:totalTime is not the {total:.3}s its SMIL files add up to"),
        );
    }
}

/// One SMIL file: the link's target exists, points back at its heading, and
/// its clip is the chapter WAV's length. Returns the clip's length.
fn check_smil(
    c: &mut Checker,
    smil: &str,
    fragment: &str,
    ncc_ids: &HashSet<&str>,
    heading_id: Option<&str>,
    expected: f64,
) -> f64 {
    let Some(text) = c.read(smil) else {
        return 0.0;
    };
    let doc = match parse(&text) {
        Ok(d) => d,
        Err(e) => {
            c.problem(smil, format!("is not well-formed XML: {e}"));
            return 0.0;
        }
    };
    if !doc
        .descendants()
        .any(|n| n.attribute("id") == Some(fragment))
    {
        c.problem(
            smil,
            format!("has no element with id \"{fragment}\" for the NCC's link"),
        );
    }
    for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let target = t
            .attribute("src")
            .and_then(|s| s.split_once('#'))
            .map(|(_, id)| id);
        if target.is_none_or(|id| !ncc_ids.contains(id)) || target != heading_id {
            c.problem(
                smil,
                "a text element does not point back at its NCC heading",
            );
        }
    }
    let mut secs = 0.0;
    for a in doc.descendants().filter(|n| n.has_tag_name("audio")) {
        let src = a.attribute("src").unwrap_or_default();
        if !c.dir.join(src).is_file() {
            c.problem(smil, format!("plays {src}, which is missing"));
        }
        let begin = a.attribute("clip-begin").and_then(parse_npt).unwrap_or(0.0);
        let end = a.attribute("clip-end").and_then(parse_npt).unwrap_or(0.0);
        secs += end - begin;
    }
    if (secs - expected).abs() > 0.002 {
        c.problem(
            smil,
            format!("its clips last {secs:.3}s; the chapter's WAV lasts {expected:.3}s"),
        );
    }
    secs
}

/// The web player offers every chapter, and its chapters track is there.
fn check_player(c: &mut Checker, m: &Manifest) {
    let Some(page) = c.read(PLAYER_FILE) else {
        return;
    };
    for ch in &m.chapters {
        if !page.contains(&ch.file) {
            c.problem(
                PLAYER_FILE,
                format!("does not offer chapter {} ({})", ch.index, ch.file),
            );
        }
    }
    if let Some(vtt) = c.read(CHAPTERS_VTT_FILE) {
        let cues = vtt.lines().filter(|l| l.contains(" --> ")).count();
        if !vtt.starts_with("WEBVTT") || cues != m.chapters.len() {
            c.problem(
                CHAPTERS_VTT_FILE,
                format!("has {cues} cues for {} chapters", m.chapters.len()),
            );
        }
    }
}

/// The joined file holds exactly the chapters' samples, and its cue sheet
/// has a track for each.
fn check_joined(c: &mut Checker, m: &Manifest, lengths: &[u64]) {
    match hound::WavReader::open(c.dir.join(JOINED_WAV)) {
        Ok(r) => {
            let sum: u64 = lengths.iter().sum();
            if r.duration() as u64 != sum {
                c.problem(
                    JOINED_WAV,
                    format!("holds {} samples; the chapters hold {sum}", r.duration()),
                );
            }
        }
        Err(e) => c.problem(JOINED_WAV, format!("is not a valid WAV file ({e})")),
    }
    if let Some(cue) = c.read(CUE_SHEET) {
        let tracks = cue
            .lines()
            .filter(|l| l.trim_start().starts_with("TRACK "))
            .count();
        if tracks != m.chapters.len() {
            c.problem(
                CUE_SHEET,
                format!("has {tracks} tracks for {} chapters", m.chapters.len()),
            );
        }
    }
}
