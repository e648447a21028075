//! Reading Word files (.docx): the body's paragraphs, headings (by style or
//! outline level, in any language), lists, tables and text boxes as the
//! Markdown reader's units, with comments, tracked deletions, notes, page
//! headers and footers listed as dropped. Also the zip and XML limits the
//! OpenDocument reader shares, so a hostile file is refused, not unpacked.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use roxmltree::{Document as Xml, Node};

use super::document::{Document, Unit, UnitKind};

/// The most any one file inside the zip may unpack to. A leaflet's
/// `document.xml` is well under 1 MB; more is a zip bomb or not a leaflet.
pub(super) const MAX_ENTRY_BYTES: u64 = 50_000_000;
/// The most all the files read from one zip may unpack to together.
pub(super) const MAX_TOTAL_BYTES: u64 = 100_000_000;
/// The most files a zip may hold: a Word file has a few dozen.
pub(super) const MAX_ENTRIES: usize = 5_000;
/// The most XML nodes one file inside may have.
const MAX_NODES: u32 = 3_000_000;
/// How deep elements may nest: tables in text boxes in tables stay far below.
pub(super) const MAX_DEPTH: usize = 200;

/// The kind of package, for the wording of errors.
#[derive(Clone, Copy)]
pub(super) struct Flavour {
    /// "Word file", "OpenDocument file".
    pub what: &'static str,
    /// "Word", "LibreOffice Writer": the program to save it again from.
    pub program: &'static str,
}

pub(super) const WORD: Flavour = Flavour {
    what: "Word file",
    program: "Word",
};

impl Flavour {
    pub(super) fn damaged(self, why: impl std::fmt::Display) -> String {
        format!(
            "is a damaged {}: {why}; save it again from {} and try again",
            self.what, self.program
        )
    }

    fn too_big(self, why: impl std::fmt::Display) -> String {
        format!(
            "is not a {} a leaflet could be: {why}; save it again from {} and try again",
            self.what, self.program
        )
    }
}

/// An opened zip, read within the limits.
pub(super) struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    flavour: Flavour,
    unpacked: u64,
}

impl<'a> Package<'a> {
    pub(super) fn open(bytes: &'a [u8], flavour: Flavour) -> Result<Package<'a>, String> {
        if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
            return Err(format!(
                "is a password-protected (encrypted) or old-format (.doc) Office file, not a {}: remove the password, or save it as .docx or .odt, and try again",
                flavour.what
            ));
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| flavour.damaged(format!("it is not a readable zip ({e})")))?;
        if zip.len() > MAX_ENTRIES {
            return Err(flavour.too_big(format!(
                "it holds {} files inside, more than the {MAX_ENTRIES} allowed",
                zip.len()
            )));
        }
        Ok(Package {
            zip,
            flavour,
            unpacked: 0,
        })
    }

    pub(super) fn names(&self) -> Vec<String> {
        self.zip.file_names().map(str::to_string).collect()
    }

    /// The text of one file inside, `None` when there is no such file. Read
    /// through a limit, never trusting the size the zip declares.
    pub(super) fn text(&mut self, name: &str) -> Result<Option<String>, String> {
        let flavour = self.flavour;
        let mut entry = match self.zip.by_name(name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(flavour.damaged(format!("{name} cannot be unpacked ({e})"))),
        };
        let limit = MAX_ENTRY_BYTES.min(MAX_TOTAL_BYTES - self.unpacked);
        let too_big = || {
            flavour.too_big(format!(
                "{name} unpacks to more than {} MB (a leaflet's is well under 1 MB)",
                limit / 1_000_000
            ))
        };
        if entry.size() > limit {
            return Err(too_big());
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| flavour.damaged(format!("{name} cannot be unpacked ({e})")))?;
        if bytes.len() as u64 > limit {
            return Err(too_big());
        }
        self.unpacked += bytes.len() as u64;
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match String::from_utf8(body.to_vec()) {
            Ok(text) => Ok(Some(text)),
            Err(_) => Err(flavour.damaged(format!("{name} is not UTF-8 text"))),
        }
    }

    /// The text of a file that must be there.
    pub(super) fn required(&mut self, name: &str, missing: String) -> Result<String, String> {
        self.text(name)?.ok_or(missing)
    }
}

