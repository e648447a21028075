//! HTML inside Markdown: the markup is never read, but the words a person
//! would see in simple tags are, and everything left out is recorded.

use std::sync::LazyLock;

use regex::Regex;

use super::units::{Kind, Unit};
use crate::html_tags;
use crate::plain::one_line;

/// How much raw markup to keep in the record of what was dropped.
const RECORD_CHARS: usize = 200;

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>").unwrap());
static ALT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(alt|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).unwrap()
});
/// Each code or furniture element with its content, to be cut out whole.
static ELEMENTS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    html_tags::CODE
        .iter()
        .chain(html_tags::FURNITURE)
        .map(|&name| {
            let re = format!(r"(?is)<{name}\b[^>]*>.*?</{name}\s*>|<{name}\b[^>]*/>");
            (name, Regex::new(&re).unwrap())
        })
        .collect()
});

pub fn is_line_break(raw: &str) -> bool {
    tag_name(raw).is_some_and(|(closing, name)| !closing && name.eq_ignore_ascii_case("br"))
}

/// An inline tag: recorded once, at its opening (the closing tag adds
/// nothing); an image tag is recorded as an image.
pub fn inline(raw: &str) -> Vec<Unit> {
    if let Some(comment) = comment(raw) {
        return vec![comment];
    }
    match tag_name(raw) {
        Some((true, _)) => Vec::new(),
        Some((false, name)) if name.eq_ignore_ascii_case("img") => vec![image(raw)],
        _ => vec![Unit::dropped(
            raw.trim(),
            "inline HTML tag (its text is read)",
        )],
    }
}

/// An HTML block: code and site furniture are dropped whole (their visible
/// words recorded); the words in the remaining tags are read as paragraphs,
/// list items and headings, like the Markdown around them.
pub fn block(raw: &str) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut rest = raw.to_string();
    for (name, re) in ELEMENTS.iter() {
        for m in re.find_iter(&rest.clone()) {
            units.push(element(name, m.as_str()));
            rest = rest.replacen(m.as_str(), " ", 1);
        }
    }
    let read = words(&rest, &mut units);
    // The markup itself is recorded when its words are read, or when it
    // held nothing else worth a record (a bare `<div>`).
    if read || units.is_empty() {
        let reason = if read {
            "HTML markup (its text is read)"
        } else {
            "HTML markup"
        };
        units.insert(0, Unit::dropped(record(raw), reason));
    }
    units
}

fn element(name: &str, raw: &str) -> Unit {
    if html_tags::is_code(name) {
        return Unit::dropped(record(raw), format!("HTML <{name}> element"));
    }
    let mut inner = Vec::new();
    words(raw, &mut inner);
    let seen: Vec<String> = inner
        .into_iter()
        .filter(|u| !u.is_dropped())
        .map(|u| u.text)
        .collect();
    let text = if seen.is_empty() {
        record(raw)
    } else {
        seen.join(" / ")
    };
    Unit::dropped(text, format!("HTML <{name}> element (site furniture)"))
}

/// Split the visible words of `html` into units at block tags; images and
/// comments are recorded as dropped. Whether any words were found.
fn words(html: &str, units: &mut Vec<Unit>) -> bool {
    let mut text = String::new();
    let mut kind = Kind::Paragraph;
    let mut found = false;
    let mut last = 0;
    for m in TAG.find_iter(html) {
        text.push_str(&decode_entities(&html[last..m.start()]));
        last = m.end();
        let tag = m.as_str();
        if let Some(c) = comment(tag) {
            units.push(c);
            continue;
        }
        let Some((closing, name)) = tag_name(tag) else {
            continue;
        };
        let name = name.to_ascii_lowercase();
        if name == "img" {
            units.push(image(tag));
        } else if html_tags::is_block(&name) {
            found |= push_words(units, &mut text, &kind);
            kind = block_kind(&name, closing);
        }
    }
    text.push_str(&decode_entities(&html[last..]));
    push_words(units, &mut text, &kind) | found
}

/// What the text after a block tag is: a list item after `<li>`, a heading
/// after `<h2>`, else a paragraph.
fn block_kind(name: &str, closing: bool) -> Kind {
    if closing {
        return Kind::Paragraph;
    }
    match name.as_bytes() {
        b"li" => Kind::Item,
        [b'h', d @ b'1'..=b'6'] => Kind::Heading(d - b'0'),
        _ => Kind::Paragraph,
    }
}

fn push_words(units: &mut Vec<Unit>, text: &mut String, kind: &Kind) -> bool {
    let words = one_line(text);
    text.clear();
    if words.is_empty() {
        return false;
    }
    units.push(Unit::new(kind.clone(), words));
    true
}

