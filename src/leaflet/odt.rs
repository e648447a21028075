//! Reading OpenDocument text files (.odt, LibreOffice Writer's own): the
//! same shape as the Word reader — headings by outline level or style,
//! lists numbered when their list style counts, tables a row to a
//! paragraph, text boxes — with comments, tracked deletions, notes and page
//! headers and footers listed as dropped, within the same zip and XML limits.

use std::collections::HashMap;

use roxmltree::Node;

use super::document::{Document, Unit, UnitKind};
use super::docx::{
    Flavour, Line, MAX_DEPTH, Package, add_title, attr, core, furniture, heading_from_name, kid,
    kids, language_code, parse, row, tidy, too_deep,
};

const ODT: Flavour = Flavour {
    what: "OpenDocument file",
    program: "LibreOffice Writer",
};

#[derive(Default)]
struct Style {
    display: Option<String>,
    parent: Option<String>,
    bold: Option<bool>,
}

/// Paragraph and text styles by name, and list styles by name: for each
/// level, whether it counts and where it starts.
#[derive(Default)]
struct Styles {
    by_name: HashMap<String, Style>,
    lists: HashMap<String, HashMap<u8, (bool, u64)>>,
    language: Option<String>,
}

impl Styles {
    /// Styles from one part (`styles.xml`, then `content.xml`'s automatic ones).
    fn add(&mut self, root: Node) {
        for node in root.descendants().filter(Node::is_element) {
            match node.tag_name().name() {
                "style" => {
                    let Some(name) = attr(node, "name") else {
                        continue;
                    };
                    let bold = kid(node, "text-properties")
                        .and_then(|t| attr(t, "font-weight"))
                        .map(|w| w == "bold" || w.parse::<u32>().is_ok_and(|n| n >= 600));
                    self.by_name.insert(
                        name.to_string(),
                        Style {
                            display: attr(node, "display-name").map(str::to_string),
                            parent: attr(node, "parent-style-name").map(str::to_string),
                            bold,
                        },
                    );
                }
                "list-style" => {
                    let Some(name) = attr(node, "name") else {
                        continue;
                    };
                    let mut levels = HashMap::new();
                    for l in node.children().filter(Node::is_element) {
                        let Some(level) = attr(l, "level").and_then(|v| v.parse().ok()) else {
                            continue;
                        };
                        let counts = l.tag_name().name() == "list-level-style-number"
                            && attr(l, "num-format").is_some_and(|f| f == "1");
                        let start = attr(l, "start-value")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1);
                        levels.insert(level, (counts, start));
                    }
                    self.lists.insert(name.to_string(), levels);
                }
                "default-style" if attr(node, "family") == Some("paragraph") => {
                    if let Some(lang) =
                        kid(node, "text-properties").and_then(|t| attr(t, "language"))
                    {
                        self.language = language_code(lang);
                    }
                }
                _ => {}
            }
        }
    }

    /// The style and its parents, nearest first (a loop is cut).
    fn chain(&self, name: Option<&str>) -> Vec<(&str, &Style)> {
        let mut out = Vec::new();
        let mut next = name;
        while let Some(n) = next {
            if out.len() > 20 || out.iter().any(|(seen, _)| *seen == n) {
                break;
            }
            let Some((key, style)) = self.by_name.get_key_value(n) else {
                break;
            };
            out.push((key.as_str(), style));
            next = style.parent.as_deref();
        }
        out
    }

    fn bold(&self, name: Option<&str>) -> Option<bool> {
        self.chain(name).into_iter().find_map(|(_, s)| s.bold)
    }

    /// A paragraph style that makes a heading: "Title", "Heading 2", and
    /// the same in other languages.
    fn heading(&self, name: Option<&str>) -> Option<u8> {
        self.chain(name).into_iter().find_map(|(n, s)| {
            heading_from_name(s.display.as_deref().unwrap_or(n))
                .or_else(|| heading_from_name(&n.replace("_20_", " ")))
        })
    }

    fn is_contents(&self, name: Option<&str>) -> bool {
        self.chain(name).into_iter().any(|(n, s)| {
            let n = s.display.clone().unwrap_or_else(|| n.replace("_20_", " "));
            let n = n.to_lowercase();
            n.strip_prefix("contents ")
                .is_some_and(|d| d.trim().parse::<u8>().is_ok())
        })
    }
}

/// Where a list item stands: its list style, its level (1 for the
/// outermost) and the outermost list's index.
#[derive(Clone)]
struct InList {
    style: Option<String>,
    level: u8,
    list: usize,
}

struct Writer {
    styles: Styles,
    /// Tracked deletions by change id.
    deletions: HashMap<String, String>,
    units: Vec<Unit>,
    /// Counters per list style, by level.
    counters: HashMap<String, [u64; 10]>,
    lists: usize,
    tracked: bool,
    part: &'static str,
}