/// Parse one file inside as XML, a fault named with its line.
pub(super) fn parse<'t>(flavour: Flavour, name: &str, text: &'t str) -> Result<Xml<'t>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    Xml::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => {
            flavour.too_big(format!("{name} has more than {MAX_NODES} XML nodes"))
        }
        e => flavour.damaged(format!(
            "{name} is not well-formed XML (line {})",
            e.pos().row
        )),
    })
}

pub(super) fn too_deep(flavour: Flavour, name: &str) -> String {
    flavour.too_big(format!("{name} nests elements more than {MAX_DEPTH} deep"))
}

/// Whitespace runs as one space, soft hyphens and zero-width spaces gone,
/// trimmed: the text as a listener should get it.
pub(super) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace())
        .map(|w| w.replace(['\u{ad}', '\u{200b}', '\u{feff}'], ""))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

/// "en-GB" → "en": the two-letter code, if it is one.
pub(super) fn language_code(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_alphabetic())).then_some(primary)
}

/// Element children with this local name (namespaces are ignored, so Strict
/// Open XML reads the same as the usual kind).
pub(super) fn kids<'a, 'i>(
    node: Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

pub(super) fn kid<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> Option<Node<'a, 'i>> {
    kids(node, name).next()
}

/// An attribute by local name.
pub(super) fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

fn val<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    attr(node, "val")
}

/// All text of elements with local name `t` (w:t, m:t, a:t) beneath.
fn all_t(node: Node) -> String {
    let mut s = String::new();
    for t in node
        .descendants()
        .filter(|d| d.is_element() && matches!(d.tag_name().name(), "t" | "delText"))
    {
        s.push_str(t.text().unwrap_or(""));
    }
    s
}

/// The heading level a style name gives: "Title" is 1, "Heading N" is N,
/// in the languages Word and LibreOffice name them in (style ids lose
/// accents and spaces, so "berschrift1" and "Ttulo1" count too).
pub(super) fn heading_from_name(name: &str) -> Option<u8> {
    let lower: String = name
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .collect();
    const TITLES: &[&str] = &[
        "title", "titel", "titre", "título", "ttulo", "titulo", "titolo", "tytuł", "tytu",
        "otsikko", "rubrik",
    ];
    const HEADINGS: &[&str] = &[
        "heading",
        "überschrift",
        "berschrift",
        "titre",
        "título",
        "ttulo",
        "titulo",
        "titolo",
        "kop",
        "rubrik",
        "nagłówek",
        "nagwek",
        "overskrift",
        "otsikko",
        "kopregel",
        "cabeçalho",
        "encabezado",
        "başlık",
        "nadpis",
        "заголовок",
    ];
    if TITLES.contains(&lower.as_str()) {
        return Some(1);
    }
    let digits = lower.trim_start_matches(|c: char| !c.is_ascii_digit());
    let stem = &lower[..lower.len() - digits.len()];
    let n: u8 = digits.parse().ok()?;
    (HEADINGS.contains(&stem) && (1..=9).contains(&n)).then_some(n.min(6))
}

#[derive(Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    /// `w:outlineLvl`, 0-based; 9 is body text.
    outline: Option<u8>,
    num: Option<(String, u8)>,
    bold: Option<bool>,
    vanish: Option<bool>,
}

#[derive(Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    /// The default paragraph style's id.
    default: Option<String>,
    language: Option<String>,
}

fn on(node: Node) -> bool {
    !matches!(val(node), Some("0" | "false" | "off" | "none"))
}

