//! `leaflet.epub`: the leaflet as an EPUB 3 e-book with Media Overlays, its
//! text read aloud in sync.
//!
//! E-book readers with Media Overlays (Thorium, Apple Books, many DAISY
//! reading apps) show the text and highlight each passage as its audio plays;
//! the others still show the text. The book holds a navigation document from
//! the chapters (nested by level), one XHTML document and one SMIL overlay per
//! chapter, each passage an element with an id and a `par` that plays its
//! clip, and the chapter audio as MP3 (an EPUB core media type; WAV is not,
//! so a `--audio wav` package gets MP3s encoded from the same samples). The
//! text, the levels and the clips are the DAISY book's ([`super::daisy`]'s
//! plan), so the two formats never disagree.
//!
//! The container follows the OCF rules readers rely on: `mimetype` first,
//! stored, with no extra field; the text deflated; the MP3s stored, as they
//! do not compress. Every entry carries the book's date, so the same book
//! gives the same bytes.

use std::collections::{HashMap, HashSet};
use std::io::{self, Read, Write};
use std::path::Path;

use roxmltree::Document;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::check::Checker;
use super::daisy::{Entry, Plan, Xml, write_passages, xml_line};
use super::manifest::Manifest;
use super::{AudioFormat, Book, Output, Packager};
use crate::audio::{self, mp3};
use crate::clock;
use crate::error::{Error, Result};
use crate::fsutil;

/// The e-book in a package folder.
pub const EPUB_FILE: &str = "leaflet.epub";

const MIMETYPE: &str = "application/epub+zip";
const CONTAINER: &str = "META-INF/container.xml";
/// The package document, and the folder everything it lists is in.
const OPF: &str = "EPUB/package.opf";
const ROOT: &str = "EPUB/";
const NAV: &str = "nav.xhtml";
const CSS: &str = "style.css";
/// The class a reading system gives the element being read (`media:active-class`).
const ACTIVE_CLASS: &str = "-epub-media-overlay-active";

const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const OPS_NS: &str = "http://www.idpf.org/2007/ops";
const OPF_NS: &str = "http://www.idpf.org/2007/opf";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const SMIL_NS: &str = "http://www.w3.org/ns/SMIL";
const CONTAINER_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:container";
const XHTML_TYPE: &str = "application/xhtml+xml";
const SMIL_TYPE: &str = "application/smil+xml";
const MP3_TYPE: &str = "audio/mpeg";

/// The zip entries' date when the book's cannot be one (zip dates run from 1980).
const FALLBACK_DATE: (u16, u8, u8) = (1980, 1, 1);

const STYLE: &str = "\
body { font-family: sans-serif; line-height: 1.5; margin: 0 1em; }
h1, h2, h3, h4, h5, h6 { line-height: 1.2; }
.announcement { font-style: italic; color: #4a4a4a; }
.caption { font-style: italic; }
.-epub-media-overlay-active { background-color: #ffe45c; color: #000; }
";

/// What the book says about itself (`schema:accessibilitySummary`), for
/// readers that tell people: in Spanish for Spanish leaflets (as the web
/// player's labels are), else in English; with its language.
fn summary(language: &str) -> (&'static str, &'static str) {
    if language == "es" || language.starts_with("es-") {
        (
            "es",
            "El texto del folleto con su narración: cada pasaje se resalta mientras se lee. \
             Los encabezados y el índice siguen las secciones del folleto.",
        )
    } else {
        (
            "en",
            "The leaflet's text with its narration: each passage is highlighted as it is read. \
             Headings and the table of contents follow the leaflet's sections.",
        )
    }
}

/// The `epub` packager.
pub struct Epub;

impl Packager for Epub {
    fn name(&self) -> &'static str {
        "epub"
    }

    fn about(&self) -> &'static str {
        "leaflet.epub, an EPUB 3 e-book of the text read aloud in sync (Media Overlays)"
    }

    fn owns(&self, file: &str) -> bool {
        file == EPUB_FILE
    }

    fn write(&self, book: &Book, out: &Output) -> Result<Vec<String>> {
        let path = out.dir.join(EPUB_FILE);
        let cannot = |why: String| {
            Error::Other(format!("cannot write the EPUB `{}`: {why}", path.display()))
        };
        let plan = Plan::new(book).map_err(cannot)?;
        let earlier = match (book.audio_format, out.previous) {
            (AudioFormat::Wav, Some(old)) => encoded_before(old),
            _ => HashMap::new(),
        };
        let audio = chapter_mp3s(book, &earlier).map_err(cannot)?;
        drop(earlier);
        fsutil::write_file_atomic(&path, |file| {
            let mut out = io::BufWriter::with_capacity(fsutil::IO_BUFFER, file);
            render(book, &plan, &audio, &mut out)?;
            out.flush()
        })?;
        Ok(vec![EPUB_FILE.to_string()])
    }

    fn check(&self, c: &mut Checker, m: &Manifest) {
        if c.has(EPUB_FILE) {
            check_epub(c, m);
        }
    }
}

/// Where a chapter's MP3 comes from for the book.
#[derive(Debug, PartialEq)]
enum Mp3 {
    /// The package's own chapter file, copied into the zip as it is written
    /// rather than read whole first: a leaflet's MP3s are megabytes.
    File(std::path::PathBuf),
    /// Encoded for a WAV package, or taken from the old package's book.
    Bytes(Vec<u8>),
}

