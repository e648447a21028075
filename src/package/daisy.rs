//! DAISY 2.02 talking book ("audio and NCC"): `ncc.html` and a SMIL file per chapter WAV.
//!
//! DAISY players and reading programs open `ncc.html`, list its headings as the
//! book's table of contents and follow each heading's link into a SMIL file,
//! which names the chapter WAV and the stretch of it to play. Every document is
//! written with quick-xml's writer, so titles are escaped by the library, never
//! by hand. The structure follows the DAISY Consortium's validation schemas
//! (`d202ncc.rng`, `d202smil.rng`), including their Schematron rules, which the
//! integration tests check.
//!
//! No `master.smil` is written: it is optional in DAISY 2.02, its schema is
//! unfinished and carries no rules, and players navigate from `ncc.html`.

use std::io::{self, Write};
use std::path::Path;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use std::collections::HashSet;

use roxmltree::Node;

use super::chapter_audio::numbered;
use super::check::{Checker, metas, parse};
use super::manifest::Manifest;
use super::{Book, Output, Packager};
use crate::clock;
use crate::clock::{parse_hms, parse_npt};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::plain;

/// The navigation file a DAISY player opens first.
pub const NCC_FILE: &str = "ncc.html";

const NCC_DOCTYPE: &str = r#"html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd""#;
const SMIL_DOCTYPE: &str =
    r#"smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd""#;
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const DAISY_FORMAT: &str = "Daisy 2.02";
/// SMIL 1.0 needs a layout region even for an audio-only book.
const TEXT_REGION: &str = "txtView";
/// HTML heading levels stop at h6.
const MAX_LEVEL: u8 = 6;

/// The `daisy` packager.
pub struct Daisy;

impl Packager for Daisy {
    fn name(&self) -> &'static str {
        "daisy"
    }

    fn about(&self) -> &'static str {
        "a DAISY 2.02 talking book"
    }

    /// The NCC and the chapters' `NN-….smil`.
    fn owns(&self, file: &str) -> bool {
        file == NCC_FILE || numbered(file, ".smil")
    }

    fn check(&self, c: &mut Checker, m: &Manifest) {
        if c.has(NCC_FILE) {
            let lengths = c.lengths.clone();
            check_daisy(c, m, &lengths);
        }
    }

    fn write(&self, book: &Book, out: &Output) -> Result<Vec<String>> {
        let dir = out.dir;
        let ncc_path = dir.join(NCC_FILE);
        let plan = Plan::new(book).map_err(|why| {
            Error::Other(format!(
                "cannot write the DAISY book `{}`: {why}",
                ncc_path.display()
            ))
        })?;
        let mut written = Vec::with_capacity(plan.entries.len() + 1);
        // The SMIL files first and the NCC last: a player that finds an NCC
        // finds every file it links to.
        for entry in &plan.entries {
            fsutil::write_atomic(&dir.join(&entry.smil), |w| write_smil(&plan, entry, w))?;
            written.push(entry.smil.clone());
        }
        fsutil::write_atomic(&ncc_path, |w| write_ncc(&plan, w))?;
        written.push(NCC_FILE.to_string());
        remove_stale_smils(dir, &plan)?;
        Ok(written)
    }
}

/// Everything the documents say, worked out once so the NCC and the SMIL
/// files agree on names, ids and times.
struct Plan {
    title: String,
    language: String,
    identifier: String,
    date: String,
    publisher: String,
    creator: String,
    narrator: String,
    generator: String,
    entries: Vec<Entry>,
    total_ms: u64,
    depth: u8,
}

/// One chapter: one NCC heading and one SMIL file.
struct Entry {
    /// 1, 2, 3... in listening order; numbers the ids.
    n: usize,
    level: u8,
    title: String,
    wav: String,
    smil: String,
    ms: u64,
    /// Time before this chapter starts, from the start of the book.
    elapsed_ms: u64,
}