impl Styles {
    fn read(xml: &Xml) -> Styles {
        let mut styles = Styles::default();
        let root = xml.root_element();
        if let Some(lang) = root
            .descendants()
            .find(|d| d.tag_name().name() == "docDefaults")
            .and_then(|d| d.descendants().find(|n| n.tag_name().name() == "lang"))
            .and_then(val)
        {
            styles.language = language_code(lang);
        }
        for s in kids(root, "style") {
            let Some(id) = attr(s, "styleId") else {
                continue;
            };
            let ppr = kid(s, "pPr");
            let rpr = kid(s, "rPr");
            if attr(s, "type") == Some("paragraph")
                && attr(s, "default").is_some_and(|d| d == "1" || d == "true")
            {
                styles.default = Some(id.to_string());
            }
            let style = Style {
                name: kid(s, "name").and_then(val).unwrap_or(id).to_string(),
                based_on: kid(s, "basedOn").and_then(val).map(str::to_string),
                outline: ppr
                    .and_then(|p| kid(p, "outlineLvl"))
                    .and_then(val)
                    .and_then(|v| v.parse().ok()),
                num: ppr.and_then(|p| kid(p, "numPr")).and_then(num_pr),
                bold: rpr.and_then(|r| kid(r, "b")).map(on),
                vanish: rpr.and_then(|r| kid(r, "vanish")).map(on),
            };
            styles.by_id.insert(id.to_string(), style);
        }
        styles
    }

    /// The style and those it is based on, nearest first (a loop is cut).
    fn chain(&self, id: Option<&str>) -> Vec<&Style> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut next = id.or(self.default.as_deref());
        while let Some(id) = next {
            if !seen.insert(id) || out.len() > 20 {
                break;
            }
            let Some(style) = self.by_id.get(id) else {
                break;
            };
            out.push(style);
            next = style.based_on.as_deref();
        }
        out
    }

    fn first<T>(&self, id: Option<&str>, pick: impl Fn(&Style) -> Option<T>) -> Option<T> {
        self.chain(id).into_iter().find_map(pick)
    }

    fn name(&self, id: Option<&str>) -> String {
        self.chain(id)
            .first()
            .map(|s| s.name.to_lowercase())
            .unwrap_or_default()
    }
}

fn num_pr(n: Node) -> Option<(String, u8)> {
    let id = kid(n, "numId").and_then(val)?.to_string();
    let level = kid(n, "ilvl")
        .and_then(val)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((id, level.min(8)))
}

/// Per list (`w:numId`) and level: whether it counts, and where it starts.
#[derive(Default)]
struct Numbering {
    levels: HashMap<(String, u8), (bool, u64)>,
}

impl Numbering {
    fn read(xml: &Xml) -> Numbering {
        let root = xml.root_element();
        let mut abstracts: HashMap<&str, HashMap<u8, (bool, u64)>> = HashMap::new();
        for a in kids(root, "abstractNum") {
            let Some(id) = attr(a, "abstractNumId") else {
                continue;
            };
            abstracts.insert(id, levels(a));
        }
        let mut numbering = Numbering::default();
        for n in kids(root, "num") {
            let (Some(id), Some(abs)) = (attr(n, "numId"), kid(n, "abstractNumId").and_then(val))
            else {
                continue;
            };
            let mut lv = abstracts.get(abs).cloned().unwrap_or_default();
            for o in kids(n, "lvlOverride") {
                let Some(l) = attr(o, "ilvl").and_then(|v| v.parse::<u8>().ok()) else {
                    continue;
                };
                if let Some(own) = kid(o, "lvl") {
                    lv.extend(levels_of([own]));
                }
                if let Some(start) = kid(o, "startOverride")
                    .and_then(val)
                    .and_then(|v| v.parse().ok())
                {
                    lv.entry(l).or_insert((true, 1)).1 = start;
                }
            }
            for (l, v) in lv {
                numbering.levels.insert((id.to_string(), l), v);
            }
        }
        numbering
    }
}

fn levels(abs: Node) -> HashMap<u8, (bool, u64)> {
    levels_of(kids(abs, "lvl"))
}

/// Decimal formats count aloud as "1.", "2."; letters, numerals and
/// bullets are read without a number.
fn levels_of<'a, 'i: 'a>(lvls: impl IntoIterator<Item = Node<'a, 'i>>) -> HashMap<u8, (bool, u64)> {
    let mut out = HashMap::new();
    for lvl in lvls {
        let Some(l) = attr(lvl, "ilvl").and_then(|v| v.parse().ok()) else {
            continue;
        };
        let format = kid(lvl, "numFmt").and_then(val).unwrap_or("decimal");
        let counts = format.starts_with("decimal") || format == "ordinal";
        let start = kid(lvl, "start")
            .and_then(val)
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        out.insert(l, (counts, start));
    }
    out
}

