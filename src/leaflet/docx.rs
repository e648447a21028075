//! Reading docx files (being written).

use super::document::Document;

pub fn read(_bytes: &[u8]) -> Result<Document, String> {
    Err("is a zip file, such as a Word .docx: save the leaflet as plain text (.txt) first".into())
}
