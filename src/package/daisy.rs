//! DAISY 2.02 talking book with full text: `ncc.html`, `content.html` and a
//! SMIL file per chapter.
//!
//! DAISY players and reading programs open `ncc.html`, list its headings as the
//! book's table of contents and follow each heading's link into a SMIL file.
//! There each utterance is a `par`: a fragment of `content.html` (the leaflet's
//! text, headings and paragraphs as the leaflet had them) and the stretch of
//! the chapter's audio that says it, so a player can show and highlight what
//! is being read and move from one heading, paragraph or list item to the
//! next. Every document is written with quick-xml's writer, so text is
//! escaped by the library, never by hand. The structure follows the DAISY
//! Consortium's validation schemas (`d202ncc.rng`, `d202smil.rng`, and for
//! `content.html` the XHTML 1.0 Transitional DTD they ship), including their
//! Schematron rules, which the integration tests check.
//!
//! The recording's own announcements (the opening and the closing) are in
//! `content.html` too, marked `class="announcement"`: they are in the audio,
//! so leaving them out would leave a reader looking at one sentence while
//! hearing another.
//!
//! No `master.smil` is written: it is optional in DAISY 2.02, its schema is
//! unfinished and carries no rules, and players navigate from `ncc.html`.

use std::io::{self, Write};
use std::path::Path;

use quick_xml::Writer;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use std::collections::{BTreeSet, HashMap, HashSet};

use roxmltree::Node;

use super::chapter_audio::numbered;
use super::check::{Checker, metas, parse};
use super::manifest::Manifest;
use super::{Book, BookChapter, Output, Packager};
use crate::clock;
use crate::clock::{parse_hms, parse_npt};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::plain;
use crate::script::Role;

/// The navigation file a DAISY player opens first.
pub const NCC_FILE: &str = "ncc.html";
/// The leaflet's text, which the SMIL files synchronise with the audio.
pub const CONTENT_FILE: &str = "content.html";