/// A paragraph's text as it is gathered, with what the flags need (the
/// OpenDocument reader gathers its paragraphs in the same way).
#[derive(Default)]
pub(super) struct Line {
    pub(super) text: String,
    pub(super) bold: usize,
    pub(super) plain: usize,
    pub(super) link: usize,
    pub(super) anchor: usize,
    /// Tracked deletions, comments, notes, pictures and text boxes met
    /// inside, to follow the paragraph.
    pub(super) after: Vec<Unit>,
    deleted: String,
}

impl Line {
    pub(super) fn push(&mut self, text: &str, bold: bool, link: Option<bool>) {
        let n = text.chars().filter(|c| !c.is_whitespace()).count();
        if bold {
            self.bold += n;
        } else {
            self.plain += n;
        }
        if let Some(anchor) = link {
            self.link += n;
            if anchor {
                self.anchor += n;
            }
        }
        self.text.push_str(text);
    }

    fn flush_deleted(&mut self) {
        let t = tidy(&std::mem::take(&mut self.deleted));
        if !t.is_empty() {
            self.after.push(Unit::dropped(t, "tracked deletion"));
        }
    }
}

struct Word<'x> {
    styles: Styles,
    numbering: Numbering,
    /// Hyperlink relationship ids whose target is in the document itself.
    anchors: HashSet<String>,
    comments: HashMap<String, String>,
    notes: HashMap<(&'static str, String), String>,
    used_comments: HashSet<String>,
    units: Vec<Unit>,
    counters: HashMap<String, [u64; 9]>,
    list: Option<usize>,
    lists: usize,
    tracked: bool,
    part: &'x str,
}

pub fn read(bytes: &[u8]) -> Result<Document, String> {
    let mut pkg = Package::open(bytes, WORD)?;
    let main = pkg.required(
        "word/document.xml",
        "is not a Word file: it has no word/document.xml inside; open it in Word, save it as a Word document (.docx) and try again".into(),
    )?;
    let styles = match pkg.text("word/styles.xml")? {
        Some(t) => Styles::read(&parse(WORD, "word/styles.xml", &t)?),
        None => Styles::default(),
    };
    let numbering = match pkg.text("word/numbering.xml")? {
        Some(t) => Numbering::read(&parse(WORD, "word/numbering.xml", &t)?),
        None => Numbering::default(),
    };
    let mut anchors = HashSet::new();
    if let Some(t) = pkg.text("word/_rels/document.xml.rels")? {
        let rels = parse(WORD, "word/_rels/document.xml.rels", &t)?;
        for r in kids(rels.root_element(), "Relationship") {
            if attr(r, "Target").is_some_and(|t| t.starts_with('#')) {
                anchors.extend(attr(r, "Id").map(str::to_string));
            }
        }
    }
    let comments = match pkg.text("word/comments.xml")? {
        Some(t) => notes_of(&parse(WORD, "word/comments.xml", &t)?, "comment"),
        None => HashMap::new(),
    };
    let mut notes = HashMap::new();
    for (part, kind) in [
        ("word/footnotes.xml", "footnote"),
        ("word/endnotes.xml", "endnote"),
    ] {
        if let Some(t) = pkg.text(part)? {
            for (id, text) in notes_of(&parse(WORD, part, &t)?, kind) {
                notes.insert((kind, id), text);
            }
        }
    }
    let (title, mut language) = match pkg.text("docProps/core.xml")? {
        Some(t) => core(&parse(WORD, "docProps/core.xml", &t)?),
        None => (None, None),
    };
    language = language.or(styles.language.clone());

    let mut word = Word {
        styles,
        numbering,
        anchors,
        comments,
        notes,
        used_comments: HashSet::new(),
        units: Vec::new(),
        counters: HashMap::new(),
        list: None,
        lists: 0,
        tracked: false,
        part: "word/document.xml",
    };
    let mut names = pkg.names();
    names.sort();
    let furniture = |prefix: &str| -> Vec<String> {
        names
            .iter()
            .filter(|n| {
                n.strip_prefix(prefix)
                    .and_then(|r| r.strip_suffix(".xml"))
                    .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit()))
            })
            .cloned()
            .collect()
    };
    let (headers, footers) = (furniture("word/header"), furniture("word/footer"));
    for part in &headers {
        let text = pkg.required(part, WORD.damaged(format!("{part} is missing")))?;
        word.furniture(part, &text, "page header")?;
    }
    let body = parse(WORD, "word/document.xml", &main)?;
    word.part = "word/document.xml";
    let root = body.root_element();
    if let Some(b) = kid(root, "body") {
        word.blocks(b, 2)?;
    }
    for part in &footers {
        let text = pkg.required(part, WORD.damaged(format!("{part} is missing")))?;
        word.furniture(part, &text, "page footer")?;
    }
    let mut unused: Vec<_> = word
        .comments
        .iter()
        .filter(|(id, _)| !word.used_comments.contains(*id))
        .map(|(id, t)| (id.parse::<u64>().unwrap_or(u64::MAX), t.clone()))
        .collect();
    unused.sort();
    for (_, text) in unused {
        word.units.push(Unit::dropped(text, "comment"));
    }
    let mut warnings = Vec::new();
    if word.tracked {
        warnings.push("the Word file has tracked changes: it was read as if they were accepted (deletions left out, insertions read); accept or reject them in Word to be sure".to_string());
    }
    let mut units = word.units;
    add_title(&mut units, title);
    Ok(Document {
        units,
        language,
        warnings,
    })
}

