//! Spoken forms: turn printed text into what a careful reader would say.

/// Normalise typography the voice would stumble on: curly quotes and
/// apostrophes become plain ones, dashes between words become commas (a
/// short pause), and white space is squeezed.
pub fn spoken(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '‘' | '’' | 'ʼ' | '′' => out.push('\''),
            '“' | '”' | '„' | '″' => out.push('"'),
            '\u{a0}' | '\t' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    let out = out
        .replace(" – ", ", ")
        .replace(" — ", ", ")
        .replace(" - ", ", ");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn typography_is_plain_and_dashes_pause() {
        assert_eq!(
            super::spoken("the patient’s “own” tissue – for limbs"),
            "the patient's \"own\" tissue, for limbs"
        );
    }
}
