//! What the readers of structured files (PDF, Word, OpenDocument, web
//! pages) give: the leaflet's pieces in reading order, as the Markdown
//! reader's units, so that every kind of file goes through the same debris
//! rules and the same outline into the same [`super::Leaflet`].

pub use super::markdown::units::{Kind as UnitKind, Unit};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Headings, paragraphs, list items and dropped text, in reading order.
    pub units: Vec<Unit>,
    /// The language the file declares (`<html lang>`, Word's `w:lang`), if any.
    pub language: Option<String>,
    /// Things staff should know about how it was read.
    pub warnings: Vec<String>,
}

impl Document {
    /// All the text, for telling its language.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for u in self.units.iter().filter(|u| !u.is_dropped()) {
            text.push_str(&u.text);
            text.push('\n');
        }
        text
    }
}