/// The title the file's properties give, as the first heading, when the
/// text starts with no heading (nor a bold line that may be one) of its own.
pub(super) fn add_title(units: &mut Vec<Unit>, title: Option<String>) {
    let Some(title) = title.map(|t| tidy(&t)).filter(|t| !t.is_empty()) else {
        return;
    };
    let Some(first) = units.iter().position(|u| !u.is_dropped()) else {
        return;
    };
    let u = &mut units[first];
    if u.is_heading() || u.all_strong {
        return;
    }
    if u.text == title {
        u.kind = UnitKind::Heading(1);
    } else {
        units.insert(first, Unit::new(UnitKind::Heading(1), title));
    }
}

/// `dc:title` and `dc:language` from `docProps/core.xml` or `meta.xml`.
pub(super) fn core(xml: &Xml) -> (Option<String>, Option<String>) {
    let find = |name: &str| {
        xml.descendants()
            .find(|d| d.is_element() && d.tag_name().name() == name)
            .and_then(|d| d.text())
            .map(str::to_string)
    };
    (
        find("title"),
        find("language").as_deref().and_then(language_code),
    )
}

/// Comments or notes by id, each its paragraphs' text.
fn notes_of(xml: &Xml, kind: &'static str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for n in kids(xml.root_element(), kind) {
        if attr(n, "type").is_some_and(|t| t != "normal") {
            continue;
        }
        let Some(id) = attr(n, "id") else { continue };
        let text: Vec<String> = kids(n, "p")
            .map(|p| tidy(&all_t(p)))
            .filter(|t| !t.is_empty())
            .collect();
        if !text.is_empty() {
            out.insert(id.to_string(), text.join(" "));
        }
    }
    out
}

/// Units of a page header or footer, all dropped with `reason`, each text
/// once (the first page's, even pages' and odd pages' often repeat).
pub(super) fn furniture(found: Vec<Unit>, reason: &str, out: &mut Vec<Unit>) {
    for u in found {
        let known = out
            .iter()
            .any(|k| k.text == u.text && k.kind == UnitKind::Dropped(reason.into()));
        if u.is_dropped() {
            out.push(u);
        } else if !known {
            out.push(Unit::dropped(u.text, reason));
        }
    }
}

/// One table row, from each cell's units: a paragraph of the cells' text
/// joined as a listener hears a row read out, what was dropped inside after
/// it. A row with one filled cell (a table used for layout) keeps the
/// cell's own headings, lists and paragraphs.
pub(super) fn row(cells: Vec<Vec<Unit>>, out: &mut Vec<Unit>) {
    let filled = cells
        .iter()
        .filter(|c| c.iter().any(|u| !u.is_dropped()))
        .count();
    if filled <= 1 {
        out.extend(cells.into_iter().flatten());
        return;
    }
    let mut row = String::new();
    let mut after = Vec::new();
    for cell in cells {
        let mut text = Vec::new();
        for u in cell {
            if u.is_dropped() {
                after.push(u);
            } else {
                text.push(match u.number {
                    Some(n) => format!("{n}. {}", u.text),
                    None => u.text,
                });
            }
        }
        if text.is_empty() {
            continue;
        }
        if !row.is_empty() {
            row.push_str(if row.ends_with(['.', ',', ';', ':', '!', '?']) {
                " "
            } else {
                ", "
            });
        }
        row.push_str(&text.join(" "));
    }
    out.push(Unit::new(UnitKind::Paragraph, row));
    out.extend(after);
}

