//! Reading pdf files (being written).

use super::document::Document;

pub fn read(_bytes: &[u8]) -> Result<Document, String> {
    Err("is a PDF: extract its text first (for example `pdftotext leaflet.pdf leaflet.txt`) and give the .txt".into())
}
