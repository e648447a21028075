//! Reading PDF files in-process: lopdf parses the file, [`extract`] runs
//! each page's drawing to get the text with its place, size and font, and
//! [`layout`] turns that into headings, paragraphs and list items in reading
//! order, with running headers and footers dropped.

mod extract;
mod layout;

use lopdf::{Document as Pdf, Object};

use super::document::Document;
use extract::{Budget, Stop};

/// The most pages read: leaflets have a few dozen at most; a file with more
/// is a book or a bundle, refused before any page is read.
pub const MAX_PAGES: usize = 2_000;
/// The most characters of text drawn, all pages together.
const MAX_CHARACTERS: usize = 4_000_000;
/// The most drawing operations run, all pages together: text-heavy leaflets
/// use a few thousand a page.
const MAX_OPERATIONS: usize = 20_000_000;

const REDO: &str =
    "save it again from the program that made it (or give the Word file or text) and try again";

pub fn read(bytes: &[u8]) -> Result<Document, String> {
    let pdf = Pdf::load_mem(bytes).map_err(|e| damaged(&e.to_string()))?;
    if pdf.trailer.has(b"Encrypt") && pdf.encryption_state.is_none() {
        return Err("is an encrypted PDF: it needs a password to open; save a copy without the password (or give the Word file or text) and try again".into());
    }
    let declared = declared_pages(&pdf);
    if declared > MAX_PAGES as i64 {
        return Err(too_many(declared));
    }
    let ids: Vec<_> = pdf.page_iter().take(MAX_PAGES + 1).collect();
    if ids.len() > MAX_PAGES {
        return Err(too_many(ids.len() as i64));
    }
    if ids.is_empty() {
        return Err(damaged("no pages found"));
    }
    let mut budget = Budget {
        operations: MAX_OPERATIONS,
        characters: MAX_CHARACTERS,
    };
    let mut pages = Vec::with_capacity(ids.len());
    let mut warnings = Vec::new();
    let mut first_problem = None;
    for (n, id) in ids.iter().enumerate() {
        match extract::page(&pdf, *id, &mut budget) {
            Ok(page) => pages.push(page),
            Err(Stop::Limit(why)) => {
                return Err(format!(
                    "{why}: give the leaflet itself, not a larger document, or split it and try again"
                ));
            }
            Err(Stop::Damaged(why)) => {
                warnings.push(format!(
                    "page {} of the PDF could not be read ({why}): check its text is all there",
                    n + 1
                ));
                first_problem.get_or_insert(why);
            }
        }
    }
    if pages.is_empty() {
        return Err(damaged(
            first_problem.as_deref().unwrap_or("no page could be read"),
        ));
    }
    let has_text = pages.iter().any(|p| {
        p.runs
            .iter()
            .any(|r| r.text.chars().any(char::is_alphanumeric))
    });
    if !has_text {
        return Err("is a PDF with no text in it (a scanned image): run it through OCR first (for example ocrmypdf) or give the Word file or text, and try again".into());
    }
    Ok(Document {
        units: layout::units(&pages),
        language: language(&pdf),
        warnings,
    })
}

fn damaged(why: &str) -> String {
    format!("is a damaged PDF: it could not be read; {REDO} (the parser said: {why})")
}

fn too_many(pages: i64) -> String {
    format!(
        "is a PDF of {pages} pages, more than the {MAX_PAGES} a leaflet could have: give the leaflet itself, not a book or a bundle of files"
    )
}

/// The page count the page tree declares, read before walking it.
fn declared_pages(pdf: &Pdf) -> i64 {
    pdf.catalog()
        .and_then(|c| c.get_deref(b"Pages", pdf))
        .and_then(Object::as_dict)
        .and_then(|p| p.get_deref(b"Count", pdf))
        .and_then(Object::as_i64)
        .unwrap_or(0)
}

/// The language the catalog declares (`/Lang (en-GB)`), as two letters.
fn language(pdf: &Pdf) -> Option<String> {
    let lang = pdf
        .catalog()
        .ok()?
        .get_deref(b"Lang", pdf)
        .ok()?
        .as_str()
        .ok()?;
    let lang = String::from_utf8_lossy(lang);
    let code: String = lang
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    (code.len() == 2).then(|| code.to_ascii_lowercase())
}