/// The NCC and the content document are both XHTML 1.0.
const XHTML_DOCTYPE: &str = r#"html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd""#;
const SMIL_DOCTYPE: &str =
    r#"smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd""#;
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const DAISY_FORMAT: &str = "Daisy 2.02";
/// Audio synchronised with the whole text, in DAISY 2.02's words.
const MULTIMEDIA_TYPE: &str = "audioFullText";
/// SMIL 1.0 needs a layout region for the text.
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
        "a DAISY 2.02 talking book with the leaflet's text"
    }

    /// The NCC, the content document and the chapters' `NN-….smil`.
    fn owns(&self, file: &str) -> bool {
        file == NCC_FILE || file == CONTENT_FILE || numbered(file, ".smil")
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
        let mut written = Vec::with_capacity(plan.entries.len() + 2);
        // The text and the SMIL files first and the NCC last: a player that
        // finds an NCC finds every file it links to.
        fsutil::write_atomic(&dir.join(CONTENT_FILE), |w| write_content(&plan, w))?;
        written.push(CONTENT_FILE.to_string());
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

/// Everything the documents say, worked out once so the NCC, the content
/// document and the SMIL files agree on names, ids and times.
pub(super) struct Plan {
    pub(super) title: String,
    pub(super) language: String,
    pub(super) identifier: String,
    pub(super) date: String,
    pub(super) publisher: String,
    pub(super) creator: String,
    pub(super) narrator: String,
    pub(super) generator: String,
    pub(super) entries: Vec<Entry>,
    pub(super) total_ms: u64,
    depth: u8,
}

/// One chapter: one NCC heading, its part of the content document and one
/// SMIL file.
pub(super) struct Entry {
    /// 1, 2, 3... in listening order; numbers the ids.
    pub(super) n: usize,
    /// Never more than one below the chapter before, and at most 6.
    pub(super) level: u8,
    pub(super) title: String,
    pub(super) audio: String,
    smil: String,
    pub(super) ms: u64,
    /// Time before this chapter starts, from the start of the book.
    elapsed_ms: u64,
    /// The chapter's heading first, then each utterance after it.
    pub(super) pars: Vec<Par>,
}

/// One utterance: an element of the content document and a `par` of the
/// chapter's SMIL file.
pub(super) struct Par {
    /// 1, 2, 3... within the chapter; numbers the ids.
    pub(super) k: usize,
    pub(super) role: Role,
    /// As the leaflet shows it, on one line.
    pub(super) text: String,
    /// Where its clip begins and ends in the chapter's audio, in
    /// milliseconds; `None` when it has no sound of its own.
    pub(super) clip: Option<(u64, u64)>,
}

impl Entry {
    fn heading_id(&self) -> String {
        format!("nav_{:04}", self.n)
    }

    /// The heading's `par`, where the NCC's link leads.
    fn first_par_id(&self) -> String {
        self.par_id("par", 1)
    }

    /// The id of the `k`th utterance's element, in the SMIL file or (with
    /// the `text` prefix) in the content document.
    pub(super) fn par_id(&self, prefix: &str, k: usize) -> String {
        format!("{prefix}_{:04}_{k:04}", self.n)
    }
}

impl Plan {
    /// Errors say what is wrong with the book; the caller adds the file.
    pub(super) fn new(book: &Book) -> std::result::Result<Plan, String> {
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
        let rate = u64::from(book.sample_rate);
        let mut elapsed_ms = 0;
        let mut entries = Vec::with_capacity(book.chapters.len());
        for (i, (chapter, level)) in book.chapters.iter().zip(levels).enumerate() {
            let ms = clock::millis(chapter.samples, rate);
            let title = xml_line(&chapter.title);
            let title = if title.is_empty() {
                format!("Chapter {}", i + 1)
            } else {
                title
            };
            let smil = Path::new(&chapter.file)
                .with_extension("smil")
                .to_string_lossy()
                .into_owned();
            entries.push(Entry {
                n: i + 1,
                level,
                pars: pars(chapter, &title, rate),
                title,
                audio: chapter.file.clone(),
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

    /// ncc.html, content.html, every SMIL file and every chapter's audio.
    fn file_count(&self) -> usize {
        2 + 2 * self.entries.len()
    }
}

/// A chapter's utterances as `par`s: its heading (titled as the NCC titles
/// it) and then each passage. Each clip runs from the first sample of its
/// utterance to the first of the next, the first from the chapter's start
/// and the last to its end, so the clips follow each other without a gap
/// and together play the whole file: the pause after an utterance is part
/// of its clip, and a jump to an utterance lands where its speech begins.
fn pars(chapter: &BookChapter, title: &str, rate: u64) -> Vec<Par> {
    let passages = &chapter.passages;
    let has_heading = passages.first().is_some_and(|p| p.role == Role::Heading);
    let mut items: Vec<(Role, String, u64)> = Vec::with_capacity(passages.len() + 1);
    if !has_heading {
        items.push((Role::Heading, title.to_string(), 0));
    }
    for (i, p) in passages.iter().enumerate() {
        if i == 0 && has_heading {
            items.push((Role::Heading, title.to_string(), 0));
            continue;
        }
        // Only the first is the chapter's heading.
        let role = match p.role {
            Role::Heading => Role::Paragraph,
            other => other,
        };
        items.push((role, xml_line(&p.display), p.span.start));
    }
    // Sample positions where each clip starts, kept in order and within the
    // chapter whatever the marks say, then the chapter's end.
    let mut bounds = vec![0];
    for &(_, _, start) in &items[1..] {
        let previous = bounds[bounds.len() - 1];
        bounds.push(start.clamp(previous, chapter.samples));
    }
    bounds.push(chapter.samples);
    let ms: Vec<u64> = bounds.iter().map(|&b| clock::millis(b, rate)).collect();
    items
        .into_iter()
        .enumerate()
        .map(|(i, (role, text, _))| Par {
            k: i + 1,
            role,
            text,
            clip: (ms[i] < ms[i + 1]).then_some((ms[i], ms[i + 1])),
        })
        .collect()
}

/// Start an XHTML document (the NCC or the content document): its root and
/// the start of its head, with the title.
fn start_xhtml<'a>(out: &'a mut dyn Write, plan: &Plan) -> io::Result<Xml<'a>> {
    let mut x = Xml::start(out, Some(XHTML_DOCTYPE))?;
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
    Ok(x)
}

fn write_ncc(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut x = start_xhtml(out, plan)?;
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
        ("dc:language", &plan.language),
        ("dc:publisher", &plan.publisher),
        ("ncc:charset", "utf-8"),
        ("ncc:depth", &depth),
        ("ncc:files", &files),
        ("ncc:generator", &plan.generator),
        ("ncc:multimediaType", MULTIMEDIA_TYPE),
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
        let href = format!("{}#{}", entry.smil, entry.first_par_id());
        x.indent(2)?;
        x.open_inline(&tag, &attrs)?;
        x.link(&href, &entry.title)?;
        x.close_inline(&tag)?;
    }
    x.close(1, "body")?;
    x.close(0, "html")?;
    x.finish()
}

/// The leaflet's text: each chapter's heading at the NCC's level for it,
/// then its paragraphs, list items (a run of them one list) and captions,
/// each an element with the id its `par` points at.
fn write_content(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut x = start_xhtml(out, plan)?;
    for (name, content) in [
        ("dc:title", plan.title.as_str()),
        ("dc:identifier", plan.identifier.as_str()),
        ("dc:format", DAISY_FORMAT),
        ("ncc:generator", plan.generator.as_str()),
    ] {
        x.empty(2, "meta", &[("name", name), ("content", content)])?;
    }
    x.close(1, "head")?;
    x.open(1, "body", &[])?;
    for entry in &plan.entries {
        write_passages(&mut x, entry, 2)?;
    }
    x.close(1, "body")?;
    x.close(0, "html")?;
    x.finish()
}

/// One chapter's text, at `depth`: its heading at the chapter's level, then
/// its paragraphs, list items (a run of them one list), captions and
/// announcements, each an element with the id (`text_…`) its `par` shows.
/// The DAISY content document and the EPUB's chapter documents both say it so.
pub(super) fn write_passages(x: &mut Xml, entry: &Entry, depth: usize) -> io::Result<()> {
    let mut in_list = false;
    for par in &entry.pars {
        let is_item = par.role == Role::ListItem;
        if is_item && !in_list {
            x.open(depth, "ul", &[])?;
        } else if !is_item && in_list {
            x.close(depth, "ul")?;
        }
        in_list = is_item;
        let heading = format!("h{}", entry.level);
        let (tag, class) = match par.role {
            Role::Heading => (heading.as_str(), (entry.n == 1).then_some("title")),
            Role::ListItem => ("li", None),
            Role::Caption => ("p", Some("caption")),
            Role::Announcement => ("p", Some("announcement")),
            Role::Paragraph => ("p", None),
        };
        let id = entry.par_id("text", par.k);
        let mut attrs = vec![("id", id.as_str())];
        if let Some(class) = class {
            attrs.insert(0, ("class", class));
        }
        let at = if is_item { depth + 1 } else { depth };
        x.text_element(at, tag, &attrs, &par.text)?;
    }
    if in_list {
        x.close(depth, "ul")?;
    }
    Ok(())
}

fn write_smil(plan: &Plan, entry: &Entry, out: &mut dyn Write) -> io::Result<()> {
    let n = entry.n;
    let mut x = Xml::start(out, Some(SMIL_DOCTYPE))?;
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
    for par in &entry.pars {
        let id = |prefix: &str| entry.par_id(prefix, par.k);
        x.open(3, "par", &[("id", &id("par")), ("endsync", "last")])?;
        let text_src = format!("{CONTENT_FILE}#{}", id("text"));
        x.empty(4, "text", &[("id", &id("txt")), ("src", &text_src)])?;
        // The clip sits in a seq inside the par. The schema also allows it
        // straight in the par, but this is the shape most DAISY 2.02 books
        // have, and reading software such as daisy-dtb looks for clips only
        // there. An utterance with no sound of its own has text alone.
        if let Some((begin, end)) = par.clip {
            x.open(4, "seq", &[("id", &id("aus"))])?;
            x.empty(
                5,
                "audio",
                &[
                    ("id", &id("aud")),
                    ("src", &entry.audio),
                    ("clip-begin", &clock::npt(begin)),
                    ("clip-end", &clock::npt(end)),
                ],
            )?;
            x.close(4, "seq")?;
        }
        x.close(3, "par")?;
    }
    x.close(2, "seq")?;
    x.close(1, "body")?;
    x.close(0, "smil")?;
    x.finish()
}

/// Element text, escaped by the library with quotes left as they are: HTML 4,
/// which older DAISY players render XHTML with, has no `&apos;` (XHTML 1.0,
/// appendix C.16), and the leaflet's apostrophes are many.
pub(super) fn text(text: &str) -> BytesText<'_> {
    BytesText::from_escaped(partial_escape(text))
}

/// A thin layer over quick-xml's writer that lays out one element a line, so
/// the files stay readable and heading text carries no stray whitespace.
/// The DAISY book and the EPUB write every document with it.
pub(super) struct Xml<'a> {
    w: Writer<&'a mut dyn Write>,
}