/// Each chapter's MP3: the package's own, or for a WAV package one encoded
/// from the chapter's samples, unless the old package's book has it already
/// (`earlier`, by the chapter's audio key). Each must hold exactly the
/// chapter's samples, or the overlays' clips would fall in the wrong places.
fn chapter_mp3s(
    book: &Book,
    earlier: &HashMap<String, Vec<u8>>,
) -> std::result::Result<Vec<Mp3>, String> {
    book.chapters
        .iter()
        .map(|chapter| {
            let before = earlier.get(&chapter.audio_key).filter(|b| {
                !chapter.audio_key.is_empty()
                    && mp3::frames(b).is_some_and(|s| s.samples == chapter.samples)
            });
            let (mp3, samples) = match (book.audio_format, before) {
                (AudioFormat::Mp3, _) => {
                    let path = &chapter.audio;
                    if let Err(e) = std::fs::File::open(path) {
                        return Err(format!("cannot read `{}`: {e}", path.display()));
                    }
                    let samples = mp3::file_frames(path).map(|s| s.samples);
                    (Mp3::File(path.clone()), samples)
                }
                (AudioFormat::Wav, Some(bytes)) => (
                    Mp3::Bytes(bytes.clone()),
                    mp3::frames(bytes).map(|s| s.samples),
                ),
                (AudioFormat::Wav, None) => {
                    let samples = audio::read_wav(&chapter.pcm).map_err(|e| e.to_string())?;
                    let bytes = mp3::encode(&samples, book.sample_rate)?;
                    let n = mp3::frames(&bytes).map(|s| s.samples);
                    (Mp3::Bytes(bytes), n)
                }
            };
            if samples != Some(chapter.samples) {
                return Err(format!(
                    "the MP3 of chapter {} does not hold its {} samples: build with --force",
                    chapter.index, chapter.samples
                ));
            }
            Ok(mp3)
        })
        .collect()
}

/// The MP3s in the EPUB of the package `old`, by their chapters' audio keys
/// (from its manifest): a rebuild of a WAV package takes those whose audio
/// has not changed instead of encoding them again, as the encoder gives the
/// same bytes for the same samples. Empty when there is nothing to take.
fn encoded_before(old: &Path) -> HashMap<String, Vec<u8>> {
    let manifest: Option<Manifest> = std::fs::read_to_string(old.join(super::MANIFEST_FILE))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    let zip = std::fs::File::open(old.join(EPUB_FILE))
        .ok()
        .and_then(|f| ZipArchive::new(io::BufReader::new(f)).ok());
    let (Some(manifest), Some(mut zip)) = (manifest, zip) else {
        return HashMap::new();
    };
    let mut found = HashMap::new();
    for chapter in manifest.chapters {
        let name = format!("{ROOT}{}", audio_name(&chapter.file, chapter.index));
        let mut bytes = Vec::new();
        let read = zip
            .by_name(&name)
            .is_ok_and(|mut entry| entry.read_to_end(&mut bytes).is_ok());
        if read && !chapter.audio_key.is_empty() {
            found.insert(chapter.audio_key, bytes);
        }
    }
    found
}

/// The chapter's MP3 in the book: `audio/` and the name of its file in the
/// package, or its number when that name cannot be a URL as it is (chapter
/// files are named in ASCII letters, digits and hyphens).
fn audio_name(file: &str, n: usize) -> String {
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let safe = !stem.is_empty()
        && stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if safe {
        format!("audio/{stem}.mp3")
    } else {
        format!("audio/{n:02}.mp3")
    }
}

/// Where each chapter's files are in the book, relative to the package document.
struct Names {
    xhtml: String,
    smil: String,
    audio: String,
}

impl Names {
    fn of(entry: &Entry) -> Names {
        Names {
            xhtml: format!("chapter-{:02}.xhtml", entry.n),
            smil: format!("chapter-{:02}.smil", entry.n),
            audio: audio_name(&entry.audio, entry.n),
        }
    }
}

/// The whole book as a zip file, written to `out`.
fn render<W: Write + io::Seek>(book: &Book, plan: &Plan, audio: &[Mp3], out: W) -> io::Result<W> {
    let mut zip = ZipWriter::new(out);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(zip_date(&book.date))
        .unix_permissions(0o644);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    // `deflate`: text, deflated if long enough to gain from it.
    let put = |zip: &mut ZipWriter<W>, name: &str, deflate: bool, bytes: &[u8]| {
        let deflate = deflate && bytes.len() >= super::DEFLATE_FROM;
        zip.start_file(name, if deflate { deflated } else { stored })
            .map_err(io::Error::other)?;
        zip.write_all(bytes)
    };
    put(&mut zip, "mimetype", false, MIMETYPE.as_bytes())?;
    put(&mut zip, CONTAINER, true, &document(write_container)?)?;
    put(
        &mut zip,
        OPF,
        true,
        &document(|w| write_opf(book, plan, w))?,
    )?;
    put(
        &mut zip,
        &format!("{ROOT}{NAV}"),
        true,
        &document(|w| write_nav(plan, w))?,
    )?;
    put(&mut zip, &format!("{ROOT}{CSS}"), true, STYLE.as_bytes())?;
    for (entry, mp3) in plan.entries.iter().zip(audio) {
        let names = Names::of(entry);
        let xhtml = document(|w| write_chapter(plan, entry, w))?;
        put(&mut zip, &format!("{ROOT}{}", names.xhtml), true, &xhtml)?;
        let smil = document(|w| write_smil(entry, &names, w))?;
        put(&mut zip, &format!("{ROOT}{}", names.smil), true, &smil)?;
        let name = format!("{ROOT}{}", names.audio);
        match mp3 {
            Mp3::Bytes(bytes) => put(&mut zip, &name, false, bytes)?,
            Mp3::File(path) => {
                zip.start_file(name, stored).map_err(io::Error::other)?;
                fsutil::copy_file_into(path, &mut zip)?;
            }
        }
    }
    zip.finish().map_err(io::Error::other)
}

fn document(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    write(&mut out)?;
    Ok(out)
}

/// The book's date (`YYYY-MM-DD`, checked by the plan) at midnight.
fn zip_date(date: &str) -> DateTime {
    let part = |range: std::ops::Range<usize>| date.get(range).and_then(|p| p.parse().ok());
    let (y, m, d) = (part(0..4), part(5..7), part(8..10));
    let ymd = match (y, m, d) {
        (Some(y), Some(m), Some(d)) => (y, m as u8, d as u8),
        _ => FALLBACK_DATE,
    };
    DateTime::from_date_and_time(ymd.0, ymd.1, ymd.2, 0, 0, 0).unwrap_or_else(|_| {
        let (y, m, d) = FALLBACK_DATE;
        DateTime::from_date_and_time(y, m, d, 0, 0, 0).expect("a valid zip date")
    })
}