impl Entry {
    fn heading_id(&self) -> String {
        format!("nav_{:04}", self.n)
    }

    fn par_id(&self) -> String {
        format!("par_{:04}", self.n)
    }
}

impl Plan {
    /// Errors say what is wrong with the book; the caller adds the file.
    fn new(book: &Book) -> std::result::Result<Plan, String> {
        if book.chapters.is_empty() {
            return Err("the leaflet has no chapters".into());
        }
        if book.sample_rate == 0 {
            return Err("the audio has no sample rate".into());
        }
        if !is_language_tag(&book.language) {
            return Err(format!(
                "`{}` is not a language code: give --lang with a code such as en or es \
                 (or correct the `language:` line of a Markdown leaflet)",
                book.language
            ));
        }
        if !is_iso_date(&book.date) {
            return Err(format!(
                "the date `{}` is not YYYY-MM-DD: check SOURCE_DATE_EPOCH, remove the folder's \
                 manifest.json (it keeps the date of the first build) and build again",
                book.date
            ));
        }
        let levels = heading_levels(book.chapters.iter().map(|c| c.level));
        let mut elapsed_ms = 0;
        let mut entries = Vec::with_capacity(book.chapters.len());
        for (i, (chapter, level)) in book.chapters.iter().zip(levels).enumerate() {
            let ms = clock::millis(chapter.samples, u64::from(book.sample_rate));
            let title = xml_line(&chapter.title);
            let smil = Path::new(&chapter.file)
                .with_extension("smil")
                .to_string_lossy()
                .into_owned();
            entries.push(Entry {
                n: i + 1,
                level,
                title: if title.is_empty() {
                    format!("Chapter {}", i + 1)
                } else {
                    title
                },
                wav: chapter.file.clone(),
                smil,
                ms,
                elapsed_ms,
            });
            elapsed_ms += ms;
        }
        let organisation = book.organisation.as_deref().map(xml_line);
        let organisation = organisation.filter(|o| !o.is_empty());
        let title = xml_line(&book.title);
        Ok(Plan {
            title: if title.is_empty() {
                book.slug.clone()
            } else {
                title
            },
            language: book.language.clone(),
            identifier: book.identifier.clone(),
            date: book.date.clone(),
            publisher: organisation
                .clone()
                .unwrap_or_else(|| "audio-leaflet".into()),
            creator: organisation.unwrap_or_else(|| "Unknown".into()),
            narrator: format!("{} ({})", book.voice, book.backend),
            generator: format!("audio-leaflet {}", env!("CARGO_PKG_VERSION")),
            depth: entries.iter().map(|e| e.level).max().unwrap_or(1),
            total_ms: elapsed_ms,
            entries,
        })
    }

    /// ncc.html, every SMIL file and every WAV.
    fn file_count(&self) -> usize {
        1 + 2 * self.entries.len()
    }
}