impl<'a> Xml<'a> {
    /// The XML declaration, then the DOCTYPE, if the document has one.
    pub(super) fn start(out: &'a mut dyn Write, doctype: Option<&str>) -> io::Result<Self> {
        let mut w = Writer::new(out);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        if let Some(doctype) = doctype {
            w.write_event(Event::Text(BytesText::new("\n")))?;
            // A fixed, trusted string: written as it is.
            w.write_event(Event::DocType(BytesText::from_escaped(doctype)))?;
        }
        Ok(Xml { w })
    }

    fn indent(&mut self, depth: usize) -> io::Result<()> {
        let gap = format!("\n{}", "  ".repeat(depth));
        self.w.write_event(Event::Text(BytesText::new(&gap)))
    }

    /// A link on the line already begun: `<a href="…">text</a>`.
    pub(super) fn link(&mut self, href: &str, text: &str) -> io::Result<()> {
        self.w
            .create_element("a")
            .with_attribute(("href", href))
            .write_text_content(self::text(text))?;
        Ok(())
    }

    /// A start tag on the line already begun.
    pub(super) fn open_inline(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Start(start))
    }

    /// An end tag on the line already begun.
    pub(super) fn close_inline(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    pub(super) fn open(
        &mut self,
        depth: usize,
        name: &str,
        attrs: &[(&str, &str)],
    ) -> io::Result<()> {
        self.indent(depth)?;
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Start(start))
    }

    pub(super) fn close(&mut self, depth: usize, name: &str) -> io::Result<()> {
        self.indent(depth)?;
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    pub(super) fn empty(
        &mut self,
        depth: usize,
        name: &str,
        attrs: &[(&str, &str)],
    ) -> io::Result<()> {
        self.indent(depth)?;
        let tag = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Empty(tag))
    }

    pub(super) fn text_element(
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
            .write_text_content(self::text(text))?;
        Ok(())
    }

    pub(super) fn finish(mut self) -> io::Result<()> {
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
pub(super) fn xml_line(text: &str) -> String {
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
    let mut seen = Seen {
        ncc_ids: ncc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect(),
        texts: HashMap::new(),
        files: BTreeSet::from([NCC_FILE.to_string()]),
    };
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
        let link = Link {
            smil,
            fragment,
            heading_id: item.attribute("id"),
            length: lengths.get(i).copied().unwrap_or(0) as f64 / m.audio.sample_rate.max(1) as f64,
        };
        total += check_smil(c, &link, &mut seen);
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
    check_files(c, &ncc, &seen);
}

/// What the check of a book gathers as it goes through the SMIL files.
struct Seen<'a> {
    ncc_ids: HashSet<&'a str>,
    /// Each text document the SMIL files show, read once: its elements' ids
    /// and names (`None` when it cannot be read, which is reported once).
    texts: HashMap<String, Option<HashMap<String, String>>>,
    /// Every file of the book, for `ncc:files`.
    files: BTreeSet<String>,
}

