//! ASCII slugs for folder and file names.

/// Lower-case ASCII words joined by hyphens, cut at a word boundary to at most
/// `max` bytes. Empty when the text has no letters or digits.
pub fn slugify(text: &str, max: usize) -> String {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let mut out = String::new();
    for word in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let extra = if out.is_empty() { 0 } else { 1 };
        if out.len() + extra + word.len() > max {
            if out.is_empty() {
                out.push_str(&word[..max.min(word.len())]);
            }
            break;
        }
        if extra == 1 {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_ascii_hyphenated_and_bounded() {
        assert_eq!(slugify("Café & Crème: a guide!", 64), "cafe-creme-a-guide");
        assert_eq!(slugify("What is osseointegration?", 10), "what-is");
        assert_eq!(slugify("¿?", 10), "");
        assert_eq!(slugify("Supercalifragilistic", 5), "super");
    }
}
