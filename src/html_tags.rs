//! What the project knows about HTML element names, for the two places that
//! meet HTML in a leaflet: the Markdown reader, which takes the words out of
//! embedded HTML, and the script's markup filter, which makes sure no tag is
//! ever read aloud.
//!
//! Every element the project knows is in exactly one of four lists, by what
//! the Markdown reader does with it: [`CODE`] and [`FURNITURE`] are cut out
//! whole, [`BLOCK`] tags end a run of text, and the [`OTHER`] tags are dropped
//! where they stand. All four together are the names [`is_element`] accepts.

/// Elements whose content is code or data, never text for a listener. In the
/// order the Markdown reader cuts them out.
pub const CODE: &[&str] = &[
    "script", "style", "template", "svg", "canvas", "iframe", "object", "noscript",
];

/// Elements that hold a site's furniture, not the page's content. Cut out
/// after [`CODE`], in this order.
pub const FURNITURE: &[&str] = &["nav", "header", "footer", "form", "button", "select"];

/// Tags that end a run of text, so the words on either side stay apart.
pub const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "br",
    "section",
    "article",
    "aside",
    "blockquote",
    "table",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "figure",
    "figcaption",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// The other known elements: inline ones such as `<b>`, and those the reader
/// does not split text at, such as `<main>` or `<tbody>`. Their tags go and
/// the words around them run on.
pub const OTHER: &[&str] = &[
    "a", "abbr", "address", "area", "audio", "b", "base", "bdi", "bdo", "big", "body", "caption",
    "center", "cite", "code", "col", "colgroup", "data", "del", "dfn", "dialog", "em", "embed",
    "fieldset", "font", "head", "html", "i", "img", "input", "ins", "kbd", "label", "legend",
    "link", "main", "mark", "meta", "optgroup", "option", "param", "picture", "pre", "q", "s",
    "samp", "small", "source", "span", "strike", "strong", "sub", "sup", "tbody", "textarea",
    "tfoot", "thead", "time", "title", "track", "tt", "u", "var", "video", "wbr",
];

/// A known HTML element name, in any case: a tag the voice must never read.
/// Anything else in angle brackets ("<water>") is taken for words.
pub fn is_element(name: &str) -> bool {
    [CODE, FURNITURE, BLOCK, OTHER]
        .iter()
        .any(|list| in_list(list, name))
}

/// A tag, in any case, that ends a run of text.
pub fn is_block(name: &str) -> bool {
    in_list(BLOCK, name)
}

/// An element, in any case, whose content is code or data.
pub fn is_code(name: &str) -> bool {
    in_list(CODE, name)
}

fn in_list(list: &[&str], name: &str) -> bool {
    list.iter().any(|known| known.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_element_is_in_one_list() {
        let lists = [CODE, FURNITURE, BLOCK, OTHER];
        let mut seen = std::collections::HashSet::new();
        for name in lists.iter().copied().flatten() {
            assert!(seen.insert(*name), "{name} is in two lists");
            assert_eq!(*name, name.to_ascii_lowercase(), "lists are lower case");
        }
        assert_eq!(seen.len(), 107);
    }

    #[test]
    fn names_match_in_any_case() {
        assert!(is_element("B") && is_element("tbody") && is_element("Script"));
        assert!(!is_element("water") && !is_element(""));
        assert!(is_block("H2") && is_block("br") && !is_block("span"));
        assert!(is_code("STYLE") && !is_code("nav") && !is_code("p"));
    }
}
