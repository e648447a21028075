//! What each element of a page is to a listener: a heading, a list, a table
//! row, words running on, or something left out (code, site furniture,
//! hidden text) with the reason.

use std::sync::LazyLock;

use ego_tree::NodeRef;
use regex::Regex;
use scraper::Node;
use scraper::node::Element;

use super::content::Content;
use crate::html_tags;
use crate::plain::one_line;

/// How much of an element's opening tag to keep in the record.
const TAG_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// Not read, with the reason and what the record of it holds.
    Left(String, Record),
    Heading(u8),
    /// `ul`, `ol`, `menu` and `dl`: the first number and the step, for a
    /// numbered list.
    List(Option<(i64, i64)>),
    /// `li`, `dt` and `dd`, with the number `<li value>` gives.
    Item(Option<i64>),
    Quote,
    Table,
    Row,
    Cell {
        header: bool,
    },
    /// An accordion's title (`<summary>`): read as a bold line.
    Summary,
    /// Any other element that starts and ends a run of text.
    Block,
    Break,
    Image,
    /// A link, with where it points.
    Link(String),
    Strong,
    /// Words that run on with the text around them.
    Inline,
    /// The page's name in the browser tab.
    Title,
    /// The bullet or number Word writes before a list paragraph of a page
    /// it saved (`<span style="mso-list:Ignore">`): not read, but its number
    /// numbers the item.
    Marker,
}

/// What the record of an element left out holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// The words a person would have seen in it, a block per ` / `.
    Words,
    /// This text (a control's label), the content unread.
    Text(String),
    /// Code: its opening tag, the code unread. Code elements side by side
    /// share one record.
    Code(String),
    /// Nothing: there was nothing to see.
    Nothing,
}

/// The reasons elements are left out for, besides their names.
pub const HIDDEN: &str = "hidden on the page";
pub const SKIP_LINK: &str = "skip link";
pub const BREADCRUMB: &str = "breadcrumb trail";
pub const COOKIES: &str = "cookie banner";
pub const TITLE: &str = "the page's name in the browser tab";

static SKIP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:skip|jump) (?:straight )?(?:to|over|past)\b|^skip navigation$").unwrap()
});

/// Elements whose content is code or media, never words for a listener.
fn is_code(name: &str) -> bool {
    html_tags::is_code(name) || matches!(name, "video" | "audio" | "embed" | "map" | "applet")
}

/// Elements that hold a form's controls.
pub fn is_control(name: &str) -> bool {
    matches!(
        name,
        "button"
            | "select"
            | "input"
            | "textarea"
            | "label"
            | "datalist"
            | "output"
            | "meter"
            | "progress"
    )
}

/// Elements that end a run of text besides [`html_tags::BLOCK`].
fn is_extra_block(name: &str) -> bool {
    matches!(
        name,
        "html"
            | "head"
            | "body"
            | "main"
            | "header"
            | "footer"
            | "nav"
            | "form"
            | "search"
            | "address"
            | "pre"
            | "listing"
            | "fieldset"
            | "legend"
            | "caption"
            | "hgroup"
            | "menu"
            | "dir"
            | "center"
            | "dialog"
            | "thead"
            | "tbody"
            | "tfoot"
            | "optgroup"
            | "option"
    )
}

/// An element that ends a run of text; anything else, unknown elements
/// included (as in a browser), runs on with the words around it.
pub fn is_block(name: &str) -> bool {
    name != "br" && (html_tags::is_block(name) || is_extra_block(name))
}

