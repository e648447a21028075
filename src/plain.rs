//! Plain-text helpers shared by every stage.

/// White space squeezed to single spaces, trimmed: how text is kept once it
/// leaves the page's line breaks behind, and what one-line formats need.
pub fn one_line(text: &str) -> String {
    one_line_keeping(text, |_| true)
}

/// [`one_line`] without control characters: for formats where one would end
/// a field early (a NUL in a RIFF `labl` text) or break a line-based format
/// (a CUE command, which has no escapes).
pub fn one_line_printable(text: &str) -> String {
    one_line_keeping(text, |c| !c.is_control())
}

/// One line of the characters `keep` accepts: white space runs become one
/// space, and a word left with no characters goes with the space before it.
/// This is the one place the squeezing is done; the formats differ only in
/// which characters they can carry.
pub fn one_line_keeping(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let before = out.len();
        if before > 0 {
            out.push(' ');
        }
        let start = out.len();
        out.extend(word.chars().filter(|&c| keep(c)));
        if out.len() == start {
            out.truncate(before);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_becomes_single_spaces() {
        assert_eq!(one_line("  Two\n\tlines \u{a0} here "), "Two lines here");
        assert_eq!(one_line(""), "");
        assert_eq!(one_line(" \n "), "");
    }

    #[test]
    fn printable_lines_lose_control_characters_and_emptied_words() {
        assert_eq!(one_line_printable("A\u{0}B \u{7} c\u{1b}"), "AB c");
        assert_eq!(one_line_printable("\u{7} first"), "first");
        assert_eq!(one_line_printable("last \u{0}"), "last");
    }

    #[test]
    fn a_filter_decides_which_characters_stay() {
        assert_eq!(one_line_keeping("x-y  -  z", |c| c != '-'), "xy z");
    }
}
