//! A small language guesser: which language's common words are most frequent.

const ENGLISH: &[&str] = &[
    "the", "and", "of", "to", "is", "you", "your", "in", "that", "for", "with", "be", "are",
    "this", "will", "can", "if", "or", "have", "it", "not", "on",
];
const SPANISH: &[&str] = &[
    "el", "la", "los", "las", "de", "del", "que", "y", "en", "un", "una", "es", "por", "para",
    "con", "su", "se", "no", "al", "lo", "usted", "como",
];

/// `en` or `es`; English when there is too little text to tell.
pub fn detect(text: &str) -> &'static str {
    let (mut en, mut es) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphabetic()) {
        let w = word.to_lowercase();
        en += ENGLISH.contains(&w.as_str()) as usize;
        es += SPANISH.contains(&w.as_str()) as usize;
    }
    if es > en { "es" } else { "en" }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tells_english_from_spanish() {
        assert_eq!(
            super::detect("If you have any questions, ask your nurse."),
            "en"
        );
        assert_eq!(
            super::detect("Si tiene alguna pregunta, hable con su enfermera o con el médico."),
            "es"
        );
    }
}