fn write_container(out: &mut dyn Write) -> io::Result<()> {
    let mut x = Xml::start(out, None)?;
    x.open(
        0,
        "container",
        &[("version", "1.0"), ("xmlns", CONTAINER_NS)],
    )?;
    x.open(1, "rootfiles", &[])?;
    x.empty(
        2,
        "rootfile",
        &[
            ("full-path", OPF),
            ("media-type", "application/oebps-package+xml"),
        ],
    )?;
    x.close(1, "rootfiles")?;
    x.close(0, "container")?;
    x.finish()
}

/// The id of a chapter's overlay in the package document.
fn overlay_id(entry: &Entry) -> String {
    format!("mo-{:04}", entry.n)
}

/// The package document: metadata (with each overlay's `media:duration`
/// and their total), every file, and the chapters in reading order.
fn write_opf(book: &Book, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut x = Xml::start(out, None)?;
    x.open(
        0,
        "package",
        &[
            ("xmlns", OPF_NS),
            ("version", "3.0"),
            ("unique-identifier", "pub-id"),
            ("xml:lang", &plan.language),
        ],
    )?;
    x.open(1, "metadata", &[("xmlns:dc", DC_NS)])?;
    x.text_element(2, "dc:identifier", &[("id", "pub-id")], &plan.identifier)?;
    x.text_element(2, "dc:title", &[], &plan.title)?;
    x.text_element(2, "dc:language", &[], &plan.language)?;
    let organisation = book.organisation.as_deref().map(xml_line);
    if let Some(organisation) = organisation.filter(|o| !o.is_empty()) {
        x.text_element(2, "dc:creator", &[], &organisation)?;
    }
    x.text_element(2, "dc:publisher", &[], &plan.publisher)?;
    x.text_element(2, "dc:date", &[], &plan.date)?;
    let modified = format!("{}T00:00:00Z", plan.date);
    x.text_element(2, "meta", &[("property", "dcterms:modified")], &modified)?;
    for entry in &plan.entries {
        let refines = format!("#{}", overlay_id(entry));
        let attrs = [
            ("property", "media:duration"),
            ("refines", refines.as_str()),
        ];
        x.text_element(2, "meta", &attrs, &clock::hms_millis(entry.ms))?;
    }
    let total = clock::hms_millis(plan.total_ms);
    x.text_element(2, "meta", &[("property", "media:duration")], &total)?;
    x.text_element(2, "meta", &[("property", "media:narrator")], &plan.narrator)?;
    x.text_element(
        2,
        "meta",
        &[("property", "media:active-class")],
        ACTIVE_CLASS,
    )?;
    let (summary_lang, summary) = summary(&plan.language);
    let accessibility: [(&str, &str); 9] = [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "auditory"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessModeSufficient", "auditory"),
        ("schema:accessibilityFeature", "synchronizedAudioText"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
    ];
    for (property, value) in accessibility {
        let mut attrs = vec![("property", property)];
        if property == "schema:accessibilitySummary" {
            attrs.push(("xml:lang", summary_lang));
        }
        x.text_element(2, "meta", &attrs, value)?;
    }
    x.close(1, "metadata")?;
    x.open(1, "manifest", &[])?;
    x.empty(
        2,
        "item",
        &[
            ("id", "nav"),
            ("href", NAV),
            ("media-type", XHTML_TYPE),
            ("properties", "nav"),
        ],
    )?;
    x.empty(
        2,
        "item",
        &[("id", "css"), ("href", CSS), ("media-type", "text/css")],
    )?;
    for entry in &plan.entries {
        let names = Names::of(entry);
        let (text, overlay) = (format!("text-{:04}", entry.n), overlay_id(entry));
        let sound = format!("audio-{:04}", entry.n);
        x.empty(
            2,
            "item",
            &[
                ("id", &text),
                ("href", &names.xhtml),
                ("media-type", XHTML_TYPE),
                ("media-overlay", &overlay),
            ],
        )?;
        x.empty(
            2,
            "item",
            &[
                ("id", &overlay),
                ("href", &names.smil),
                ("media-type", SMIL_TYPE),
            ],
        )?;
        x.empty(
            2,
            "item",
            &[
                ("id", &sound),
                ("href", &names.audio),
                ("media-type", MP3_TYPE),
            ],
        )?;
    }
    x.close(1, "manifest")?;
    x.open(1, "spine", &[])?;
    for entry in &plan.entries {
        x.empty(2, "itemref", &[("idref", &format!("text-{:04}", entry.n))])?;
    }
    x.close(1, "spine")?;
    x.close(0, "package")?;
    x.finish()
}

/// An XHTML document of the book: its root, and a head with the title and
/// the style sheet. The caller writes the body.
fn start_xhtml<'a>(out: &'a mut dyn Write, lang: &str, title: &str) -> io::Result<Xml<'a>> {
    let mut x = Xml::start(out, Some("html"))?;
    x.open(
        0,
        "html",
        &[
            ("xmlns", XHTML_NS),
            ("xmlns:epub", OPS_NS),
            ("lang", lang),
            ("xml:lang", lang),
        ],
    )?;
    x.open(1, "head", &[])?;
    x.empty(2, "meta", &[("charset", "utf-8")])?;
    x.text_element(2, "title", &[], title)?;
    x.empty(
        2,
        "link",
        &[("rel", "stylesheet"), ("type", "text/css"), ("href", CSS)],
    )?;
    x.close(1, "head")?;
    Ok(x)
}

/// The navigation document: the chapters as a list of links, a chapter's
/// subsections in a list inside its item. The plan's levels never go down
/// more than one at a time, so each inner list opens inside an item.
fn write_nav(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut x = start_xhtml(out, &plan.language, &plan.title)?;
    x.open(1, "body", &[])?;
    x.open(
        2,
        "nav",
        &[("epub:type", "toc"), ("id", "toc"), ("role", "doc-toc")],
    )?;
    x.text_element(3, "h1", &[], &plan.title)?;
    x.open(3, "ol", &[])?;
    let depth = |level: u8| 2 + 2 * usize::from(level);
    for (i, entry) in plan.entries.iter().enumerate() {
        let names = Names::of(entry);
        let href = format!("{}#{}", names.xhtml, entry.par_id("text", 1));
        x.open(depth(entry.level), "li", &[])?;
        x.link(&href, &entry.title)?;
        let next = plan.entries.get(i + 1).map_or(1, |e| e.level);
        if next > entry.level {
            x.open(depth(entry.level) + 1, "ol", &[])?;
            continue;
        }
        x.close_inline("li")?;
        for level in (next..entry.level).rev() {
            x.close(depth(level) + 1, "ol")?;
            x.close(depth(level), "li")?;
        }
    }
    x.close(3, "ol")?;
    x.close(2, "nav")?;
    x.close(1, "body")?;
    x.close(0, "html")?;
    x.finish()
}

