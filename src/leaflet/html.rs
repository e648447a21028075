//! Reading saved web pages (.html, .htm): the page parsed as a browser
//! parses it ([`parse`]), its main content found ([`content`]), and its
//! elements read in order ([`element`] says what each one is) into the
//! Markdown reader's units: headings, paragraphs, list items, one paragraph
//! per table row. Site furniture, code, forms, hidden text and everything
//! outside the main content are left out and recorded.
//!
//! The page is walked without recursion (the tree's own traversal, with the
//! open elements on a list), so however deep it nests, the stack does not.

mod content;
mod element;
mod parse;

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

use self::content::Content;
use self::element::{Record, What, attr, cut, is_block, marker_number, words_in};
use super::document::{Document, Unit, UnitKind as Kind};
use crate::plain::one_line;

/// Why text outside the page's main content is not read.
pub const OUTSIDE: &str = "outside the page's main content";
/// How much of a left-out element's words to keep in the record.
const RECORD_CHARS: usize = 500;

pub fn read(text: &str) -> Result<Document, String> {
    let parsed = parse::parse(text)?;
    let mut warnings = Vec::new();
    if parsed.flattened > 0 {
        warnings.push(format!(
            "the page nests its elements more than {} deep: {} elements deeper than that were read as part of the ones around them",
            parse::MAX_DEPTH,
            parsed.flattened
        ));
    }
    let content = Content::find(&parsed.html, &mut warnings);
    let mut walker = Walker::new(&content);
    walker.walk(parsed.html.tree.root());
    Ok(Document {
        units: walker.finish(),
        language: language(&parsed.html),
        warnings,
    })
}

/// The language `<html lang>` declares (or `<body lang>`, where Word puts
/// it), as a two-letter code.
fn language(html: &Html) -> Option<String> {
    let root = html.root_element();
    let body = root
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .find(|e| e.value().name() == "body");
    let lang = [Some(root), body]
        .into_iter()
        .flatten()
        .find_map(|e| attr(e.value(), "lang").or_else(|| attr(e.value(), "xml:lang")))?;
    let primary = lang.trim().split(['-', '_']).next()?;
    (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

/// Letters and digits seen in the open block, by where they sit: how "all
/// bold" and "all links" are judged, as in the Markdown reader.
#[derive(Debug, Default)]
struct Counts {
    strong: usize,
    plain: usize,
    linked: usize,
    unlinked: usize,
    links: Vec<String>,
}

/// An element the walk is inside, as it was taken at its opening.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Heading { level: u8, read: bool },
    List,
    Item,
    Quote,
    Table { data: bool },
    Row { data: bool },
    Cell { data: bool },
    Summary,
    Block,
    Link,
    Strong,
    Inline,
}

/// A numbered list's next number and step, or `None` for bullets.
type ListNumbers = Option<(i64, i64)>;

/// The cells of a data table's open row: whether each is a header, and its
/// words.
#[derive(Debug, Default)]
struct Row {
    cells: Vec<(bool, String)>,
    cell: Option<(bool, String)>,
}

/// A left-out element whose words are being gathered for the record.
struct Gathering {
    id: ego_tree::NodeId,
    reason: String,
    parts: Vec<String>,
    part: String,
    title: bool,
}

struct Walker<'a> {
    content: &'a Content,
    units: Vec<Unit>,
    /// The words of the open block.
    buf: String,
    counts: Counts,
    open: Vec<Open>,
    strong: usize,
    links: usize,
    quotes: usize,
    items: usize,
    summaries: usize,
    lists: Vec<ListNumbers>,
    /// Outermost lists opened so far: the id of the current one.
    list_count: usize,
    /// The open item's number, taken by its first block.
    number: Option<u64>,
    row: Option<Row>,
    /// How many content roots the walk is inside.
    inside: usize,
    /// A left-out element being passed over, its content unread.
    passing: Option<ego_tree::NodeId>,
    gathering: Option<Gathering>,
    /// The last record of code, which code right after it joins.
    last_code: Option<usize>,
    /// The record of the page's `<title>`.
    title: Option<usize>,
}