pub fn read(bytes: &[u8]) -> Result<Document, String> {
    let mut pkg = Package::open(bytes, ODT)?;
    let content = pkg.required(
        "content.xml",
        "is not an OpenDocument text file: it has no content.xml inside; open it in LibreOffice Writer, save it as .odt and try again".into(),
    )?;
    let styles_text = pkg.text("styles.xml")?;
    let meta_text = pkg.text("meta.xml")?;
    let content = parse(ODT, "content.xml", &content)?;
    let styles_xml = match &styles_text {
        Some(t) => Some(parse(ODT, "styles.xml", t)?),
        None => None,
    };
    let (title, language) = match &meta_text {
        Some(t) => core(&parse(ODT, "meta.xml", t)?),
        None => (None, None),
    };
    let mut styles = Styles::default();
    if let Some(x) = &styles_xml {
        styles.add(x.root_element());
    }
    styles.add(content.root_element());
    let language = language.or(styles.language.clone());
    let mut writer = Writer {
        styles,
        deletions: HashMap::new(),
        units: Vec::new(),
        counters: HashMap::new(),
        lists: 0,
        tracked: false,
        part: "styles.xml",
    };
    let pages: Vec<Node> = styles_xml
        .iter()
        .flat_map(|x| x.descendants())
        .filter(|d| d.is_element() && d.tag_name().name() == "master-page")
        .collect();
    writer.page_parts(&pages, "header", "page header")?;
    writer.part = "content.xml";
    let text = content
        .descendants()
        .find(|d| d.is_element() && d.tag_name().name() == "body")
        .and_then(|b| kid(b, "text"));
    if let Some(text) = text {
        writer.blocks(text, None, 2)?;
    }
    writer.part = "styles.xml";
    writer.page_parts(&pages, "footer", "page footer")?;
    let mut warnings = Vec::new();
    if writer.tracked {
        warnings.push("the OpenDocument file has tracked changes: it was read as if they were accepted (deletions left out, insertions read); accept or reject them in LibreOffice Writer to be sure".to_string());
    }
    let mut units = writer.units;
    add_title(&mut units, title);
    Ok(Document {
        units,
        language,
        warnings,
    })
}

impl Writer {
    fn deeper(&self, depth: usize) -> Result<usize, String> {
        if depth >= MAX_DEPTH {
            Err(too_deep(ODT, self.part))
        } else {
            Ok(depth + 1)
        }
    }

    /// The master pages' headers (or footers), every variant, dropped.
    fn page_parts(&mut self, pages: &[Node], which: &str, reason: &str) -> Result<(), String> {
        let saved = std::mem::take(&mut self.units);
        for page in pages {
            for part in page.children().filter(|c| {
                c.is_element()
                    && c.tag_name()
                        .name()
                        .strip_prefix(which)
                        .is_some_and(|r| r.is_empty() || r.starts_with('-'))
            }) {
                self.blocks(part, None, 3)?;
            }
        }
        let found = std::mem::replace(&mut self.units, saved);
        furniture(found, reason, &mut self.units);
        Ok(())
    }