/// One chapter's text: its heading and passages, as in the DAISY book.
fn write_chapter(plan: &Plan, entry: &Entry, out: &mut dyn Write) -> io::Result<()> {
    let mut x = start_xhtml(out, &plan.language, &entry.title)?;
    x.open(1, "body", &[])?;
    x.open(2, "section", &[("id", &format!("chapter_{:04}", entry.n))])?;
    write_passages(&mut x, entry, 3)?;
    x.close(2, "section")?;
    x.close(1, "body")?;
    x.close(0, "html")?;
    x.finish()
}

/// One chapter's overlay: a `par` per passage, its text and its clip.
fn write_smil(entry: &Entry, names: &Names, out: &mut dyn Write) -> io::Result<()> {
    let mut x = Xml::start(out, None)?;
    x.open(
        0,
        "smil",
        &[
            ("xmlns", SMIL_NS),
            ("xmlns:epub", OPS_NS),
            ("version", "3.0"),
        ],
    )?;
    x.open(1, "body", &[("epub:textref", &names.xhtml)])?;
    for par in &entry.pars {
        let id = |prefix: &str| entry.par_id(prefix, par.k);
        x.open(2, "par", &[("id", &id("par"))])?;
        let src = format!("{}#{}", names.xhtml, id("text"));
        x.empty(3, "text", &[("src", &src)])?;
        if let Some((begin, end)) = par.clip {
            x.empty(
                3,
                "audio",
                &[
                    ("src", &names.audio),
                    ("clipBegin", &clock::timecount(begin)),
                    ("clipEnd", &clock::timecount(end)),
                ],
            )?;
        }
        x.close(2, "par")?;
    }
    x.close(1, "body")?;
    x.close(0, "smil")?;
    x.finish()
}

/// How far a clip may run past its audio's end, or overlays' durations miss
/// their total: times are written to the millisecond.
const SLACK_S: f64 = 0.002;

/// `leaflet.epub` in a finished package: the container's rules, the package
/// document listing exactly the files there are, and each overlay showing
/// text that is there and playing its chapter's audio in order, within it,
/// for the duration it states; the durations adding up to the total.
fn check_epub(c: &mut Checker, m: &Manifest) {
    let opened = std::fs::File::open(c.dir.join(EPUB_FILE)).and_then(|mut f| {
        let mut start = Vec::new();
        (&mut f).take(64).read_to_end(&mut start)?;
        Ok((start, f))
    });
    let (start, file) = match opened {
        Ok(o) => o,
        Err(e) => return c.problem(EPUB_FILE, format!("cannot be read ({e})")),
    };
    if let Err(why) = check_mimetype(&start) {
        c.problem(EPUB_FILE, why);
    }
    let book = match Epub3::read(io::BufReader::with_capacity(64 * 1024, file)) {
        Ok((book, unread)) => {
            for why in unread {
                c.problem(EPUB_FILE, why);
            }
            book
        }
        Err(why) => return c.problem(EPUB_FILE, why),
    };
    let mut problems = Vec::new();
    book.check(m, &mut problems);
    for why in problems {
        c.problem(EPUB_FILE, why);
    }
}

/// OCF: the first entry is `mimetype`, stored, with no extra field, and
/// says `application/epub+zip`, so its bytes sit at a fixed place that
/// readers (and `file`) look at.
fn check_mimetype(bytes: &[u8]) -> std::result::Result<(), String> {
    let le16 = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let fine = bytes.starts_with(b"PK\x03\x04")
        && le16(8) == Some(0)
        && le16(26) == Some(8)
        && le16(28) == Some(0)
        && bytes.get(30..38) == Some(b"mimetype")
        && bytes.get(38..38 + MIMETYPE.len()) == Some(MIMETYPE.as_bytes());
    if fine {
        Ok(())
    } else {
        Err(format!(
            "does not start with a stored `mimetype` entry saying {MIMETYPE} and no extra field"
        ))
    }
}

/// An EPUB's entries by name, read out of the zip for the check: each
/// whole, but an MP3 only as far as its tags ([`mp3::read_head`]), which is
/// all the check reads of it.
struct Epub3 {
    entries: HashMap<String, Vec<u8>>,
}

/// One `item` of the package document, its `href` resolved to an entry name.
struct Item {
    id: String,
    path: String,
    media_type: String,
    overlay: Option<String>,
}

impl Epub3 {
    /// The entries of the EPUB read from `zip`, and what could not be read.
    /// Every entry is read to its end, so the zip reader checks each one's
    /// CRC, the audio's included.
    fn read(zip: impl Read + io::Seek) -> std::result::Result<(Epub3, Vec<String>), String> {
        let mut zip = ZipArchive::new(zip).map_err(|e| format!("is not a zip file ({e})"))?;
        let mut entries = HashMap::new();
        let mut unread = Vec::new();
        for i in 0..zip.len() {
            let Ok(mut entry) = zip.by_index(i) else {
                unread.push(format!("entry {i} cannot be read"));
                continue;
            };
            let name = entry.name().to_string();
            let data = if name.ends_with(".mp3") {
                mp3::read_head(&mut entry)
                    .and_then(|head| io::copy(&mut entry, &mut io::sink()).map(|_| head))
            } else {
                let mut data = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
                entry.read_to_end(&mut data).map(|_| data)
            };
            match data {
                Ok(data) => {
                    entries.insert(name, data);
                }
                Err(e) => unread.push(format!("{name} cannot be read ({e})")),
            }
        }
        Ok((Epub3 { entries }, unread))
    }

    fn text(&self, name: &str, problems: &mut Vec<String>) -> Option<&str> {
        match self.entries.get(name).map(|b| std::str::from_utf8(b)) {
            Some(Ok(text)) => Some(text),
            Some(Err(_)) => {
                problems.push(format!("{name} is not UTF-8"));
                None
            }
            None => {
                problems.push(format!("has no {name}"));
                None
            }
        }
    }