/// What `node`, the element `el`, is, where it stands on the page.
pub fn what(node: NodeRef<Node>, el: &Element, content: &Content) -> What {
    let name = el.name();
    let keep = content.holds_content(node.id());
    if let Some(left) = left_out(node, el, name, keep) {
        return left;
    }
    let role = attr(el, "role").map(|r| r.trim().to_ascii_lowercase());
    if let Some(what) = word_styled(el, name) {
        return what;
    }
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => What::Heading(name.as_bytes()[1] - b'0'),
        _ if role.as_deref() == Some("heading") => What::Heading(
            attr(el, "aria-level")
                .and_then(|l| l.trim().parse::<u8>().ok())
                .unwrap_or(2)
                .clamp(1, 6),
        ),
        "ol" => {
            let reversed = attr(el, "reversed").is_some();
            let start = attr(el, "start").and_then(|s| s.trim().parse::<i64>().ok());
            let start = start.unwrap_or_else(|| {
                if reversed {
                    node.children().filter(|c| is_named(*c, "li")).count() as i64
                } else {
                    1
                }
            });
            What::List(Some((start, if reversed { -1 } else { 1 })))
        }
        "ul" | "menu" | "dir" | "dl" => What::List(None),
        "li" => What::Item(attr(el, "value").and_then(|v| v.trim().parse().ok())),
        "dt" | "dd" => What::Item(None),
        "blockquote" => What::Quote,
        "table" => What::Table,
        "tr" => What::Row,
        "td" => What::Cell { header: false },
        "th" => What::Cell { header: true },
        "summary" => What::Summary,
        "br" => What::Break,
        "img" => What::Image,
        "title" => What::Title,
        "a" => match attr(el, "href") {
            Some(href) => What::Link(href.trim().to_string()),
            None => What::Inline,
        },
        "strong" | "b" => What::Strong,
        _ if is_block(name) => What::Block,
        _ => What::Inline,
    }
}

/// What Word's "Save as Web Page" says with a paragraph style rather than
/// an element: the Title style (`<p class=MsoTitle>`) is the leaflet's
/// title; list paragraphs (`MsoListParagraph`, `MsoListBullet`,
/// `MsoListNumber` and their variants) are list items, whose bullet or
/// number sits in a span styled `mso-list:Ignore`.
fn word_styled(el: &Element, name: &str) -> Option<What> {
    if name == "span" {
        let style = attr(el, "style")?.to_ascii_lowercase();
        let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
        return style.contains("mso-list:ignore").then_some(What::Marker);
    }
    if name != "p" {
        return None;
    }
    let class = attr(el, "class")?.trim().to_ascii_lowercase();
    if class == "msotitle" {
        Some(What::Heading(1))
    } else if ["msolistparagraph", "msolistbullet", "msolistnumber"]
        .iter()
        .any(|c| class.starts_with(c))
    {
        Some(What::Item(None))
    } else {
        None
    }
}

/// The number a list marker gives ("3." or "3)"), if it is one.
pub fn marker_number(marker: &str) -> Option<u64> {
    let digits = marker.trim().trim_end_matches(['.', ')']);
    digits.parse().ok()
}

/// Why an element is left out, if it is. An element that holds the page's
/// content (`keep`) is never left out for its class or for being hidden.
fn left_out(node: NodeRef<Node>, el: &Element, name: &str, keep: bool) -> Option<What> {
    let role = attr(el, "role").map(|r| r.trim().to_ascii_lowercase());
    let role = role.as_deref().unwrap_or("");
    let furniture = |tag: &str| {
        let reason = match tag {
            "nav" => "HTML <nav> element (site furniture)",
            "header" => "HTML <header> element (site furniture)",
            "footer" => "HTML <footer> element (site furniture)",
            "aside" => "HTML <aside> element (site furniture)",
            "search" => "HTML <search> element (site furniture)",
            _ => "HTML <form> element (site furniture)",
        };
        Some(What::Left(reason.to_string(), Record::Words))
    };
    let left = |reason: &str, record| Some(What::Left(reason.to_string(), record));
    if is_code(name) {
        let reason = format!("HTML <{name}> element");
        return left(&reason, Record::Code(opening_tag(el)));
    }
    if name == "input" && attr(el, "type").is_some_and(|t| t.eq_ignore_ascii_case("hidden")) {
        return left(HIDDEN, Record::Nothing);
    }
    if !keep && is_hidden(el, name) {
        return left(HIDDEN, Record::Words);
    }
    if name == "a" && is_skip_link(node, el) {
        return left(SKIP_LINK, Record::Words);
    }
    if keep {
        return None;
    }
    let marks = marks(el);
    if marks.contains("breadcrumb") {
        return left(BREADCRUMB, Record::Words);
    }
    if marks.contains("cookie")
        || marks.contains("gdpr")
        || marks.contains("consent") && mentions_cookies(node)
    {
        return left(COOKIES, Record::Words);
    }
    match (name, role) {
        ("nav", _) | (_, "navigation") => furniture("nav"),
        ("aside", _) | (_, "complementary") => furniture("aside"),
        ("form", _) => furniture("form"),
        ("search", _) | (_, "search") => furniture("search"),
        (_, "banner") => furniture("header"),
        (_, "contentinfo") => furniture("footer"),
        ("header" | "footer", _) if of_the_page(node) => furniture(name),
        _ if is_control(name) => left(
            "HTML form control (site furniture)",
            control_record(el, name),
        ),
        _ => None,
    }
}

