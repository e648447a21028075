//! The unit of reading every Markdown stage passes along: a heading, a
//! paragraph, a list item or dropped text, with what later rules need to know.

use crate::leaflet::Dropped;

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A Markdown heading (ATX or setext) of this level, never empty.
    Heading(u8),
    Paragraph,
    /// A list item's own text, without its nested list.
    Item,
    /// Not spoken, with the reason: kept in reading order with the rest so
    /// that `dropped` lists things in the order a reader met them.
    Dropped(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub kind: Kind,
    pub text: String,
    /// The item's number in a numbered list.
    pub number: Option<u64>,
    /// The outermost list an item belongs to, so a menu is judged as a whole.
    pub list: Option<usize>,
    /// Every word is in strong emphasis: a bold line that may be a heading.
    pub all_strong: bool,
    /// Every word is link text: a menu entry, a breadcrumb or a button.
    pub all_link: bool,
    /// Every link points into the page itself (`#...`).
    pub in_page_links: bool,
    /// Inside a list or a block quote, where a bold line is emphasis.
    pub nested: bool,
}

impl Unit {
    pub fn new(kind: Kind, text: impl Into<String>) -> Unit {
        Unit {
            kind,
            text: text.into(),
            number: None,
            list: None,
            all_strong: false,
            all_link: false,
            in_page_links: false,
            nested: false,
        }
    }

    pub fn dropped(text: impl Into<String>, reason: impl Into<String>) -> Unit {
        Unit::new(Kind::Dropped(reason.into()), text)
    }

    pub fn is_dropped(&self) -> bool {
        matches!(self.kind, Kind::Dropped(_))
    }

    pub fn is_heading(&self) -> bool {
        matches!(self.kind, Kind::Heading(_))
    }

    /// Drop this unit, keeping its text for the record.
    pub fn drop_as(&mut self, reason: &str) {
        self.kind = Kind::Dropped(reason.to_string());
    }

    pub fn into_dropped(self) -> Option<Dropped> {
        match self.kind {
            Kind::Dropped(reason) => Some(Dropped {
                text: self.text,
                reason,
            }),
            _ => None,
        }
    }
}