    fn check(&self, m: &Manifest, problems: &mut Vec<String>) {
        let Some(container) = self.text(CONTAINER, problems) else {
            return;
        };
        let opf_path = Document::parse(container).ok().and_then(|d| {
            d.descendants()
                .find(|n| n.has_tag_name("rootfile"))
                .and_then(|n| n.attribute("full-path"))
                .map(str::to_string)
        });
        let Some(opf_path) = opf_path else {
            return problems.push(format!("{CONTAINER} names no package document"));
        };
        let Some(opf_text) = self.text(&opf_path, problems) else {
            return;
        };
        let opf = match Document::parse(opf_text) {
            Ok(d) => d,
            Err(e) => return problems.push(format!("{opf_path} is not well-formed XML: {e}")),
        };
        let base = opf_path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let items: Vec<Item> = opf
            .descendants()
            .filter(|n| n.has_tag_name("item"))
            .map(|n| Item {
                id: n.attribute("id").unwrap_or_default().to_string(),
                path: resolve(base, n.attribute("href").unwrap_or_default()),
                media_type: n.attribute("media-type").unwrap_or_default().to_string(),
                overlay: n.attribute("media-overlay").map(str::to_string),
            })
            .collect();
        self.check_files(&opf_path, &items, problems);
        let durations = durations(&opf);
        let mut total = 0.0;
        let mut overlays = 0;
        for item in &items {
            let Some(overlay) = &item.overlay else {
                continue;
            };
            let Some(smil) = items.iter().find(|i| &i.id == overlay) else {
                problems.push(format!(
                    "{}'s media overlay #{overlay} is not listed",
                    item.path
                ));
                continue;
            };
            let length = m.chapters.get(overlays).map_or(0.0, |ch| ch.duration_s);
            overlays += 1;
            let secs = self.check_overlay(&smil.path, length, problems);
            let refines = format!("#{overlay}");
            let stated = durations.get(&Some(refines));
            if stated.is_none_or(|&d| (d - secs).abs() > SLACK_S) {
                problems.push(format!(
                    "{opf_path}: the media:duration of #{overlay} is not the {secs:.3}s its clips last"
                ));
            }
            total += stated.copied().unwrap_or(secs);
        }
        if overlays != m.chapters.len() {
            problems.push(format!(
                "{opf_path} has {overlays} media overlays for the {} chapters",
                m.chapters.len()
            ));
        }
        let stated = durations.get(&None);
        if stated.is_none_or(|&d| (d - total).abs() > SLACK_S) {
            problems.push(format!(
                "{opf_path}: the total media:duration is not the {total:.3}s the overlays add up to"
            ));
        }
        let active = opf.descendants().any(|n| {
            n.has_tag_name("meta") && n.attribute("property") == Some("media:active-class")
        });
        if !active {
            problems.push(format!("{opf_path} has no media:active-class"));
        }
    }

    /// Every entry but the container's own is listed, and every item is there.
    fn check_files(&self, opf_path: &str, items: &[Item], problems: &mut Vec<String>) {
        let listed: HashSet<&str> = items.iter().map(|i| i.path.as_str()).collect();
        let mut unlisted: Vec<&String> = self
            .entries
            .keys()
            .filter(|name| {
                name.as_str() != "mimetype"
                    && !name.starts_with("META-INF/")
                    && name.as_str() != opf_path
                    && !name.ends_with('/')
                    && !listed.contains(name.as_str())
            })
            .collect();
        unlisted.sort();
        for name in unlisted {
            problems.push(format!("{name} is not listed in {opf_path}"));
        }
        for item in items {
            if !self.entries.contains_key(&item.path) {
                problems.push(format!("{opf_path} lists {}, which is missing", item.path));
            }
            if item.path.ends_with(".mp3") && item.media_type != MP3_TYPE {
                problems.push(format!("{} is not listed as {MP3_TYPE}", item.path));
            }
        }
    }

    /// One overlay: each `par`'s text is an element of its document, and
    /// its clips play in order, within the audio, which lasts the chapter's
    /// `length`. Returns how long the clips last.
    fn check_overlay(&self, path: &str, length: f64, problems: &mut Vec<String>) -> f64 {
        let Some(text) = self.text(path, problems) else {
            return 0.0;
        };
        let doc = match Document::parse(text) {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!("{path} is not well-formed XML: {e}"));
                return 0.0;
            }
        };
        let base = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let mut ids: HashMap<String, HashSet<String>> = HashMap::new();
        let mut audio_lengths: HashMap<String, f64> = HashMap::new();
        let (mut at, mut secs) = (0.0, 0.0);
        let mut reported = HashSet::new();
        let mut once = |what: &str, why: String, problems: &mut Vec<String>| {
            if reported.insert(what.to_string()) {
                problems.push(format!("{path}: {why}"));
            }
        };
        for par in doc.descendants().filter(|n| n.has_tag_name("par")) {
            let src = par
                .children()
                .find(|n| n.has_tag_name("text"))
                .and_then(|t| t.attribute("src"));
            let Some((file, id)) = src.and_then(|s| s.split_once('#')) else {
                once(
                    "text",
                    "a par shows no fragment of a document".into(),
                    problems,
                );
                continue;
            };
            let file = resolve(base, file);
            let known = ids
                .entry(file.clone())
                .or_insert_with(|| self.ids(&file, problems));
            if !known.contains(id) {
                problems.push(format!("{path} shows {file}#{id}, which is not there"));
            }
            let Some(clip) = par.children().find(|n| n.has_tag_name("audio")) else {
                continue;
            };
            let src = resolve(base, clip.attribute("src").unwrap_or_default());
            let audio_length = *audio_lengths
                .entry(src.clone())
                .or_insert_with(|| self.audio_length(&src, length, problems));
            let begin = clip.attribute("clipBegin").and_then(clock::parse_clock);
            let end = clip.attribute("clipEnd").and_then(clock::parse_clock);
            let (Some(begin), Some(end)) = (begin, end) else {
                once(
                    "clock",
                    "a clip has no clipBegin or clipEnd it can read".into(),
                    problems,
                );
                continue;
            };
            if end < begin || begin < at - 0.0005 {
                let why =
                    format!("the clip {begin:.3}s to {end:.3}s is out of order after {at:.3}s");
                once("order", why, problems);
            }
            if end > audio_length + SLACK_S {
                let why =
                    format!("a clip ends at {end:.3}s, past the end of {src} ({audio_length:.3}s)");
                once("end", why, problems);
            }
            at = end;
            secs += end - begin;
        }
        secs
    }

    /// Every id in an XHTML document of the book.
    fn ids(&self, file: &str, problems: &mut Vec<String>) -> HashSet<String> {
        let Some(text) = self.text(file, problems) else {
            return HashSet::new();
        };
        // XHTML5 documents have `<!DOCTYPE html>`.
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        match Document::parse_with_options(text, options) {
            Ok(doc) => doc
                .descendants()
                .filter_map(|n| n.attribute("id"))
                .map(str::to_string)
                .collect(),
            Err(e) => {
                problems.push(format!("{file} is not well-formed XML: {e}"));
                HashSet::new()
            }
        }
    }

    /// An MP3's length in seconds from its Info tag; it must be the
    /// chapter's `expected` length.
    fn audio_length(&self, name: &str, expected: f64, problems: &mut Vec<String>) -> f64 {
        let Some(bytes) = self.entries.get(name) else {
            problems.push(format!("has no {name}, which an overlay plays"));
            return 0.0;
        };
        let Some(stream) = mp3::frames(bytes) else {
            problems.push(format!("{name} is not an MP3 file with an Info tag"));
            return 0.0;
        };
        let secs = stream.samples as f64 / f64::from(stream.sample_rate.max(1));
        if (secs - expected).abs() > super::check::TOLERANCE_S {
            problems.push(format!(
                "{name} lasts {secs:.3}s; the manifest says {expected}s"
            ));
        }
        secs
    }
}