fn write_ncc(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut x = Xml::start(out, NCC_DOCTYPE)?;
    let lang = plan.language.as_str();
    x.open(
        0,
        "html",
        &[("xmlns", XHTML_NS), ("lang", lang), ("xml:lang", lang)],
    )?;
    x.open(1, "head", &[])?;
    x.text_element(2, "title", &[], &plan.title)?;
    x.empty(
        2,
        "meta",
        &[
            ("http-equiv", "Content-type"),
            ("content", "text/html; charset=utf-8"),
        ],
    )?;
    let toc_items = plan.entries.len().to_string();
    let files = plan.file_count().to_string();
    let depth = plan.depth.to_string();
    let total = clock::hms(plan.total_ms);
    let metas: [(&str, &str); 19] = [
        ("dc:title", &plan.title),
        ("dc:creator", &plan.creator),
        ("dc:date", &plan.date),
        ("dc:format", DAISY_FORMAT),
        ("dc:identifier", &plan.identifier),
        ("dc:language", lang),
        ("dc:publisher", &plan.publisher),
        ("ncc:charset", "utf-8"),
        ("ncc:depth", &depth),
        ("ncc:files", &files),
        ("ncc:generator", &plan.generator),
        ("ncc:multimediaType", "audioNcc"),
        ("ncc:narrator", &plan.narrator),
        ("ncc:pageFront", "0"),
        ("ncc:pageNormal", "0"),
        ("ncc:pageSpecial", "0"),
        ("ncc:setInfo", "1 of 1"),
        ("ncc:tocItems", &toc_items),
        ("ncc:totalTime", &total),
    ];
    for (name, content) in metas {
        let mut attrs = vec![("name", name), ("content", content)];
        if name == "ncc:totalTime" {
            attrs.push(("scheme", "hh:mm:ss"));
        }
        x.empty(2, "meta", &attrs)?;
    }
    x.close(1, "head")?;
    x.open(1, "body", &[])?;
    for (i, entry) in plan.entries.iter().enumerate() {
        let tag = format!("h{}", entry.level);
        let id = entry.heading_id();
        let mut attrs = vec![("id", id.as_str())];
        if i == 0 {
            // The schema wants the title heading first, and exactly this way.
            attrs.insert(0, ("class", "title"));
        }
        let href = format!("{}#{}", entry.smil, entry.par_id());
        x.indent(2)?;
        x.w.write_event(Event::Start(
            BytesStart::new(tag.as_str()).with_attributes(attrs),
        ))?;
        x.w.create_element("a")
            .with_attribute(("href", href.as_str()))
            .write_text_content(BytesText::new(&entry.title))?;
        x.w.write_event(Event::End(BytesEnd::new(tag.as_str())))?;
    }
    x.close(1, "body")?;
    x.close(0, "html")?;
    x.finish()
}

fn write_smil(plan: &Plan, entry: &Entry, out: &mut dyn Write) -> io::Result<()> {
    let n = entry.n;
    let mut x = Xml::start(out, SMIL_DOCTYPE)?;
    x.open(0, "smil", &[])?;
    x.open(1, "head", &[])?;
    let time_here = clock::hms_millis(entry.ms);
    let elapsed = clock::hms_millis(entry.elapsed_ms);
    for (name, content) in [
        ("dc:format", DAISY_FORMAT),
        ("dc:title", plan.title.as_str()),
        ("dc:identifier", plan.identifier.as_str()),
        ("ncc:generator", plan.generator.as_str()),
        ("ncc:timeInThisSmil", time_here.as_str()),
        ("ncc:totalElapsedTime", elapsed.as_str()),
    ] {
        x.empty(2, "meta", &[("name", name), ("content", content)])?;
    }
    x.open(2, "layout", &[])?;
    x.empty(3, "region", &[("id", TEXT_REGION)])?;
    x.close(2, "layout")?;
    x.close(1, "head")?;
    x.open(1, "body", &[])?;
    let dur = clock::timecount(entry.ms);
    x.open(2, "seq", &[("id", &format!("seq_{n:04}")), ("dur", &dur)])?;
    x.open(3, "par", &[("id", &entry.par_id()), ("endsync", "last")])?;
    let text_src = format!("{NCC_FILE}#{}", entry.heading_id());
    x.empty(
        4,
        "text",
        &[("id", &format!("txt_{n:04}")), ("src", &text_src)],
    )?;
    // The clip sits in a seq inside the par. The schema also allows it
    // straight in the par, but this is the shape most DAISY 2.02 books have,
    // and reading software such as daisy-dtb looks for clips only there.
    x.open(4, "seq", &[("id", &format!("aus_{n:04}"))])?;
    x.empty(
        5,
        "audio",
        &[
            ("id", &format!("aud_{n:04}")),
            ("src", &entry.wav),
            ("clip-begin", &clock::npt(0)),
            ("clip-end", &clock::npt(entry.ms)),
        ],
    )?;
    x.close(4, "seq")?;
    x.close(3, "par")?;
    x.close(2, "seq")?;
    x.close(1, "body")?;
    x.close(0, "smil")?;
    x.finish()
}

