//! Ordinary English words (SCOWL size 35, `data/words-en.txt`): the reader
//! uses them to put back words an extractor split in two, the script to
//! tell "SHOUT" or "NICE" from an acronym and "communications" from a run of
//! letters in an address.

use std::sync::LazyLock;

const WORDS: &str = include_str!("../data/words-en.txt");

/// Where each line of the list starts, and (last) the end of the text. The
/// file is in byte order, so a lookup is a binary search. Made with
/// `memchr`, it takes under a million instructions once; listing the lines
/// with `str::lines` took 8 million, as much as reading the reference
/// leaflet.
static STARTS: LazyLock<Vec<u32>> = LazyLock::new(|| {
    let text = WORDS.as_bytes();
    let mut starts = Vec::with_capacity(text.len() / 8);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', text).map(|at| at as u32 + 1));
    if starts.last() != Some(&(text.len() as u32)) {
        starts.push(text.len() as u32 + 1);
    }
    starts
});

/// Whether `key` (lower case) is a line of the list.
fn listed(key: &[u8]) -> bool {
    let (text, starts) = (WORDS.as_bytes(), &*STARTS);
    let line = |k: usize| &text[starts[k] as usize..starts[k + 1] as usize - 1];
    let (mut lo, mut hi) = (0, starts.len() - 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match line(mid).cmp(key) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
        }
    }
    false
}

/// Whether `word`, in any case, is an ordinary English word.
pub fn is_dictionary_word(word: &str) -> bool {
    is_dictionary_pair(word, "")
}

/// Whether `a` followed by `b`, in any case, is an ordinary English word;
/// for ASCII, without making the joined word (the reader asks this of
/// every pair of neighbouring words).
pub fn is_dictionary_pair(a: &str, b: &str) -> bool {
    with_joined_lower(a, b, |word| listed(word.as_bytes()))
}

/// `a` followed by `b` in lower case, handed to `f`: put together on the
/// stack when both are ASCII and short (any word is), else in a new string.
pub fn with_joined_lower<R>(a: &str, b: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 64];
    let len = a.len() + b.len();
    if !(a.is_ascii() && b.is_ascii() && len <= buf.len()) {
        return f(&format!("{a}{b}").to_lowercase());
    }
    buf[..a.len()].copy_from_slice(a.as_bytes());
    buf[a.len()..len].copy_from_slice(b.as_bytes());
    buf[..len].make_ascii_lowercase();
    f(std::str::from_utf8(&buf[..len]).expect("ASCII"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_list_is_in_byte_order_so_every_word_is_found() {
        let words: Vec<&str> = WORDS.lines().collect();
        assert!(
            words.windows(2).all(|w| w[0] < w[1]),
            "sort data/words-en.txt with LC_ALL=C sort -u"
        );
        assert!(words.iter().all(|w| is_dictionary_word(w)));
        assert!(is_dictionary_word("Communications") && is_dictionary_word("NICE"));
        assert!(!is_dictionary_word("NHS") && !is_dictionary_word("zzzq"));
        assert!(is_dictionary_pair("Proce", "dure") && is_dictionary_pair("", "the"));
        assert!(!is_dictionary_pair("the", "re-") && !is_dictionary_pair("caf", "é"));
        let long = "a".repeat(70);
        assert_eq!(with_joined_lower("Caf", "É", str::to_string), "café");
        assert_eq!(with_joined_lower(&long, "B", str::len), 71);
    }
}