fn comment(raw: &str) -> Option<Unit> {
    let inner = raw.trim().strip_prefix("<!--")?.strip_suffix("-->")?;
    Some(Unit::dropped(one_line(inner), "HTML comment"))
}

/// An `<img>` tag, recorded by its alt text, or its address if it has none.
fn image(tag: &str) -> Unit {
    let mut alt = None;
    let mut src = None;
    for c in ALT.captures_iter(tag) {
        let value = c
            .get(2)
            .or(c.get(3))
            .or(c.get(4))
            .map_or("", |v| v.as_str());
        let slot = if c[1].eq_ignore_ascii_case("alt") {
            &mut alt
        } else {
            &mut src
        };
        *slot = Some(one_line(&decode_entities(value)));
    }
    let text = alt.filter(|a| !a.is_empty()).or(src).unwrap_or_default();
    Unit::dropped(text, "image")
}

/// `<b>` is `(false, "b")`, `</b>` is `(true, "b")`; `None` for anything else.
fn tag_name(raw: &str) -> Option<(bool, &str)> {
    let inner = raw.trim().strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(inner.len());
    let name = &inner[..end];
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        .then_some((closing, name))
}

/// The raw markup as recorded: on one line, and cut short if long.
fn record(raw: &str) -> String {
    let line = one_line(raw);
    match line.char_indices().nth(RECORD_CHARS) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

fn decode_entities(text: &str) -> String {
    static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});").unwrap()
    });
    ENTITY
        .replace_all(text, |c: &regex::Captures| {
            let name = &c[1];
            let named = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "hellip" => Some('…'),
                "pound" => Some('£'),
                "euro" => Some('€'),
                "copy" => Some('©'),
                _ => None,
            };
            let numeric = name
                .strip_prefix('#')
                .and_then(|n| match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                });
            named
                .or_else(|| numeric.and_then(char::from_u32))
                .map_or_else(|| c[0].to_string(), String::from)
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(units: &[Unit]) -> Vec<(Kind, &str)> {
        units
            .iter()
            .filter(|u| !u.is_dropped())
            .map(|u| (u.kind.clone(), u.text.as_str()))
            .collect()
    }

    fn reasons(units: &[Unit]) -> Vec<String> {
        units
            .iter()
            .filter_map(|u| u.clone().into_dropped())
            .map(|d| d.reason)
            .collect()
    }

    #[test]
    fn words_in_simple_tags_are_read_in_their_blocks() {
        let units = block(
            "<div class=\"callout\"><h3>Urgent</h3><p>Call 999 if you&rsquo;re fainting &amp; <b>cold</b>.</p><ul><li>One</li><li>Two</li></ul></div>",
        );
        assert_eq!(
            kept(&units),
            [
                (Kind::Heading(3), "Urgent"),
                (Kind::Paragraph, "Call 999 if you’re fainting & cold."),
                (Kind::Item, "One"),
                (Kind::Item, "Two"),
            ]
        );
        assert_eq!(reasons(&units), ["HTML markup (its text is read)"]);
    }

    #[test]
    fn code_furniture_comments_and_images_are_dropped_and_recorded() {
        let units = block(
            "<nav><a href=\"/\">Home</a> <a href=\"/a\">A to Z</a></nav>\n<script>track();</script>\n<!-- editor's note -->\n<img src=\"knee.png\" alt=\"A knee brace\">",
        );
        assert!(kept(&units).is_empty());
        let dropped: Vec<(String, String)> = units
            .into_iter()
            .filter_map(Unit::into_dropped)
            .map(|d| (d.text, d.reason))
            .collect();
        assert_eq!(dropped.len(), 4, "{dropped:?}");
        assert!(dropped.contains(&(
            "Home A to Z".into(),
            "HTML <nav> element (site furniture)".into()
        )));
        assert!(dropped.contains(&(
            "<script>track();</script>".into(),
            "HTML <script> element".into()
        )));
        assert!(dropped.contains(&("editor's note".into(), "HTML comment".into())));
        assert!(dropped.contains(&("A knee brace".into(), "image".into())));
    }

    #[test]
    fn markup_is_recorded_once() {
        assert_eq!(reasons(&block("<div class=\"card\">\n")), ["HTML markup"]);
        assert_eq!(reasons(&block("<!-- note -->\n")), ["HTML comment"]);
    }

    #[test]
    fn inline_tags_are_recorded_once_and_breaks_are_pauses() {
        assert!(is_line_break("<br/>") && is_line_break("<BR>") && !is_line_break("<b>"));
        assert_eq!(
            reasons(&inline("<span class=\"x\">")),
            ["inline HTML tag (its text is read)"]
        );
        assert!(inline("</span>").is_empty());
        assert_eq!(inline("<img src=\"a.png\">")[0].text, "a.png");
    }
}