impl<'a> Walker<'a> {
    fn new(content: &'a Content) -> Walker<'a> {
        Walker {
            content,
            units: Vec::new(),
            buf: String::new(),
            counts: Counts::default(),
            open: Vec::new(),
            strong: 0,
            links: 0,
            quotes: 0,
            items: 0,
            summaries: 0,
            lists: Vec::new(),
            list_count: 0,
            number: None,
            row: None,
            inside: 0,
            passing: None,
            gathering: None,
            last_code: None,
            title: None,
        }
    }

    fn walk(&mut self, root: NodeRef<Node>) {
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => self.enter(node),
                Edge::Close(node) => self.leave(node),
            }
        }
        self.flush();
    }

    fn enter(&mut self, node: NodeRef<Node>) {
        if self.passing.is_some() {
            return;
        }
        match node.value() {
            Node::Text(t) => self.text(t),
            Node::Element(el) => {
                let what = element::what(node, el, self.content);
                if self.gathering.is_some() {
                    self.gather_element(node, &what, el.name());
                } else {
                    self.open_element(node, what, el.name());
                }
            }
            _ => {}
        }
    }

    fn leave(&mut self, node: NodeRef<Node>) {
        if let Some(id) = self.passing {
            if id == node.id() {
                self.passing = None;
            }
            return;
        }
        let Node::Element(el) = node.value() else {
            return;
        };
        if let Some(g) = self.gathering.as_mut() {
            if g.id == node.id() {
                self.end_gathering();
            } else if is_block(el.name()) {
                g.parts.push(std::mem::take(&mut g.part));
            }
            return;
        }
        self.close_element(node);
    }

    fn open_element(&mut self, node: NodeRef<Node>, what: What, name: &str) {
        let root = self.content.is_root(node.id());
        if root {
            self.flush();
            self.inside += 1;
        }
        let in_cell = self.row.as_ref().is_some_and(|r| r.cell.is_some());
        let data_table = matches!(
            self.open
                .iter()
                .rev()
                .find(|o| matches!(o, Open::Table { .. })),
            Some(Open::Table { data: true })
        );
        let open = match what {
            What::Left(reason, record) => {
                if is_block(name) && !in_cell {
                    self.flush();
                }
                self.leave_out(node, reason, record);
                return;
            }
            What::Heading(level) => {
                self.flush();
                Open::Heading { level, read: false }
            }
            What::List(numbers) => {
                self.flush();
                if self.lists.is_empty() {
                    self.list_count += 1;
                }
                self.lists.push(numbers);
                Open::List
            }
            What::Item(value) => {
                self.flush();
                self.items += 1;
                self.number = self.lists.last_mut().and_then(|l| {
                    let (next, step) = l.as_mut()?;
                    if let Some(v) = value {
                        *next = v;
                    }
                    let n = *next;
                    *next += *step;
                    u64::try_from(n).ok()
                });
                Open::Item
            }
            What::Quote => {
                self.flush();
                self.quotes += 1;
                Open::Quote
            }
            What::Table => {
                self.flush();
                Open::Table {
                    data: is_data_table(node),
                }
            }
            What::Row if data_table => {
                self.flush();
                self.row = Some(Row::default());
                Open::Row { data: true }
            }
            What::Cell { header } if data_table && self.row.is_some() && !in_cell => {
                if let Some(row) = self.row.as_mut() {
                    row.cell = Some((header, String::new()));
                }
                Open::Cell { data: true }
            }
            What::Row => {
                self.flush();
                Open::Row { data: false }
            }
            What::Cell { .. } => {
                self.block_break(in_cell);
                Open::Cell { data: false }
            }
            What::Summary => {
                self.flush();
                self.summaries += 1;
                Open::Summary
            }
            What::Block => {
                self.block_break(in_cell);
                Open::Block
            }
            What::Break => {
                self.push_text(" ");
                Open::Inline
            }
            What::Image => {
                if let Node::Element(el) = node.value() {
                    let alt = attr(el, "alt").map(one_line).filter(|a| !a.is_empty());
                    let src = attr(el, "src").map(one_line).unwrap_or_default();
                    self.push(Unit::dropped(alt.unwrap_or(src), "image"));
                }
                Open::Inline
            }
            What::Link(href) => {
                self.links += 1;
                self.counts.links.push(href);
                Open::Link
            }
            What::Strong => {
                self.strong += 1;
                Open::Strong
            }
            What::Title => {
                self.start_gathering(node, element::TITLE.to_string());
                if let Some(g) = self.gathering.as_mut() {
                    g.title = true;
                }
                return;
            }
            What::Marker => {
                if self.items > 0 && self.number.is_none() {
                    self.number = marker_number(&words_in(node));
                }
                self.passing = Some(node.id());
                return;
            }
            What::Inline => Open::Inline,
        };
        self.open.push(open);
    }

    fn close_element(&mut self, node: NodeRef<Node>) {
        let Some(open) = self.open.pop() else {
            return;
        };
        match open {
            Open::Heading { level, read } => {
                self.open.push(Open::Heading { level, read });
                self.flush();
                let read = matches!(self.open.pop(), Some(Open::Heading { read: true, .. }));
                if !read && self.inside > 0 {
                    self.push(Unit::dropped("", "empty heading"));
                }
            }
            Open::List => {
                self.flush();
                self.lists.pop();
            }
            Open::Item => {
                self.flush();
                self.items -= 1;
                self.number = None;
            }
            Open::Quote => {
                self.flush();
                self.quotes -= 1;
            }
            Open::Table { .. } | Open::Row { data: false } => self.flush(),
            Open::Row { data: true } => {
                if let Some(row) = self.row.take() {
                    self.buf.push(' ');
                    self.buf.push_str(&row_text(&row.cells));
                }
                self.flush();
            }
            Open::Cell { data: true } => {
                if let Some(row) = self.row.as_mut()
                    && let Some(cell) = row.cell.take()
                {
                    row.cells.push(cell);
                }
            }
            Open::Summary => {
                self.flush();
                self.summaries -= 1;
            }
            Open::Cell { data: false } | Open::Block => {
                let in_cell = self.row.as_ref().is_some_and(|r| r.cell.is_some());
                self.block_break(in_cell);
            }
            Open::Link => self.links -= 1,
            Open::Strong => self.strong -= 1,
            Open::Inline => {}
        }
        if self.content.is_root(node.id()) {
            self.flush();
            self.inside -= 1;
        }
    }

    /// A block's edge: the end of a unit, or a space inside a table cell.
    fn block_break(&mut self, in_cell: bool) {
        if in_cell {
            self.push_text(" ");
        } else {
            self.flush();
        }
    }

    /// Leave an element out, recording it as `record` says.
    fn leave_out(&mut self, node: NodeRef<Node>, reason: String, record: Record) {
        match record {
            Record::Words => {
                self.start_gathering(node, reason);
                return;
            }
            Record::Code(tag) => match self.last_code.filter(|&i| i + 1 == self.units.len()) {
                Some(i) if self.units[i].kind == Kind::Dropped(reason.clone()) => {
                    let joined = format!("{} {tag}", self.units[i].text);
                    self.units[i].text = cut(joined, RECORD_CHARS);
                }
                _ => {
                    self.push(Unit::dropped(tag, reason));
                    self.last_code = Some(self.units.len() - 1);
                }
            },
            Record::Text(text) => self.push(Unit::dropped(text, reason)),
            Record::Nothing => {}
        }
        self.passing = Some(node.id());
    }

    fn start_gathering(&mut self, node: NodeRef<Node>, reason: String) {
        self.gathering = Some(Gathering {
            id: node.id(),
            reason,
            parts: Vec::new(),
            part: String::new(),
            title: false,
        });
    }

    /// Inside a left-out element: its words are gathered, code and hidden
    /// text inside it passed over.
    fn gather_element(&mut self, node: NodeRef<Node>, what: &What, name: &str) {
        let Some(g) = self.gathering.as_mut() else {
            return;
        };
        match what {
            What::Left(_, Record::Code(_) | Record::Nothing) => self.passing = Some(node.id()),
            What::Left(reason, _) if reason == element::HIDDEN => self.passing = Some(node.id()),
            What::Break => g.part.push(' '),
            _ if element::is_control(name) => g.part.push(' '),
            What::Left(_, Record::Text(text)) => {
                g.part.push(' ');
                g.part.push_str(text);
                g.part.push(' ');
            }
            _ if is_block(name) => g.parts.push(std::mem::take(&mut g.part)),
            _ => {}
        }
    }

    fn end_gathering(&mut self) {
        let Some(mut g) = self.gathering.take() else {
            return;
        };
        g.parts.push(g.part);
        let parts: Vec<String> = g
            .parts
            .iter()
            .map(|p| one_line(p))
            .filter(|p| !p.is_empty())
            .collect();
        let text = cut(parts.join(" / "), RECORD_CHARS);
        if text.chars().any(char::is_alphanumeric) {
            self.push(Unit::dropped(text, g.reason));
            if g.title {
                self.title = Some(self.units.len() - 1);
            }
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(g) = self.gathering.as_mut() {
            g.part.push_str(text);
            return;
        }
        self.push_text(text);
        let n = text.chars().filter(|c| c.is_alphanumeric()).count();
        let c = &mut self.counts;
        *(if self.strong > 0 {
            &mut c.strong
        } else {
            &mut c.plain
        }) += n;
        *(if self.links > 0 {
            &mut c.linked
        } else {
            &mut c.unlinked
        }) += n;
    }

    /// Words into the open table cell, or the open block.
    fn push_text(&mut self, text: &str) {
        match self.row.as_mut().and_then(|r| r.cell.as_mut()) {
            Some((_, cell)) => cell.push_str(text),
            None => self.buf.push_str(text),
        }
    }

    fn push(&mut self, unit: Unit) {
        self.units.push(unit);
    }

    /// End the open block: its words become a heading, a list item or a
    /// paragraph (left out when outside the main content).
    fn flush(&mut self) {
        let counts = std::mem::take(&mut self.counts);
        let text = one_line(&self.buf);
        self.buf.clear();
        if text.is_empty() {
            return;
        }
        let heading = self.open.iter_mut().rev().find_map(|o| match o {
            Open::Heading { level, read } => {
                *read = true;
                Some(*level)
            }
            _ => None,
        });
        let in_list = self.items > 0 || !self.lists.is_empty();
        let mut unit = match heading {
            Some(level) => Unit::new(Kind::Heading(level), text),
            None => Unit {
                number: if in_list { self.number.take() } else { None },
                list: (in_list && !self.lists.is_empty()).then_some(self.list_count),
                all_strong: counts.strong > 0 && counts.plain == 0 || self.summaries > 0,
                all_link: counts.linked > 0 && counts.unlinked == 0,
                in_page_links: !counts.links.is_empty()
                    && counts.links.iter().all(|l| l.starts_with('#')),
                nested: in_list || self.quotes > 0,
                ..Unit::new(if in_list { Kind::Item } else { Kind::Paragraph }, text)
            },
        };
        if self.inside == 0 {
            unit.drop_as(OUTSIDE);
        }
        self.push(unit);
    }

    /// The units, the page's `<title>` made its title heading when nothing
    /// else on the page is a heading.
    fn finish(mut self) -> Vec<Unit> {
        if let Some(i) = self.title
            && !self.units.iter().any(Unit::is_heading)
        {
            let title = without_site_name(&self.units[i].text);
            self.units[i] = Unit::new(Kind::Heading(1), title);
        }
        self.units
    }
}