/// A thin layer over quick-xml's writer that lays out one element a line, so
/// the files stay readable and heading text carries no stray whitespace.
struct Xml<'a> {
    w: Writer<&'a mut dyn Write>,
}

impl<'a> Xml<'a> {
    fn start(out: &'a mut dyn Write, doctype: &str) -> io::Result<Self> {
        let mut w = Writer::new(out);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        w.write_event(Event::Text(BytesText::new("\n")))?;
        // A fixed, trusted string: written as it is.
        w.write_event(Event::DocType(BytesText::from_escaped(doctype)))?;
        Ok(Xml { w })
    }

    fn indent(&mut self, depth: usize) -> io::Result<()> {
        let gap = format!("\n{}", "  ".repeat(depth));
        self.w.write_event(Event::Text(BytesText::new(&gap)))
    }

    fn open(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.indent(depth)?;
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Start(start))
    }

    fn close(&mut self, depth: usize, name: &str) -> io::Result<()> {
        self.indent(depth)?;
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    fn empty(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.indent(depth)?;
        let tag = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Empty(tag))
    }

    fn text_element(
        &mut self,
        depth: usize,
        name: &str,
        attrs: &[(&str, &str)],
        text: &str,
    ) -> io::Result<()> {
        self.indent(depth)?;
        self.w
            .create_element(name)
            .with_attributes(attrs.iter().copied())
            .write_text_content(BytesText::new(text))?;
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.w.write_event(Event::Text(BytesText::new("\n")))?;
        self.w.get_mut().flush()
    }
}

/// The heading level of each chapter as the NCC writes it. The first is the
/// title (h1). DAISY forbids skipped levels, so a heading deeper than the one
/// before it goes only one level further down (h1 then h4 becomes h1, h2), and
/// headings that were siblings stay siblings (h1, h4, h4 becomes h1, h2, h2);
/// nothing goes past h6.
fn heading_levels(levels: impl IntoIterator<Item = u8>) -> Vec<u8> {
    // The open headings above the current one: (level asked for, level given).
    let mut open: Vec<(u8, u8)> = Vec::new();
    let mut out = Vec::new();
    for asked in levels {
        let given = if out.is_empty() {
            1
        } else {
            while open.last().is_some_and(|&(a, _)| a > asked) {
                open.pop();
            }
            match open.last() {
                Some(&(a, g)) if a == asked => {
                    open.pop();
                    g
                }
                Some(&(_, g)) => (g + 1).min(MAX_LEVEL),
                None => 1,
            }
        };
        open.push((asked, given));
        out.push(given);
    }
    out
}

/// One line of text that XML can hold: control characters, which XML 1.0
/// cannot carry even escaped, and the non-characters U+FFFE and U+FFFF go too.
fn xml_line(text: &str) -> String {
    plain::one_line_keeping(text, |c| {
        !c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}'
    })
}

/// An XML Schema `language` value (what the schemas accept), such as `en` or `es-419`.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_iso_date(date: &str) -> bool {
    let b = date.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Remove chapter SMIL files from an earlier build that this book no longer