/// Hidden from everyone: the `hidden` attribute (not `until-found`, which a
/// search of the page opens), `aria-hidden="true"`, an inline style that
/// hides it, a dialog that is not open.
fn is_hidden(el: &Element, name: &str) -> bool {
    let hidden = attr(el, "hidden").is_some_and(|h| !h.trim().eq_ignore_ascii_case("until-found"));
    let aria = attr(el, "aria-hidden").is_some_and(|h| h.trim().eq_ignore_ascii_case("true"));
    let style = attr(el, "style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    });
    let dialog = name == "dialog" && attr(el, "open").is_none();
    hidden || aria || style || dialog
}

/// A link past the site's menus to the content: it points into the page and
/// says "Skip to main content", or its class says it is one.
fn is_skip_link(node: NodeRef<Node>, el: &Element) -> bool {
    let marks = marks(el);
    if [
        "skip-link",
        "skiplink",
        "skip-to",
        "skipto",
        "skipnav",
        "skip-nav",
    ]
    .iter()
    .any(|m| marks.contains(m))
    {
        return true;
    }
    attr(el, "href").is_some_and(|h| h.trim_start().starts_with('#'))
        && SKIP.is_match(&words_in(node).to_lowercase())
}

/// A `<header>` or `<footer>` of the whole page, not of an article or a
/// section: no sectioning element around it (the HTML standard's rule for
/// the page's banner and content information).
fn of_the_page(node: NodeRef<Node>) -> bool {
    !node.ancestors().any(|a| match a.value() {
        Node::Element(e) => {
            matches!(e.name(), "article" | "aside" | "main" | "nav" | "section")
                || attr(e, "role")
                    .is_some_and(|r| matches!(r.trim(), "main" | "article" | "region"))
        }
        _ => false,
    })
}

/// An element whose class or id says "consent" is a cookie banner only when
/// its words are about cookies: a leaflet's section on consent to treatment
/// may well have `id="consent"`.
fn mentions_cookies(node: NodeRef<Node>) -> bool {
    static COOKIE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bcookies?\b").unwrap());
    COOKIE.is_match(&words_in(node))
}

/// The id, classes and label of an element, in lower case: what says what
/// it is for.
fn marks(el: &Element) -> String {
    let mut marks = String::new();
    for (name, value) in el.attrs() {
        if matches!(name, "id" | "class" | "aria-label") {
            marks.push_str(&value.to_lowercase());
            marks.push(' ');
        }
    }
    marks
}

/// What a form control shows: a button's or a box's label.
fn control_record(el: &Element, name: &str) -> Record {
    if name != "input" {
        return Record::Words;
    }
    ["value", "placeholder", "aria-label", "alt", "title"]
        .iter()
        .find_map(|a| attr(el, a).map(one_line).filter(|v| !v.is_empty()))
        .map_or(Record::Nothing, Record::Text)
}

/// The words inside a node, as they come.
pub fn words_in(node: NodeRef<Node>) -> String {
    let mut text = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            text.push_str(t);
        }
    }
    one_line(&text)
}

/// The element's opening tag as it might have been written, cut short.
pub fn opening_tag(el: &Element) -> String {
    let mut tag = format!("<{}", el.name());
    for (name, value) in el.attrs() {
        tag.push_str(&format!(" {name}=\"{}\"", one_line(value)));
    }
    tag.push('>');
    cut(tag, TAG_CHARS)
}

/// Text cut to `chars` characters, with an ellipsis when it was cut.
pub fn cut(text: String, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// An attribute's value, the name in any case.
pub fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attrs()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

pub fn is_named(node: NodeRef<Node>, name: &str) -> bool {
    matches!(node.value(), Node::Element(e) if e.name() == name)
}