/// A table of data, read a row at a time, rather than one laying out the
/// page: no headings, lists, quotes or tables in its cells, and not marked
/// as a layout table.
fn is_data_table(table: NodeRef<Node>) -> bool {
    if let Node::Element(el) = table.value()
        && attr(el, "role").is_some_and(|r| matches!(r.trim(), "presentation" | "none"))
    {
        return false;
    }
    !table.descendants().skip(1).any(|d| {
        matches!(d.value(), Node::Element(e) if matches!(
            e.name(),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "dl" | "table" | "blockquote"
        ))
    })
}

/// A table row as one line: a header cell before data cells, or the first
/// of two cells, is a label ("Ward 5: 01234 567890"); other cells are
/// separated by semicolons, so commas inside cells still read as commas.
fn row_text(cells: &[(bool, String)]) -> String {
    let cells: Vec<(bool, String)> = cells
        .iter()
        .map(|(h, t)| (*h, one_line(t)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let Some((first, rest)) = cells.split_first() else {
        return String::new();
    };
    let labelled = !rest.is_empty() && (first.0 && !rest[0].0 || cells.len() == 2 && !first.0);
    let mut text = first.1.clone();
    for (i, (_, cell)) in rest.iter().enumerate() {
        let sep = if i == 0 && labelled { ":" } else { ";" };
        if !text.ends_with(['.', ',', ';', ':', '!', '?']) {
            text.push_str(sep);
        }
        text.push(' ');
        text.push_str(cell);
    }
    text
}

/// A browser tab's name without the site's name after it: "Knee
/// replacement | Westshire NHS Trust" is "Knee replacement".
fn without_site_name(title: &str) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: "] {
        if let Some((page, site)) = title.rsplit_once(sep) {
            let site = site.to_lowercase();
            let is_site = [
                "nhs",
                "trust",
                "hospital",
                "health",
                "council",
                "university",
                "service",
                ".uk",
                ".org",
                ".com",
                "clinic",
                "care",
            ]
            .iter()
            .any(|w| site.contains(w));
            if is_site && !page.trim().is_empty() {
                return page.trim().to_string();
            }
        }
    }
    title.to_string()
}

#[cfg(test)]
mod tests;