/// An NCC heading's link into its SMIL file.
struct Link<'a> {
    smil: &'a str,
    fragment: &'a str,
    heading_id: Option<&'a str>,
    /// How long the chapter's audio is, in seconds (0 when it is unreadable,
    /// which the chapter audio's check reports).
    length: f64,
}

/// `ncc:files` and `ncc:multimediaType` against the files the book uses.
fn check_files(c: &mut Checker, ncc: &roxmltree::Document, seen: &Seen) {
    let count = seen.files.len().to_string();
    if let [stated] = metas(ncc, "ncc:files")[..]
        && stated != count
    {
        c.problem(
            NCC_FILE,
            format!("ncc:files is {stated}, but the book has {count} files"),
        );
    }
    let kind = if seen.texts.is_empty() {
        "audioNcc"
    } else {
        MULTIMEDIA_TYPE
    };
    if let [stated] = metas(ncc, "ncc:multimediaType")[..]
        && stated != kind
    {
        c.problem(
            NCC_FILE,
            format!("ncc:multimediaType is {stated}, but the book is {kind}"),
        );
    }
}

/// One SMIL file: the link leads to its first par, every par's text is
/// there to show (the first the chapter's heading), and its clips play the
/// chapter's audio in order, within it and for as long as it lasts.
/// Returns how long its clips last.
fn check_smil(c: &mut Checker, link: &Link, seen: &mut Seen) -> f64 {
    let smil = link.smil;
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
    seen.files.insert(smil.to_string());
    let pars: Vec<Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("par"))
        .collect();
    if pars.first().and_then(|p| p.attribute("id")) != Some(link.fragment) {
        c.problem(
            smil,
            format!(
                "the NCC's link #{} does not lead to its first par",
                link.fragment
            ),
        );
    }
    for (i, par) in pars.iter().enumerate() {
        let src = par
            .children()
            .find(|n| n.has_tag_name("text"))
            .and_then(|t| t.attribute("src"));
        check_text(c, link, seen, src, i == 0);
    }
    check_clips(c, link, &doc, seen)
}