/// An `href` relative to the folder `base`, as an entry name (no `..`: the
/// book has none).
fn resolve(base: &str, href: &str) -> String {
    if base.is_empty() {
        href.to_string()
    } else {
        format!("{base}/{href}")
    }
}

/// The `media:duration`s of a package document that read, in seconds,
/// keyed by what they refine (`None` for the publication's total).
fn durations(opf: &Document) -> HashMap<Option<String>, f64> {
    opf.descendants()
        .filter(|n| n.has_tag_name("meta") && n.attribute("property") == Some("media:duration"))
        .filter_map(|n| {
            let value = clock::parse_clock(n.text()?)?;
            Some((n.attribute("refines").map(str::to_string), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{Pcm, Span};
    use crate::package::{BookChapter, Passage};
    use crate::script::Role;
    use std::io::Cursor;

    const RATE: u32 = 16_000;

    /// A book of chapters (level, title, samples), each saying its title
    /// and one paragraph, with its audio (MP3, or WAV for `format` Wav)
    /// written into `dir`.
    fn book(dir: &Path, format: AudioFormat, chapters: &[(u8, &str, u64)]) -> Book {
        let chapters = chapters
            .iter()
            .enumerate()
            .map(|(i, &(level, title, samples))| {
                let pcm = Pcm {
                    samples: (0..samples).map(|s| ((s % 50) as i16 - 25) * 40).collect(),
                    sample_rate: RATE,
                };
                let wav = dir.join(format!("{:02}.wav", i + 1));
                audio::write_wav(&wav, &pcm).unwrap();
                let file = format!("{:02}-c.{}", i + 1, format.name());
                let audio = match format {
                    AudioFormat::Wav => wav.clone(),
                    AudioFormat::Mp3 => {
                        let path = dir.join(&file);
                        std::fs::write(&path, mp3::encode(&pcm.samples, RATE).unwrap()).unwrap();
                        path
                    }
                };
                let passage = |role, display: &str, start| Passage {
                    role,
                    display: display.into(),
                    spoken: display.into(),
                    span: Span {
                        start,
                        end: start + 10,
                    },
                };
                BookChapter {
                    index: i + 1,
                    level,
                    title: title.into(),
                    file,
                    samples,
                    words: 3,
                    loudness_lufs: -18.0,
                    true_peak_dbtp: -3.0,
                    audio_key: format!("key-{i}"),
                    audio,
                    pcm: wav,
                    passages: vec![
                        passage(Role::Heading, title, 0),
                        passage(Role::Paragraph, "Rest & <wait>.", samples / 2),
                    ],
                }
            })
            .collect();
        Book {
            title: "Knee <replacement> & \"you\"".into(),
            language: "en".into(),
            organisation: Some("St Elsewhere & Co".into()),
            slug: "knee".into(),
            identifier: "audio-leaflet-knee".into(),
            date: "2026-03-04".into(),
            source_file: "knee.txt".into(),
            source_sha256: String::new(),
            backend: "fake".into(),
            model_sha256: String::new(),
            voice: "tone".into(),
            rate_wpm: 160,
            sample_rate: RATE,
            audio_format: format,
            chapters,
        }
    }

    fn epub(book: &Book) -> Vec<u8> {
        let plan = Plan::new(book).unwrap();
        let audio = chapter_mp3s(book, &HashMap::new()).unwrap();
        render(book, &plan, &audio, Cursor::new(Vec::new()))
            .unwrap()
            .into_inner()
    }

    fn entries(bytes: &[u8]) -> Epub3 {
        let (book, unread) = Epub3::read(Cursor::new(bytes)).unwrap();
        assert_eq!(unread, Vec::<String>::new());
        book
    }

    /// One entry of the EPUB `bytes`, all of it (the check keeps only an
    /// MP3's start).
    fn whole_entry(bytes: &[u8], name: &str) -> Vec<u8> {
        let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut data = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut data).unwrap();
        data
    }

    #[test]
    fn the_check_reads_every_entry_to_its_end_and_finds_damaged_audio() {
        let dir = tempfile::tempdir().unwrap();
        let b = book(dir.path(), AudioFormat::Mp3, CHAPTERS);
        let mut bytes = epub(&b);
        let sound = entries(&bytes);
        // Only the start of an MP3 is kept...
        let mp3 = whole_entry(&bytes, "EPUB/audio/01-c.mp3");
        let kept = &sound.entries["EPUB/audio/01-c.mp3"];
        assert!(kept.len() < mp3.len() && mp3.starts_with(kept));
        // ...but all of it is read: a byte changed near its end is found.
        let at = {
            let mut zip = ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
            let index = zip.index_for_name("EPUB/audio/01-c.mp3").unwrap();
            let e = zip.by_index_raw(index).unwrap();
            (e.data_start() + e.compressed_size() - 10) as usize
        };
        bytes[at] ^= 0x55;
        let (_, unread) = Epub3::read(Cursor::new(&bytes[..])).unwrap();
        assert_eq!(unread.len(), 1, "{unread:?}");
        assert!(
            unread[0].starts_with("EPUB/audio/01-c.mp3 cannot be read"),
            "{unread:?}"
        );
    }

    fn text(book: &Epub3, name: &str) -> String {
        String::from_utf8(book.entries[name].to_vec()).unwrap()
    }

    fn problems(book: &Epub3, m: &Manifest) -> Vec<String> {
        let mut problems = Vec::new();
        book.check(m, &mut problems);
        problems
    }

    const CHAPTERS: &[(u8, &str, u64)] = &[(1, "Knee", 16_000), (2, "After", 8_000)];

    #[test]
    fn mimetype_comes_first_stored_and_the_mp3s_are_stored_too() {
        let dir = tempfile::tempdir().unwrap();
        let b = book(dir.path(), AudioFormat::Mp3, CHAPTERS);
        let bytes = epub(&b);
        assert_eq!(check_mimetype(&bytes), Ok(()));
        let mut zip = ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let names: Vec<String> = zip.file_names().map(str::to_string).collect();
        assert_eq!(names[0], "mimetype");
        for i in 0..zip.len() {
            let file = zip.by_index(i).unwrap();
            let stored = file.name() == "mimetype"
                || file.name().ends_with(".mp3")
                || file.size() < super::super::DEFLATE_FROM as u64;
            let method = if stored {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            };
            assert_eq!(file.compression(), method, "{}", file.name());
            let date = file.last_modified().unwrap();
            assert_eq!((date.year(), date.month(), date.day()), (2026, 3, 4));
            assert!(file.extra_data().is_none_or(|e| e.is_empty()));
        }
        // The package's own MP3s, byte for byte.
        let first = std::fs::read(dir.path().join("01-c.mp3")).unwrap();
        assert_eq!(whole_entry(&bytes, "EPUB/audio/01-c.mp3"), first);
    }

    #[test]
    fn the_same_book_gives_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let b = book(dir.path(), AudioFormat::Mp3, CHAPTERS);
        assert_eq!(epub(&b), epub(&b));
    }

    #[test]
    fn a_wav_package_gets_mp3s_of_the_same_samples() {
        let dir = tempfile::tempdir().unwrap();
        let b = book(dir.path(), AudioFormat::Wav, CHAPTERS);
        let book = entries(&epub(&b));
        let opf = text(&book, OPF);
        assert!(
            opf.contains(r#"href="audio/02-c.mp3" media-type="audio/mpeg""#),
            "{opf}"
        );
        let stream = mp3::frames(&book.entries["EPUB/audio/02-c.mp3"]).unwrap();
        assert_eq!(stream.samples, 8_000);
        assert!(!opf.contains(".wav"));
    }

    #[test]
    fn a_wav_rebuild_takes_the_unchanged_chapters_mp3s_from_the_old_book() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old");
        std::fs::create_dir(&old).unwrap();
        let b = book(dir.path(), AudioFormat::Wav, CHAPTERS);
        let first = epub(&b);
        std::fs::write(old.join(EPUB_FILE), &first).unwrap();
        let manifest = serde_json::to_string(&Manifest::from_book(&b)).unwrap();
        std::fs::write(old.join(super::super::MANIFEST_FILE), manifest).unwrap();
        let earlier = encoded_before(&old);
        assert_eq!(earlier.len(), 2);

        // The first chapter's samples are gone: its MP3 can only come from
        // the old book. The second's audio is new, so it is encoded.
        let mut again = b.clone();
        std::fs::remove_file(&again.chapters[0].pcm).unwrap();
        again.chapters[1].audio_key = "new".into();
        let mp3s = chapter_mp3s(&again, &earlier).unwrap();
        let old_mp3 = whole_entry(&first, "EPUB/audio/01-c.mp3");
        assert_eq!(mp3s[0], Mp3::Bytes(old_mp3));
        // An old MP3 of another length is not taken.
        again.chapters[0].samples += 1;
        assert!(chapter_mp3s(&again, &earlier).is_err());
        assert!(encoded_before(dir.path()).is_empty());
    }

    #[test]
    fn a_chapter_mp3_of_the_wrong_length_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = book(dir.path(), AudioFormat::Mp3, CHAPTERS);
        b.chapters[1].samples += 1;
        let err = chapter_mp3s(&b, &HashMap::new()).unwrap_err();
        assert!(
            err.contains("chapter 2 does not hold its 8001 samples"),
            "{err}"
        );
    }

    #[test]
    fn the_navigation_nests_subsections_inside_their_chapter() {
        let dir = tempfile::tempdir().unwrap();
        let levels = [
            (1, "A", 800),
            (2, "A.1", 800),
            (3, "A.1.a", 800),
            (2, "A.2", 800),
            (1, "B", 800),
        ];
        let b = book(dir.path(), AudioFormat::Mp3, &levels);
        let nav = text(&entries(&epub(&b)), "EPUB/nav.xhtml");
        let doc = roxmltree::Document::parse_with_options(
            &nav,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .unwrap();
        /// Each list item's link text and what is listed inside it.
        fn outline(ol: roxmltree::Node) -> Vec<(String, Vec<String>)> {
            ol.children()
                .filter(|n| n.has_tag_name("li"))
                .map(|li| {
                    let a = li.children().find(|n| n.has_tag_name("a")).unwrap();
                    let inner = li
                        .descendants()
                        .filter(|n| n.has_tag_name("a") && *n != a)
                        .map(|n| n.text().unwrap().to_string())
                        .collect();
                    (a.text().unwrap().to_string(), inner)
                })
                .collect()
        }
        let nav_el = doc.descendants().find(|n| n.has_tag_name("nav")).unwrap();
        assert_eq!(nav_el.attribute((OPS_NS, "type")), Some("toc"));
        let top = nav_el.children().find(|n| n.has_tag_name("ol")).unwrap();
        assert_eq!(
            outline(top),
            [
                (
                    "A".to_string(),
                    vec!["A.1".into(), "A.1.a".into(), "A.2".into()]
                ),
                ("B".to_string(), vec![]),
            ]
        );
        assert!(nav.contains(r#"<a href="chapter-02.xhtml#text_0002_0001">A.1</a>"#));
        // No list is left empty (EPUB forbids it), and each item links.
        for ol in doc.descendants().filter(|n| n.has_tag_name("ol")) {
            assert!(ol.children().any(|n| n.has_tag_name("li")), "{nav}");
        }
    }

    #[test]
    fn the_package_document_states_each_duration_and_their_total() {
        let dir = tempfile::tempdir().unwrap();
        let b = book(dir.path(), AudioFormat::Mp3, CHAPTERS);
        let opf = text(&entries(&epub(&b)), OPF);
        for line in [
            r##"<meta property="media:duration" refines="#mo-0001">00:00:01.000</meta>"##,
            r##"<meta property="media:duration" refines="#mo-0002">00:00:00.500</meta>"##,
            r#"<meta property="media:duration">00:00:01.500</meta>"#,
            r#"<meta property="media:active-class">-epub-media-overlay-active</meta>"#,
            r#"<meta property="media:narrator">tone (fake)</meta>"#,
            r#"<meta property="dcterms:modified">2026-03-04T00:00:00Z</meta>"#,
            r#"<dc:title>Knee &lt;replacement&gt; &amp; "you"</dc:title>"#,
            r#"<dc:creator>St Elsewhere &amp; Co</dc:creator>"#,
            r#"<item id="text-0002" href="chapter-02.xhtml" media-type="application/xhtml+xml" media-overlay="mo-0002"/>"#,
        ] {
            assert!(opf.contains(line), "{line} in {opf}");
        }
    }

    #[test]
    fn each_overlay_plays_its_chapter_passage_by_passage() {
        let dir = tempfile::tempdir().unwrap();
        let b = book(dir.path(), AudioFormat::Mp3, CHAPTERS);
        let book = entries(&epub(&b));
        let smil = text(&book, "EPUB/chapter-01.smil");
        assert!(smil.contains(
            "<par id=\"par_0001_0002\">\n      <text src=\"chapter-01.xhtml#text_0001_0002\"/>\n      \
             <audio src=\"audio/01-c.mp3\" clipBegin=\"0.500s\" clipEnd=\"1.000s\"/>\n    </par>"
        ), "{smil}");
        let xhtml = text(&book, "EPUB/chapter-02.xhtml");
        assert!(
            xhtml.contains(r#"<h2 id="text_0002_0001">After</h2>"#),
            "{xhtml}"
        );
        assert!(xhtml.contains(r#"<p id="text_0002_0002">Rest &amp; &lt;wait&gt;.</p>"#));
        assert!(xhtml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html>\n"));
    }

    #[test]
    fn the_check_passes_a_sound_book_and_names_each_fault() {
        let dir = tempfile::tempdir().unwrap();
        let b = book(dir.path(), AudioFormat::Mp3, CHAPTERS);
        let m = Manifest::from_book(&b);
        let sound = entries(&epub(&b));
        assert_eq!(problems(&sound, &m), Vec::<String>::new());

        let edited = |name: &str, from: &str, to: &str| {
            let mut book = Epub3 {
                entries: sound.entries.clone(),
            };
            let text = text(&book, name);
            assert!(text.contains(from), "{from} in {name}");
            book.entries
                .insert(name.into(), text.replacen(from, to, 1).into_bytes());
            problems(&book, &m).join("\n")
        };
        let said = edited(OPF, ">00:00:01.500<", ">00:00:01.600<");
        assert!(
            said.contains("total media:duration is not the 1.500s"),
            "{said}"
        );
        let said = edited(OPF, ">00:00:00.500<", ">00:00:00.400<");
        assert!(
            said.contains("media:duration of #mo-0002 is not the 0.500s"),
            "{said}"
        );
        let said = edited("EPUB/chapter-02.xhtml", "text_0002_0002", "text_0002_0009");
        assert!(
            said.contains("EPUB/chapter-02.smil shows EPUB/chapter-02.xhtml#text_0002_0002, which is not there"),
            "{said}"
        );
        let said = edited(
            "EPUB/chapter-01.smil",
            r#"clipBegin="0.500s""#,
            r#"clipBegin="0.300s""#,
        );
        assert!(said.contains("out of order"), "{said}");
        let said = edited(
            "EPUB/chapter-01.smil",
            r#"clipEnd="1.000s""#,
            r#"clipEnd="1.300s""#,
        );
        assert!(
            said.contains("past the end of EPUB/audio/01-c.mp3"),
            "{said}"
        );
        let said = edited(
            OPF,
            r#"<item id="css" href="style.css" media-type="text/css"/>"#,
            "",
        );
        assert!(
            said.contains("EPUB/style.css is not listed in EPUB/package.opf"),
            "{said}"
        );
        let said = edited(OPF, "style.css", "missing.css");
        assert!(
            said.contains("lists EPUB/missing.css, which is missing"),
            "{said}"
        );

        let mut fewer = m.clone();
        fewer.chapters.pop();
        let said = problems(&sound, &fewer).join("\n");
        assert!(
            said.contains("2 media overlays for the 1 chapters"),
            "{said}"
        );
    }

    #[test]
    fn a_compressed_or_late_mimetype_is_reported() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default();
        zip.start_file("mimetype", options).unwrap();
        zip.write_all(MIMETYPE.as_bytes()).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(check_mimetype(&bytes).is_err());
        assert!(check_mimetype(b"PK").is_err());
    }

    #[test]
    fn zip_dates_come_from_the_book_or_fall_back() {
        let d = zip_date("2026-03-04");
        assert_eq!((d.year(), d.month(), d.day(), d.hour()), (2026, 3, 4, 0));
        let d = zip_date("1970-01-01");
        assert_eq!((d.year(), d.month(), d.day()), (1980, 1, 1));
        let d = zip_date("nonsense");
        assert_eq!((d.year(), d.month(), d.day()), (1980, 1, 1));
    }
}