    fn blocks(&mut self, node: Node, list: Option<&InList>, depth: usize) -> Result<(), String> {
        let depth = self.deeper(depth)?;
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "p" | "h" => self.paragraph(child, list, depth)?,
                "list" => self.list(child, list, depth)?,
                "numbered-paragraph" => {
                    let inner = InList {
                        style: attr(child, "style-name").map(str::to_string),
                        level: attr(child, "level")
                            .and_then(|l| l.parse().ok())
                            .unwrap_or(1),
                        list: self.new_list(),
                    };
                    self.blocks(child, Some(&inner), depth)?;
                }
                "table" => self.table(child, depth)?,
                "section" | "index-body" => self.blocks(child, list, depth)?,
                "tracked-changes" => self.tracked_changes(child),
                "change" => self.deletion(child, &mut Vec::new()),
                name if name.ends_with("index")
                    || name == "table-of-content"
                    || name == "bibliography" =>
                {
                    let saved = std::mem::take(&mut self.units);
                    if let Some(body) = kid(child, "index-body") {
                        self.blocks(body, None, depth)?;
                    }
                    let found = std::mem::replace(&mut self.units, saved);
                    let reason = if name == "table-of-content" {
                        "table of contents"
                    } else {
                        "index"
                    };
                    for u in found {
                        self.units.push(match u.is_dropped() {
                            true => u,
                            false => Unit::dropped(u.text, reason),
                        });
                    }
                }
                "frame" | "custom-shape" | "rect" | "g" | "a" if is_draw(child) => {
                    let mut after = Vec::new();
                    self.shape(child, &mut after, depth)?;
                    self.units.append(&mut after);
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn new_list(&mut self) -> usize {
        self.lists += 1;
        self.lists - 1
    }

    fn tracked_changes(&mut self, node: Node) {
        for region in kids(node, "changed-region") {
            let Some(id) = attr(region, "id") else {
                continue;
            };
            if let Some(del) = kid(region, "deletion") {
                let text: Vec<String> = del
                    .descendants()
                    .filter(|d| d.is_element() && matches!(d.tag_name().name(), "p" | "h"))
                    .map(|p| tidy(&plain_text(p)))
                    .filter(|t| !t.is_empty())
                    .collect();
                self.deletions.insert(id.to_string(), text.join(" "));
            }
            self.tracked = true;
        }
    }

    fn deletion(&mut self, change: Node, after: &mut Vec<Unit>) {
        if let Some(text) = attr(change, "change-id")
            .and_then(|id| self.deletions.get(id))
            .filter(|t| !t.is_empty())
        {
            after.push(Unit::dropped(text.clone(), "tracked deletion"));
        }
    }

    fn list(&mut self, node: Node, outer: Option<&InList>, depth: usize) -> Result<(), String> {
        let depth = self.deeper(depth)?;
        let style = attr(node, "style-name")
            .map(str::to_string)
            .or_else(|| outer.and_then(|o| o.style.clone()));
        let here = InList {
            level: outer.map_or(1, |o| o.level + 1),
            list: match outer {
                Some(o) => o.list,
                None => self.new_list(),
            },
            style,
        };
        let continues = attr(node, "continue-numbering") == Some("true")
            || attr(node, "continue-list").is_some();
        if let Some(s) = here
            .style
            .as_ref()
            .filter(|_| outer.is_none() && !continues)
        {
            self.counters.remove(s);
        }
        for item in node.children().filter(Node::is_element) {
            match item.tag_name().name() {
                "list-item" => {
                    if let (Some(s), Some(start)) = (
                        &here.style,
                        attr(item, "start-value").and_then(|v| v.parse::<u64>().ok()),
                    ) {
                        let c = self.counters.entry(s.clone()).or_insert([0; 10]);
                        c[(here.level as usize).min(9)] = start.saturating_sub(1);
                    }
                    self.blocks(item, Some(&here), depth)?;
                }
                // A heading line of the list, not numbered.
                "list-header" => self.blocks(item, None, depth)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn paragraph(&mut self, p: Node, list: Option<&InList>, depth: usize) -> Result<(), String> {
        let style = attr(p, "style-name");
        let base_bold = self.styles.bold(style).unwrap_or(false);
        let mut line = Line::default();
        self.inline(p, &mut line, base_bold, None, depth)?;
        let text = tidy(&line.text);
        if !text.is_empty() {
            let words = line.bold + line.plain;
            let heading = if p.tag_name().name() == "h" {
                Some(
                    attr(p, "outline-level")
                        .and_then(|l| l.parse::<u8>().ok())
                        .unwrap_or(1)
                        .clamp(1, 6),
                )
            } else {
                self.styles.heading(style)
            };
            let mut unit = if self.styles.is_contents(style) {
                Unit::dropped(text, "table of contents")
            } else if let Some(level) = heading {
                Unit::new(UnitKind::Heading(level), text)
            } else if let Some(l) = list {
                // Only the item's first paragraph carries its number.
                let first = p.prev_sibling_element().is_none();
                let mut unit = Unit::new(
                    if first {
                        UnitKind::Item
                    } else {
                        UnitKind::Paragraph
                    },
                    text,
                );
                if first {
                    unit.number = self.count(l);
                    unit.list = Some(l.list);
                }
                unit.nested = l.level > 1 || !first;
                unit
            } else {
                Unit::new(UnitKind::Paragraph, text)
            };
            unit.all_strong = words > 0 && line.plain == 0;
            unit.all_link = words > 0 && line.link == words;
            unit.in_page_links = unit.all_link && line.anchor == words;
            self.units.push(unit);
        }
        self.units.append(&mut line.after);
        Ok(())
    }

    /// The item's number when its list level counts.
    fn count(&mut self, l: &InList) -> Option<u64> {
        let style = l.style.as_ref()?;
        let level = (l.level as usize).min(9);
        let (counts, start) = self
            .styles
            .lists
            .get(style)
            .and_then(|ls| ls.get(&l.level))
            .copied()
            .unwrap_or((false, 1));
        let c = self.counters.entry(style.clone()).or_insert([0; 10]);
        c[level] = if c[level] == 0 { start } else { c[level] + 1 };
        c[level + 1..].iter_mut().for_each(|x| *x = 0);
        counts.then_some(c[level])
    }

    fn inline(
        &mut self,
        node: Node,
        line: &mut Line,
        bold: bool,
        link: Option<bool>,
        depth: usize,
    ) -> Result<(), String> {
        let depth = self.deeper(depth)?;
        for child in node.children() {
            if child.is_text() {
                line.push(child.text().unwrap_or(""), bold, link);
                continue;
            }
            if !child.is_element() {
                continue;
            }
            match child.tag_name().name() {
                "s" | "tab" | "line-break" => line.text.push(' '),
                "span" => {
                    let b = self.styles.bold(attr(child, "style-name")).unwrap_or(bold);
                    self.inline(child, line, b, link, depth)?;
                }
                "a" if !is_draw(child) => {
                    let anchor = attr(child, "href").is_some_and(|h| h.starts_with('#'));
                    self.inline(child, line, bold, Some(anchor), depth)?;
                }
                "change" => self.deletion(child, &mut line.after),
                "annotation" => {
                    let text = paragraphs_text(child);
                    if !text.is_empty() {
                        line.after.push(Unit::dropped(text, "comment"));
                    }
                }
                "note" => {
                    let kind = match attr(child, "note-class") {
                        Some("endnote") => "endnote",
                        _ => "footnote",
                    };
                    let text = kid(child, "note-body")
                        .map(paragraphs_text)
                        .unwrap_or_default();
                    if !text.is_empty() {
                        line.after.push(Unit::dropped(text, kind));
                    }
                }
                "ruby" => {
                    if let Some(base) = kid(child, "ruby-base") {
                        self.inline(base, line, bold, link, depth)?;
                    }
                }
                "soft-page-break"
                | "bookmark"
                | "bookmark-start"
                | "bookmark-end"
                | "reference-mark"
                | "reference-mark-start"
                | "reference-mark-end"
                | "change-start"
                | "change-end"
                | "annotation-end"
                | "hidden-text" => {}
                _ if is_draw(child) => self.shape(child, &mut line.after, depth)?,
                // Fields (page numbers, dates, cross references) and other
                // inline wrappers: their text is what the page shows.
                _ => self.inline(child, line, bold, link, depth)?,
            }
        }
        Ok(())
    }

    /// A frame or shape: its text boxes' blocks, else the picture's
    /// description listed as a dropped image.
    fn shape(&mut self, node: Node, after: &mut Vec<Unit>, depth: usize) -> Result<(), String> {
        let depth = self.deeper(depth)?;
        let saved = std::mem::take(&mut self.units);
        let mut alt = None;
        match node.tag_name().name() {
            "frame" => {
                for c in node.children().filter(Node::is_element) {
                    match c.tag_name().name() {
                        "text-box" => self.blocks(c, None, depth)?,
                        "title" | "desc" if alt.is_none() => alt = Some(tidy(&plain_text(c))),
                        _ => {}
                    }
                }
            }
            "g" | "a" => {
                for c in node.children().filter(|c| is_draw(*c)) {
                    let mut inner = Vec::new();
                    self.shape(c, &mut inner, depth)?;
                    self.units.append(&mut inner);
                }
            }
            _ => self.blocks(node, None, depth)?,
        }
        let found = std::mem::replace(&mut self.units, saved);
        after.extend(found);
        if let Some(alt) = alt.filter(|a| !a.is_empty()) {
            after.push(Unit::dropped(alt, "image"));
        }
        Ok(())
    }

    fn table(&mut self, table: Node, depth: usize) -> Result<(), String> {
        let depth = self.deeper(depth)?;
        for child in table.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "table-row" => {
                    let mut cells = Vec::new();
                    for cell in kids(child, "table-cell") {
                        let saved = std::mem::take(&mut self.units);
                        self.blocks(cell, None, depth + 1)?;
                        cells.push(std::mem::replace(&mut self.units, saved));
                    }
                    row(cells, &mut self.units);
                }
                "table-header-rows" | "table-rows" | "table-row-group" => {
                    self.table(child, depth)?
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn is_draw(node: Node) -> bool {
    node.tag_name()
        .namespace()
        .is_some_and(|ns| ns.contains(":drawing:") || ns.contains("/drawing"))
}

/// Text nodes beneath, with `text:s` and `text:tab` as spaces.
fn plain_text(node: Node) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if d.is_text() {
            s.push_str(d.text().unwrap_or(""));
        } else if matches!(d.tag_name().name(), "s" | "tab" | "line-break") {
            s.push(' ');
        }
    }
    s
}

/// The text of the paragraphs directly in a comment or note body.
fn paragraphs_text(node: Node) -> String {
    let parts: Vec<String> = node
        .descendants()
        .filter(|d| d.is_element() && matches!(d.tag_name().name(), "p" | "h"))
        .map(|p| tidy(&plain_text(p)))
        .filter(|t| !t.is_empty())
        .collect();
    parts.join(" ")
}