/// A par's text: a fragment of the NCC (a book of audio and NCC, whose text
/// is its headings) or of a content document that has it.
fn check_text(c: &mut Checker, link: &Link, seen: &mut Seen, src: Option<&str>, first: bool) {
    let smil = link.smil;
    let Some((file, id)) = src.and_then(|s| s.split_once('#')) else {
        return c.problem(smil, "a par's text names no fragment to show");
    };
    if file == NCC_FILE {
        if !seen.ncc_ids.contains(id) || (first && Some(id) != link.heading_id) {
            c.problem(
                smil,
                "a text element does not point back at its NCC heading",
            );
        }
        return;
    }
    seen.files.insert(file.to_string());
    let targets = seen
        .texts
        .entry(file.to_string())
        .or_insert_with(|| read_targets(c, file));
    match targets.as_ref().map(|t| t.get(id)) {
        None => {}
        Some(None) => c.problem(smil, format!("shows {file}#{id}, which is not there")),
        Some(Some(tag)) if first && !is_heading(tag) => c.problem(
            smil,
            format!("its first par shows {file}#{id}, a <{tag}>, not the chapter's heading"),
        ),
        Some(Some(_)) => {}
    }
}

fn is_heading(tag: &str) -> bool {
    tag.strip_prefix('h')
        .and_then(|l| l.parse::<u8>().ok())
        .is_some_and(|l| (1..=MAX_LEVEL).contains(&l))
}

/// A content document's elements by id, each id there once.
fn read_targets(c: &mut Checker, file: &str) -> Option<HashMap<String, String>> {
    let text = c.read(file)?;
    let doc = match parse(&text) {
        Ok(d) => d,
        Err(e) => {
            c.problem(file, format!("is not well-formed XML: {e}"));
            return None;
        }
    };
    let mut targets = HashMap::new();
    for node in doc.descendants() {
        let Some(id) = node.attribute("id") else {
            continue;
        };
        let tag = node.tag_name().name().to_string();
        if targets.insert(id.to_string(), tag).is_some() {
            c.problem(file, format!("has the id \"{id}\" more than once"));
        }
    }
    Some(targets)
}