/// The branch of `mc:AlternateContent` to read: the first choice, else the
/// fallback, never both (they hold the same text twice).
fn branch<'a, 'i>(alt: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    kid(alt, "Choice").or_else(|| kid(alt, "Fallback"))
}

impl Word<'_> {
    /// A header or footer part: all its text dropped, each line once.
    fn furniture(&mut self, part: &str, text: &str, reason: &str) -> Result<(), String> {
        let xml = parse(WORD, part, text)?;
        let saved = std::mem::take(&mut self.units);
        self.blocks(xml.root_element(), 1)?;
        let found = std::mem::replace(&mut self.units, saved);
        furniture(found, reason, &mut self.units);
        self.list = None;
        Ok(())
    }

    fn deeper(&self, depth: usize) -> Result<usize, String> {
        if depth >= MAX_DEPTH {
            Err(too_deep(WORD, self.part))
        } else {
            Ok(depth + 1)
        }
    }

    /// Block content: the body, a table cell, a text box.
    fn blocks(&mut self, node: Node, depth: usize) -> Result<(), String> {
        let depth = self.deeper(depth)?;
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "p" => self.paragraph(child, depth)?,
                "tbl" => self.table(child, depth)?,
                "sdt" => {
                    if let Some(c) = kid(child, "sdtContent") {
                        self.blocks(c, depth)?;
                    }
                }
                "customXml" | "ins" | "moveTo" | "smartTag" => self.blocks(child, depth)?,
                "del" | "moveFrom" => {
                    let t = tidy(&all_t(child));
                    self.tracked = true;
                    if !t.is_empty() {
                        self.units.push(Unit::dropped(t, "tracked deletion"));
                    }
                }
                "AlternateContent" => {
                    if let Some(b) = branch(child) {
                        self.blocks(b, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn paragraph(&mut self, p: Node, depth: usize) -> Result<(), String> {
        let ppr = kid(p, "pPr");
        let style = ppr.and_then(|x| kid(x, "pStyle")).and_then(val);
        let base_bold = self.styles.first(style, |s| s.bold).unwrap_or(false);
        let mut line = Line::default();
        self.inline(p, &mut line, base_bold, None, depth)?;
        line.flush_deleted();
        let text = tidy(&line.text);
        if !text.is_empty() {
            let unit = self.classify(ppr, style, text, &line);
            if unit.kind != UnitKind::Item {
                self.list = None;
            }
            self.units.push(unit);
        }
        self.units.append(&mut line.after);
        Ok(())
    }

    fn classify(
        &mut self,
        ppr: Option<Node>,
        style: Option<&str>,
        text: String,
        line: &Line,
    ) -> Unit {
        let own_outline = ppr
            .and_then(|x| kid(x, "outlineLvl"))
            .and_then(val)
            .and_then(|v| v.parse::<u8>().ok());
        let name = self.styles.name(style);
        let level = match own_outline.or_else(|| self.styles.first(style, |s| s.outline)) {
            Some(l) if l < 9 => Some((l + 1).min(6)),
            Some(_) => None,
            None => self
                .styles
                .chain(style)
                .iter()
                .find_map(|s| heading_from_name(&s.name))
                .or_else(|| style.and_then(heading_from_name)),
        };
        let words = line.bold + line.plain;
        let mut unit;
        if name.starts_with("toc") && name[3..].trim().parse::<u8>().is_ok() {
            unit = Unit::dropped(text, "table of contents");
        } else if let Some(level) = level {
            unit = Unit::new(UnitKind::Heading(level), text);
        } else if let Some((id, ilvl)) = ppr
            .and_then(|x| kid(x, "numPr"))
            .and_then(num_pr)
            .or_else(|| self.styles.first(style, |s| s.num.clone()))
            .filter(|(id, _)| id != "0")
        {
            unit = Unit::new(UnitKind::Item, text);
            let (counts, start) = self
                .numbering
                .levels
                .get(&(id.clone(), ilvl))
                .copied()
                .unwrap_or((false, 1));
            let counter = self.counters.entry(id).or_insert([0; 9]);
            let l = ilvl as usize;
            counter[l] = if counter[l] == 0 {
                start
            } else {
                counter[l] + 1
            };
            counter[l + 1..].iter_mut().for_each(|c| *c = 0);
            if counts {
                unit.number = Some(counter[l]);
            }
            if self.list.is_none() {
                self.list = Some(self.lists);
                self.lists += 1;
            }
            unit.list = self.list;
            unit.nested = ilvl > 0;
        } else {
            unit = Unit::new(UnitKind::Paragraph, text);
        }
        unit.all_strong = words > 0 && line.plain == 0;
        unit.all_link = words > 0 && line.link == words;
        unit.in_page_links = unit.all_link && line.anchor == words;
        unit
    }

    /// Inline content of a paragraph, hyperlink, insertion and the like.
    fn inline(
        &mut self,
        node: Node,
        line: &mut Line,
        bold: bool,
        link: Option<bool>,
        depth: usize,
    ) -> Result<(), String> {
        let depth = self.deeper(depth)?;
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "r" => self.run(child, line, bold, link, depth)?,
                "hyperlink" => {
                    let anchor = attr(child, "anchor").is_some()
                        || attr(child, "id").is_some_and(|id| self.anchors.contains(id));
                    self.inline(child, line, bold, Some(anchor), depth)?;
                }
                "ins" | "moveTo" => {
                    self.tracked = true;
                    self.inline(child, line, bold, link, depth)?;
                }
                "smartTag" | "customXml" | "fldSimple" | "bdo" | "dir" | "sdtContent" => {
                    self.inline(child, line, bold, link, depth)?
                }
                "sdt" => {
                    if let Some(c) = kid(child, "sdtContent") {
                        self.inline(c, line, bold, link, depth)?;
                    }
                }
                "del" | "moveFrom" => {
                    self.tracked = true;
                    line.deleted.push_str(&all_t(child));
                    line.deleted.push(' ');
                }
                "AlternateContent" => {
                    if let Some(b) = branch(child) {
                        self.inline(b, line, bold, link, depth)?;
                    }
                }
                "oMath" | "oMathPara" => line.push(&all_t(child), bold, link),
                _ => {}
            }
        }
        Ok(())
    }

    fn run(
        &mut self,
        r: Node,
        line: &mut Line,
        base_bold: bool,
        link: Option<bool>,
        depth: usize,
    ) -> Result<(), String> {
        let rpr = kid(r, "rPr");
        let char_style = rpr.and_then(|x| kid(x, "rStyle")).and_then(val);
        let from_style = |pick: fn(&Style) -> Option<bool>| {
            char_style
                .and_then(|s| self.styles.by_id.get(s))
                .and_then(pick)
        };
        let bold = rpr
            .and_then(|x| kid(x, "b"))
            .map(on)
            .or_else(|| from_style(|s| s.bold))
            .unwrap_or(base_bold);
        let hidden = rpr
            .and_then(|x| kid(x, "vanish"))
            .map(on)
            .or_else(|| from_style(|s| s.vanish))
            .unwrap_or(false);
        self.run_content(r, line, bold, link, hidden, depth)
    }

    fn run_content(
        &mut self,
        r: Node,
        line: &mut Line,
        bold: bool,
        link: Option<bool>,
        hidden: bool,
        depth: usize,
    ) -> Result<(), String> {
        let depth = self.deeper(depth)?;
        for c in r.children().filter(Node::is_element) {
            match c.tag_name().name() {
                "t" if !hidden => line.push(c.text().unwrap_or(""), bold, link),
                "tab" | "ptab" | "br" | "cr" => line.text.push(' '),
                "noBreakHyphen" => line.push("-", bold, link),
                "delText" => {
                    self.tracked = true;
                    line.deleted.push_str(c.text().unwrap_or(""));
                }
                "commentReference" => {
                    if let Some((id, text)) =
                        attr(c, "id").and_then(|id| self.comments.get(id).map(|t| (id, t)))
                    {
                        self.used_comments.insert(id.to_string());
                        line.after.push(Unit::dropped(text.clone(), "comment"));
                    }
                }
                kind @ ("footnoteReference" | "endnoteReference") => {
                    let kind = if kind.starts_with("foot") {
                        "footnote"
                    } else {
                        "endnote"
                    };
                    if let Some(text) =
                        attr(c, "id").and_then(|id| self.notes.get(&(kind, id.to_string())))
                    {
                        line.after.push(Unit::dropped(text.clone(), kind));
                    }
                }
                "drawing" | "pict" | "object" => self.picture(c, line, depth)?,
                "AlternateContent" => {
                    if let Some(b) = branch(c) {
                        self.run_content(b, line, bold, link, hidden, depth)?;
                    }
                }
                "ruby" => {
                    if let Some(base) = kid(c, "rubyBase") {
                        self.inline(base, line, bold, link, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A picture or shape: the text boxes in it read after the paragraph,
    /// else its description listed as a dropped image.
    fn picture(&mut self, node: Node, line: &mut Line, depth: usize) -> Result<(), String> {
        let boxes: Vec<Node> = node
            .descendants()
            .filter(|d| d.tag_name().name() == "txbxContent")
            .filter(|d| {
                !d.ancestors()
                    .skip(1)
                    .take_while(|a| *a != node)
                    .any(|a| a.tag_name().name() == "txbxContent")
            })
            .collect();
        if boxes.is_empty() {
            let alt = node
                .descendants()
                .find(|d| d.tag_name().name() == "docPr")
                .and_then(|d| attr(d, "descr").or_else(|| attr(d, "title")))
                .map(tidy)
                .unwrap_or_default();
            if !alt.is_empty() {
                line.after.push(Unit::dropped(alt, "image"));
            }
            return Ok(());
        }
        let saved = std::mem::take(&mut self.units);
        let list = self.list.take();
        for b in boxes {
            // The depth inside the picture is counted from the text box.
            let inside = b.ancestors().take_while(|a| *a != node).count();
            self.blocks(b, depth + inside)?;
        }
        let found = std::mem::replace(&mut self.units, saved);
        self.list = list;
        line.after.extend(found);
        Ok(())
    }

    /// A table: one paragraph per row, its cells' text joined as a listener
    /// hears a row read out; a row of one filled cell (a table used for
    /// layout) is read as the blocks it holds.
    fn table(&mut self, tbl: Node, depth: usize) -> Result<(), String> {
        let depth = self.deeper(depth)?;
        self.list = None;
        for tr in kids(tbl, "tr") {
            let mut cells: Vec<Vec<Unit>> = Vec::new();
            for tc in kids(tr, "tc") {
                let saved = std::mem::take(&mut self.units);
                self.blocks(tc, depth + 1)?;
                cells.push(std::mem::replace(&mut self.units, saved));
                self.list = None;
            }
            row(cells, &mut self.units);
        }
        self.list = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_styles_in_many_languages() {
        for (name, level) in [
            ("Title", Some(1)),
            ("heading 1", Some(1)),
            ("Heading3", Some(3)),
            ("Überschrift 2", Some(2)),
            ("berschrift2", Some(2)),
            ("Titre 1", Some(1)),
            ("Título 2", Some(2)),
            ("Kop 1", Some(1)),
            ("Nagłówek 4", Some(4)),
            ("Rubrik 1", Some(1)),
            ("Heading 9", Some(6)),
            ("Normal", None),
            ("List Number 2", None),
            ("toc 1", None),
            ("Subtitle", None),
        ] {
            assert_eq!(heading_from_name(name), level, "{name}");
        }
    }

    #[test]
    fn tidy_and_language_codes() {
        assert_eq!(
            tidy("  Physio\u{ad}therapy \t is\n good  "),
            "Physiotherapy is good"
        );
        assert_eq!(language_code("en-GB").as_deref(), Some("en"));
        assert_eq!(language_code("cy"), Some("cy".into()));
        assert_eq!(language_code("x-none"), None);
    }
}