/// has, as the build does for chapter WAVs, so the folder holds one book.
fn remove_stale_smils(dir: &Path, plan: &Plan) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for item in entries.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        let is_chapter = name.ends_with(".smil")
            && name.len() > 2
            && name.as_bytes()[..2].iter().all(u8::is_ascii_digit);
        if is_chapter && !plan.entries.iter().any(|e| e.smil == name) {
            let path = item.path();
            std::fs::remove_file(&path).map_err(|source| Error::Write { path, source })?;
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::BookChapter;

    /// Render `ncc.html` into memory, as [`Daisy`] writes it.
    fn render_ncc(book: &Book, out: &mut dyn Write) -> Result<()> {
        let plan = Plan::new(book).map_err(Error::Other)?;
        write_ncc(&plan, out).map_err(|e| Error::Other(format!("cannot render {NCC_FILE}: {e}")))
    }

    /// Render the SMIL file of the `n`th chapter (from 0) of `book`.
    fn render_smil(book: &Book, n: usize, out: &mut dyn Write) -> Result<()> {
        let plan = Plan::new(book).map_err(Error::Other)?;
        let entry = plan.entries.get(n).ok_or(Error::NoSuchChapter {
            index: n + 1,
            count: plan.entries.len(),
        })?;
        write_smil(&plan, entry, out)
            .map_err(|e| Error::Other(format!("cannot render {}: {e}", entry.smil)))
    }

    fn book(chapters: &[(u8, &str, u64)]) -> Book {
        Book {
            title: "Knee <replacement> & \"you\"".into(),
            language: "en".into(),
            organisation: Some("St Elsewhere & Co".into()),
            slug: "knee".into(),
            identifier: "audio-leaflet-knee".into(),
            date: "2026-03-04".into(),
            source_file: "knee.txt".into(),
            source_sha256: String::new(),
            backend: "flite".into(),
            model_sha256: String::new(),
            voice: "kal16".into(),
            rate_wpm: 160,
            sample_rate: 16_000,
            audio_format: crate::package::AudioFormat::Wav,
            chapters: chapters
                .iter()
                .enumerate()
                .map(|(i, &(level, title, samples))| BookChapter {
                    index: i + 1,
                    level,
                    title: title.into(),
                    file: format!("{:02}-c.wav", i + 1),
                    samples,
                    words: 3,
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

    fn ncc(book: &Book) -> String {
        let mut out = Vec::new();
        render_ncc(book, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn smil(book: &Book, n: usize) -> String {
        let mut out = Vec::new();
        render_smil(book, n, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn heading_levels_never_skip_and_stay_in_h1_to_h6() {
        assert_eq!(heading_levels([2, 1, 3, 4, 2, 3]), [1, 1, 2, 3, 2, 3]);
        assert_eq!(heading_levels([1, 5, 5, 1]), [1, 2, 2, 1]);
        assert_eq!(heading_levels([1, 2, 4, 3, 4, 2]), [1, 2, 3, 3, 4, 2]);
        assert_eq!(heading_levels([1, 0, 2]), [1, 1, 2]);
        assert_eq!(
            heading_levels([1, 2, 3, 4, 5, 6, 7, 9]),
            [1, 2, 3, 4, 5, 6, 6, 6]
        );
        assert!(heading_levels([]).is_empty());
    }

    #[test]
    fn language_tags_and_dates() {
        assert!(is_language_tag("en") && is_language_tag("es-419") && is_language_tag("zh-Hant"));
        assert!(!is_language_tag("") && !is_language_tag("en_GB") && !is_language_tag("e n"));
        assert!(!is_language_tag("en-") && !is_language_tag("toolonglang"));
        assert!(is_iso_date("2026-03-04"));
        assert!(!is_iso_date("") && !is_iso_date("2026-3-4") && !is_iso_date("2026/03/04"));
    }

    #[test]
    fn titles_are_escaped_by_the_writer_and_read_back_whole() {
        let hostile = "Risks < benefits & \"side\" 'effects' 😀 סיכונים مخاطر";
        let b = book(&[(1, "Title", 16_000), (2, hostile, 8_000)]);
        let text = ncc(&b);
        assert!(
            text.contains("Risks &lt; benefits &amp; &quot;side&quot;"),
            "{text}"
        );
        assert!(text.contains("<title>Knee &lt;replacement&gt; &amp; &quot;you&quot;</title>"));
        assert!(text.contains(r#"content="St Elsewhere &amp; Co""#));
        let open = r#"<a href="02-c.smil#par_0002">"#;
        let raw = &text[text.find(open).unwrap() + open.len()..];
        let raw = &raw[..raw.find("</a>").unwrap()];
        assert_eq!(quick_xml::escape::unescape(raw).unwrap(), hostile);
    }

    #[test]
    fn ncc_has_title_heading_first_and_clamped_levels() {
        let b = book(&[(1, "Title", 16_000), (3, "Deep", 8_000), (1, "Back", 8)]);
        let text = ncc(&b);
        let body = &text[text.find("<body>").unwrap()..];
        let lines: Vec<&str> = body.lines().map(str::trim).collect();
        assert_eq!(
            lines[1],
            r#"<h1 class="title" id="nav_0001"><a href="01-c.smil#par_0001">Title</a></h1>"#
        );
        assert_eq!(
            lines[2],
            r#"<h2 id="nav_0002"><a href="02-c.smil#par_0002">Deep</a></h2>"#
        );
        assert_eq!(
            lines[3],
            r#"<h1 id="nav_0003"><a href="03-c.smil#par_0003">Back</a></h1>"#
        );
        assert!(text.contains(r#"<meta name="ncc:depth" content="2"/>"#));
        assert!(text.contains(r#"<meta name="ncc:tocItems" content="3"/>"#));
        assert!(text.contains(r#"<meta name="ncc:files" content="7"/>"#));
        // 1000 + 500 + 1 (8 samples round up) ms
        assert!(
            text.contains(r#"<meta name="ncc:totalTime" content="00:00:02" scheme="hh:mm:ss"/>"#)
        );
        assert!(text.contains(r#"<meta name="ncc:narrator" content="kal16 (flite)"/>"#));
        assert!(text.starts_with(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\""
        ));
    }

    #[test]
    fn smil_times_follow_the_chapters() {
        let b = book(&[(1, "Title", 16_000), (2, "Two", 24_008)]);
        let second = smil(&b, 1);
        assert!(second.contains(r#"<meta name="ncc:timeInThisSmil" content="00:00:01.501"/>"#));
        assert!(second.contains(r#"<meta name="ncc:totalElapsedTime" content="00:00:01.000"/>"#));
        assert!(second.contains(r#"<seq id="seq_0002" dur="1.501s">"#));
        assert!(second.contains(r#"<text id="txt_0002" src="ncc.html#nav_0002"/>"#));
        assert!(second.contains(
            r#"<audio id="aud_0002" src="02-c.wav" clip-begin="npt=0.000s" clip-end="npt=1.501s"/>"#
        ));
        assert!(second.contains(
            r#"<meta name="dc:title" content="Knee &lt;replacement&gt; &amp; &quot;you&quot;"/>"#
        ));
        let first = smil(&b, 0);
        assert!(first.contains(r#"<meta name="ncc:totalElapsedTime" content="00:00:00.000"/>"#));
    }

    #[test]
    fn output_is_deterministic() {
        let b = book(&[(1, "Title", 16_000), (2, "Two", 24_008)]);
        assert_eq!(ncc(&b), ncc(&b));
        assert_eq!(smil(&b, 1), smil(&b, 1));
    }

    #[test]
    fn control_characters_are_dropped_and_empty_titles_named() {
        let b = book(&[(1, "Ti\u{0007}tle\n\tnow", 16_000), (2, " \u{0001} ", 8)]);
        let text = ncc(&b);
        assert!(text.contains(">Title now</a>"), "{text}");
        assert!(text.contains(">Chapter 2</a>"), "{text}");
    }

    #[test]
    fn a_bad_language_or_empty_book_is_refused_with_what_to_do() {
        let mut b = book(&[(1, "Title", 16_000)]);
        b.language = "en_GB".into();
        let err = render_ncc(&b, &mut Vec::new()).unwrap_err().to_string();
        assert!(
            err.contains("`en_GB` is not a language code: give --lang"),
            "{err}"
        );
        let empty = book(&[]);
        let err = render_ncc(&empty, &mut Vec::new()).unwrap_err().to_string();
        assert!(err.contains("no chapters"), "{err}");
    }
}