/// The clips of one SMIL file, in the order a player plays them. Each kind
/// of fault is reported once a file, not once a clip.
fn check_clips(c: &mut Checker, link: &Link, doc: &roxmltree::Document, seen: &mut Seen) -> f64 {
    let smil = link.smil;
    let mut secs = 0.0;
    let mut at = 0.0;
    let (mut disordered, mut past_end, mut unreadable) = (false, false, false);
    for a in doc.descendants().filter(|n| n.has_tag_name("audio")) {
        let src = a.attribute("src").unwrap_or_default();
        if seen.files.insert(src.to_string()) && !c.dir.join(src).is_file() {
            c.problem(smil, format!("plays {src}, which is missing"));
        }
        let id = a.attribute("id").unwrap_or_default();
        let begin = a.attribute("clip-begin").and_then(parse_npt);
        let end = a.attribute("clip-end").and_then(parse_npt);
        let (Some(begin), Some(end)) = (begin, end) else {
            if !std::mem::replace(&mut unreadable, true) {
                c.problem(
                    smil,
                    format!("clip {id} has no clip-begin or clip-end it can read"),
                );
            }
            continue;
        };
        // Times are written to the millisecond.
        if (end < begin || begin < at - 0.0005) && !std::mem::replace(&mut disordered, true) {
            c.problem(
                smil,
                format!("clip {id} ({begin:.3}s to {end:.3}s) is out of order after {at:.3}s"),
            );
        }
        if link.length > 0.0 && end > link.length + 0.002 && !std::mem::replace(&mut past_end, true)
        {
            c.problem(
                smil,
                format!(
                    "clip {id} ends at {end:.3}s, past the end of {src} ({:.3}s)",
                    link.length
                ),
            );
        }
        at = end;
        secs += end - begin;
    }
    if (secs - link.length).abs() > 0.002 {
        c.problem(
            smil,
            format!(
                "its clips last {secs:.3}s; the chapter's audio lasts {:.3}s",
                link.length
            ),
        );
    }
    secs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Span;
    use crate::package::Passage;

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

    fn content(book: &Book) -> String {
        let plan = Plan::new(book).unwrap();
        let mut out = Vec::new();
        write_content(&plan, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Give chapter `n` (from 0) these utterances, each starting at a sample.
    fn say(book: &mut Book, n: usize, passages: &[(Role, &str, u64)]) {
        book.chapters[n].passages = passages
            .iter()
            .map(|&(role, display, start)| Passage {
                role,
                display: display.into(),
                spoken: display.into(),
                span: Span {
                    start,
                    end: start + 1,
                },
            })
            .collect();
    }

    /// A par as the tests see it: number, role, text, clip in milliseconds.
    type ParView = (usize, Role, String, Option<(u64, u64)>);

    fn pars_of(book: &Book, n: usize) -> Vec<ParView> {
        let plan = Plan::new(book).unwrap();
        plan.entries[n]
            .pars
            .iter()
            .map(|p| (p.k, p.role, p.text.clone(), p.clip))
            .collect()
    }

    #[test]
    fn clips_run_from_each_utterance_to_the_next_and_cover_the_chapter() {
        let mut b = book(&[(1, "Title", 16_000)]);
        say(
            &mut b,
            0,
            &[
                (Role::Heading, "Title", 8_000),
                (Role::Announcement, "An audio version.", 9_600),
                (Role::Paragraph, "Rest\nwell.", 12_800),
            ],
        );
        assert_eq!(
            pars_of(&b, 0),
            [
                (1, Role::Heading, "Title".into(), Some((0, 600))),
                (
                    2,
                    Role::Announcement,
                    "An audio version.".into(),
                    Some((600, 800))
                ),
                (3, Role::Paragraph, "Rest well.".into(), Some((800, 1000))),
            ]
        );
    }

    #[test]
    fn marks_out_of_order_or_past_the_end_still_give_clips_in_order() {
        let mut b = book(&[(1, "Title", 16_000)]);
        say(
            &mut b,
            0,
            &[
                (Role::Heading, "Title", 0),
                (Role::Paragraph, "One", 8_000),
                (Role::Paragraph, "Two", 4_000),
                (Role::ListItem, "Three", 99_000),
            ],
        );
        let clips: Vec<_> = pars_of(&b, 0).into_iter().map(|p| p.3).collect();
        // "Two" is marked before "One" and "Three" after the chapter's end:
        // each is kept where the one before it ends, so "One" and "Three"
        // are left with no sound of their own and are shown with no clip.
        assert_eq!(clips, [Some((0, 500)), None, Some((500, 1000)), None]);
        let text = smil(&b, 0);
        assert!(text.contains(
            "<par id=\"par_0001_0002\" endsync=\"last\">\n        \
             <text id=\"txt_0001_0002\" src=\"content.html#text_0001_0002\"/>\n      </par>"
        ));
    }

    #[test]
    fn a_chapter_not_opening_with_its_heading_is_given_one() {
        let mut b = book(&[(1, "Title", 16_000)]);
        say(&mut b, 0, &[(Role::Paragraph, "Hello.", 8_000)]);
        assert_eq!(
            pars_of(&b, 0),
            [
                (1, Role::Heading, "Title".into(), Some((0, 500))),
                (2, Role::Paragraph, "Hello.".into(), Some((500, 1000))),
            ]
        );
    }

    #[test]
    fn the_content_document_has_the_leaflets_text_in_its_shape() {
        let mut b = book(&[(1, "Title", 16_000), (3, "Deep & <low>", 16_000)]);
        say(
            &mut b,
            0,
            &[
                (Role::Heading, "Title", 0),
                (Role::Announcement, "An audio version.", 100),
                (Role::Paragraph, "Take 2 tablets & rest.", 200),
            ],
        );
        say(
            &mut b,
            1,
            &[
                (Role::Heading, "Deep & <low>", 0),
                (Role::ListItem, "ice", 100),
                (Role::ListItem, "rest", 200),
                (Role::Caption, "Figure 1: a knee", 300),
                (Role::ListItem, "walk", 400),
            ],
        );
        let text = content(&b);
        let body = &text[text.find("<body>").unwrap()..];
        let lines: Vec<&str> = body.lines().map(str::trim).collect();
        assert_eq!(
            lines,
            [
                "<body>",
                r#"<h1 class="title" id="text_0001_0001">Title</h1>"#,
                r#"<p class="announcement" id="text_0001_0002">An audio version.</p>"#,
                r#"<p id="text_0001_0003">Take 2 tablets &amp; rest.</p>"#,
                r#"<h2 id="text_0002_0001">Deep &amp; &lt;low&gt;</h2>"#,
                "<ul>",
                r#"<li id="text_0002_0002">ice</li>"#,
                r#"<li id="text_0002_0003">rest</li>"#,
                "</ul>",
                r#"<p class="caption" id="text_0002_0004">Figure 1: a knee</p>"#,
                "<ul>",
                r#"<li id="text_0002_0005">walk</li>"#,
                "</ul>",
                "</body>",
                "</html>",
            ]
        );
        assert!(text.contains(r#"<meta name="dc:format" content="Daisy 2.02"/>"#));
        assert!(
            text.contains(r#"<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">"#)
        );
        assert!(text.starts_with(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\""
        ));
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
            text.contains(r#"Risks &lt; benefits &amp; "side" 'effects'"#),
            "{text}"
        );
        assert!(text.contains(r#"<title>Knee &lt;replacement&gt; &amp; "you"</title>"#));
        assert!(text.contains(r#"content="St Elsewhere &amp; Co""#));
        let open = r#"<a href="02-c.smil#par_0002_0001">"#;
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
            r#"<h1 class="title" id="nav_0001"><a href="01-c.smil#par_0001_0001">Title</a></h1>"#
        );
        assert_eq!(
            lines[2],
            r#"<h2 id="nav_0002"><a href="02-c.smil#par_0002_0001">Deep</a></h2>"#
        );
        assert_eq!(
            lines[3],
            r#"<h1 id="nav_0003"><a href="03-c.smil#par_0003_0001">Back</a></h1>"#
        );
        assert!(text.contains(r#"<meta name="ncc:depth" content="2"/>"#));
        assert!(text.contains(r#"<meta name="ncc:tocItems" content="3"/>"#));
        // The NCC, the content document, three SMIL files and three WAVs.
        assert!(text.contains(r#"<meta name="ncc:files" content="8"/>"#));
        assert!(text.contains(r#"<meta name="ncc:multimediaType" content="audioFullText"/>"#));
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
        // A chapter without passages is its heading, for the whole clip.
        assert!(second.contains(r#"<par id="par_0002_0001" endsync="last">"#));
        assert!(second.contains(r#"<text id="txt_0002_0001" src="content.html#text_0002_0001"/>"#));
        assert!(second.contains(
            r#"<audio id="aud_0002_0001" src="02-c.wav" clip-begin="npt=0.000s" clip-end="npt=1.501s"/>"#
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
