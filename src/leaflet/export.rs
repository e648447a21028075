//! The cleaned leaflet as Markdown, for staff to correct the split: one heading
//! per chapter at its level. Reading the file back gives the same leaflet.

use std::fmt::Write;

use super::{Block, Leaflet};
use crate::plain::one_line;

/// Render a leaflet. Front matter carries what a heading cannot: the language
/// and the organisation (both read back by [`super::read`]).
pub fn to_markdown(leaflet: &Leaflet) -> String {
    let mut out = String::from("---\n");
    let _ = writeln!(out, "language: {}", leaflet.language);
    if let Some(org) = &leaflet.organisation {
        let _ = writeln!(out, "organisation: {}", one_line(org));
    }
    out.push_str("---\n");
    for (i, chapter) in leaflet.chapters.iter().enumerate() {
        let depth = if i == 0 {
            1
        } else {
            chapter.level as usize + 1
        };
        let _ = writeln!(
            out,
            "\n{} {}",
            "#".repeat(depth.min(6)),
            escape(&chapter.title)
        );
        for block in &chapter.blocks {
            match block {
                Block::ListItem(t) => {
                    let _ = writeln!(out, "\n- {}", escape(t));
                }
                Block::Paragraph(t) | Block::Caption(t) => {
                    let _ = writeln!(out, "\n{}", escape(t));
                }
            }
        }
    }
    out
}

/// Backslash-escape what Markdown would read as markup, so the text comes back
/// exactly; leave ordinary punctuation readable for staff editing the file.
fn escape(text: &str) -> String {
    let text = one_line(text);
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        let at_start = i == 0;
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '|' | '&' | '!'
        ) || (at_start && matches!(c, '+' | '-' | '=' | ':'));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    escape_list_number(out)
}

/// "1. Soya" at the start of a paragraph would become a numbered list.
fn escape_list_number(text: String) -> String {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after = text[digits..].chars().next();
    if digits > 0 && matches!(after, Some('.') | Some(')')) {
        format!("{}\\{}", &text[..digits], &text[digits..])
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(escape("1. Soya"), "1\\. Soya");
        assert_eq!(escape("- not a list"), "\\- not a list");
        assert_eq!(escape("a *b* <c> & [d]"), "a \\*b\\* \\<c\\> \\& \\[d\\]");
        assert_eq!(escape("# 5 #"), "\\# 5 \\#");
    }
}
