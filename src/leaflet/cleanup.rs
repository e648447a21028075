//! Text-level repairs for PDF-extracted text: page furniture, line joins,
//! reference numbers and repeated link lines; and the caption rule that the
//! Markdown reader shares.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::Dropped;

/// One physical line of extracted text.
#[derive(Debug, Clone)]
pub struct Line {
    /// The text with surrounding white space removed.
    pub text: String,
    /// Whether the extractor put white space before it: often the sign of a
    /// paragraph, bullet or heading that starts where the layout moved on.
    pub indented: bool,
    /// First line of a page after a form feed.
    pub page_start: bool,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Split text into pages at form feeds and lines, and drop running headers and
/// footers: lines near the top or bottom of a page that recur, with their
/// numbers and month names ignored, on at least half of the pages (and on two
/// or more). A running line is dropped however a page printed it: on its own,
/// wrapped over two lines, or glued to the end of the page's last sentence
/// (or the start of its first), so it is never read once per page.
pub fn lines_without_furniture(text: &str, dropped: &mut Vec<Dropped>) -> Vec<Line> {
    let mut pages: Vec<Vec<&str>> = text
        .split('\x0c')
        .map(|p| p.split('\n').collect())
        .filter(|p: &Vec<&str>| p.iter().any(|l| !l.trim().is_empty()))
        .collect();
    if let [only] = pages.as_slice()
        && let Some(found) = pages_by_label(only, dropped).or_else(|| pages_by_running_line(only))
    {
        pages = found;
    }
    let furniture = running_lines(&pages);
    let drop = |text: &str, dropped: &mut Vec<Dropped>| {
        dropped.push(Dropped {
            text: text.to_string(),
            reason: FURNITURE.into(),
        });
    };
    let mut out = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let edges = edge_indices(page);
        let filled: Vec<usize> = (0..page.len())
            .filter(|&i| !page[i].trim().is_empty())
            .collect();
        let head: Vec<usize> = filled.iter().take(3).copied().collect();
        let foot: Vec<usize> = filled.iter().rev().take(3).copied().collect();
        let mut first = true;
        let mut skip_next = false;
        for (i, raw) in page.iter().enumerate() {
            let mut text = raw.trim();
            if skip_next && !text.is_empty() {
                skip_next = false;
                drop(text, dropped);
                continue;
            }
            let at_edge = edges.contains(&i);
            if is_page_label(text)
                || at_edge
                    && (furniture.contains(&shape(text)) || is_page_number(text, pages.len()))
            {
                drop(text, dropped);
                continue;
            }
            let wrapped = at_edge
                && next_filled(page, i).is_some_and(|j| {
                    edges.contains(&j)
                        && furniture.contains(&shape(&format!("{text} {}", page[j].trim())))
                });
            if wrapped {
                drop(text, dropped);
                skip_next = true;
                continue;
            }
            let kept;
            if at_edge {
                let found = (foot.contains(&i))
                    .then(|| glued(text, &furniture, true))
                    .flatten()
                    .or_else(|| {
                        head.contains(&i)
                            .then(|| glued(text, &furniture, false))
                            .flatten()
                    });
                if let Some((body, running)) = found {
                    drop(running, dropped);
                    kept = body.to_string();
                    text = &kept;
                }
            }
            out.push(Line {
                text: text.to_string(),
                indented: !text.is_empty() && raw.starts_with(char::is_whitespace),
                page_start: first && n > 0 && !text.is_empty(),
            });
            if !text.is_empty() {
                first = false;
            }
        }
    }
    out
}

const FURNITURE: &str = "page header or footer";

/// A line holding a page label ("Page 3 of 8"), as [`pages_by_label`]
/// finds it.
struct PageLabel<'a> {
    /// The line's index in the text.
    index: usize,
    /// The line, trimmed.
    line: &'a str,
    /// The page number, and the count of pages it names.
    page: u32,
    of: u32,
    /// The shape of the words before the label, which every page's label
    /// line shares.
    before: String,
    /// Where the label ends in `line`.
    end: usize,
}

/// Text with no page breaks (copied from a PDF viewer, or from an extractor
/// that leaves them out) whose running header or footer names its page:
/// "Ref 2020/409  Page 2 of 3", or "TIG 105/14 Updated: July 2022 Page 4 of
/// 7 www.mft.nhs.uk". Such lines are found by the label "Page N of M" with
/// the same words before it (numbers and months aside), on two or more
/// lines, every one a page of the document and in order. The text is cut
/// into pages before each of them, so that the running lines beside them,
/// at the foot of one page or the head of the next, are found as they are
/// between form feeds. Of each labelled line, the label and the words before
/// it are dropped, and so are the words after it that every such line has
/// and that look like furniture (an address, or with a digit), and the
/// start of an address all of them share when an extractor glued the next
/// line's text to it ("www.mft.nhs.ukImportant Information"). What is left
/// stays, as a line of its own. `None` when there are no such lines.
fn pages_by_label<'a>(lines: &[&'a str], dropped: &mut Vec<Dropped>) -> Option<Vec<Vec<&'a str>>> {
    static LABEL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i-u)\bpage\s+([0-9]{1,3})\s+of\s+([0-9]{1,3})\b").unwrap());
    let found: Vec<PageLabel> = lines
        .iter()
        .enumerate()
        .filter_map(|(index, raw)| {
            let line = raw.trim();
            let c = LABEL.captures(line)?;
            let number = |k: usize| c[k].parse::<u32>().ok();
            let whole = c.get(0)?;
            Some(PageLabel {
                index,
                line,
                page: number(1)?,
                of: number(2)?,
                before: shape(&line[..whole.start()]),
                end: whole.end(),
            })
        })
        .collect();
    let first = found.first()?;
    let (of, before) = (first.of, first.before.clone());
    let found: Vec<_> = found
        .into_iter()
        .filter(|f| f.of == of && f.before == before)
        .collect();
    // Every one a page of the document, in order: otherwise these are not
    // one running line's labels, and the text is left as it is.
    let in_order = found.windows(2).all(|w| w[0].page < w[1].page);
    if found.len() < 2 || !in_order || found.iter().any(|f| !(1..=of).contains(&f.page)) {
        return None;
    }
    // Where each line's running part ends: the label's end, then the words
    // after it that every line has and that look like furniture.
    let mut ends: Vec<usize> = found.iter().map(|f| f.end).collect();
    let next_word = |line: &'a str, from: usize| -> Option<(usize, &'a str)> {
        let rest = &line[from..];
        let start = from + (rest.len() - rest.trim_start().len());
        let word = line[start..].split_whitespace().next()?;
        Some((start, word))
    };
    loop {
        let words: Option<Vec<(usize, &str)>> = found
            .iter()
            .zip(&ends)
            .map(|(f, &end)| next_word(f.line, end))
            .collect();
        let Some(words) = words else { break };
        let first = words[0].1;
        let furniture_like = is_address_like(first) || first.chars().any(|c| c.is_ascii_digit());
        if words.iter().all(|(_, w)| *w == first) && furniture_like {
            for (end, (start, w)) in ends.iter_mut().zip(&words) {
                *end = start + w.len();
            }
            continue;
        }
        // The same start, each either the whole word or glued to a capital.
        let mut common = first.len();
        for (_, w) in &words {
            common = first
                .char_indices()
                .zip(w.chars())
                .find(|((_, a), b)| a != b)
                .map_or(common.min(w.len()), |((k, _), _)| common.min(k));
        }
        // The longest such start: the glued words may share their capital
        // too ("...ukIntro", "...ukIdeas").
        let glued = |stem: &str| {
            stem.ends_with(|c: char| c.is_lowercase())
                && is_address_like(stem)
                && words.iter().all(|(_, w)| {
                    w.len() == stem.len() || w[stem.len()..].starts_with(char::is_uppercase)
                })
        };
        let stem = first[..common]
            .char_indices()
            .map(|(k, c)| &first[..k + c.len_utf8()])
            .rev()
            .find(|stem| glued(stem));
        if let Some(stem) = stem {
            for (end, (start, _)) in ends.iter_mut().zip(&words) {
                *end = start + stem.len();
            }
        }
        break;
    }
    let labelled: HashMap<usize, usize> = found
        .iter()
        .zip(&ends)
        .map(|(f, &e)| (f.index, e))
        .collect();
    let mut pages: Vec<Vec<&'a str>> = vec![Vec::new()];
    for (i, raw) in lines.iter().enumerate() {
        let Some(&end) = labelled.get(&i) else {
            pages.last_mut().expect("a page").push(raw);
            continue;
        };
        let line = raw.trim();
        dropped.push(Dropped {
            text: line[..end].trim_end().to_string(),
            reason: FURNITURE.into(),
        });
        pages.push(vec![line[end..].trim()]);
    }
    pages.retain(|p| p.iter().any(|l| !l.trim().is_empty()));
    Some(pages)
}

/// Text with no page breaks and no page labels, whose running header or
/// footer is a line that says when or which edition it is: "Version 5 |
/// Author ... | Review date: May 2028", or "Acute otitis media, December
/// 2023 2". Such a line has four words or more, does not end as a sentence
/// does, holds a year, a version, a review date or a reference, and comes
/// back (numbers and months aside) at least twice, [`PAGE_APART`] lines or
/// more apart. The text is cut into pages before each time it comes, so
/// that it is found at the pages' edges as a running line between form
/// feeds is; only the line that comes most often is used. `None` when there
/// is no such line.
fn pages_by_running_line<'a>(lines: &[&'a str]) -> Option<Vec<Vec<&'a str>>> {
    static EDITION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i-u)\b(?:19|20)[0-9]{2}\b|\||\b(?:version|v[0-9]|review|reviewed|ref|reference|updated|issued|published)\b",
        )
        .unwrap()
    });
    // Lines with text before each line, to measure how far apart two are.
    let mut filled_before = Vec::with_capacity(lines.len());
    let mut filled = 0;
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, raw) in lines.iter().enumerate() {
        filled_before.push(filled);
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        filled += 1;
        if line.split_whitespace().count() >= 4
            && !line.ends_with(['.', '?', '!', ':', ';', ','])
            && EDITION.is_match(line)
        {
            groups.entry(shape(line)).or_default().push(i);
        }
    }
    let starts = groups
        .into_values()
        .filter(|at| {
            at.len() >= 2
                && at
                    .windows(2)
                    .all(|w| filled_before[w[1]] - filled_before[w[0]] >= PAGE_APART)
        })
        .max_by_key(|at| (at.len(), std::cmp::Reverse(at[0])))?;
    let mut pages = Vec::with_capacity(starts.len() + 1);
    let mut from = 0;
    for &at in &starts {
        if at > from {
            pages.push(lines[from..at].to_vec());
        }
        from = at;
    }
    pages.push(lines[from..].to_vec());
    pages.retain(|p| p.iter().any(|l| !l.trim().is_empty()));
    Some(pages)
}

/// The fewest lines with text between two times a running line comes, in
/// text without page breaks: a page of a leaflet holds more.
const PAGE_APART: usize = 12;

fn next_filled(page: &[&str], i: usize) -> Option<usize> {
    (i + 1..page.len()).find(|&j| !page[j].trim().is_empty())
}

/// A running line glued to a sentence: at the foot of a page, after a
/// sentence's end ("...here. Trust name, page 3"); at its head, before a
/// capital ("Trust name Body starts"). Returns the body and the running
/// part; the running line must have two words or more, so a lone word that
/// happens to recur is never cut from the text.
fn glued<'a>(text: &'a str, furniture: &HashSet<String>, foot: bool) -> Option<(&'a str, &'a str)> {
    // Only splits that leave the running part no more words than the
    // longest running line are worth shaping: trying every split of a long
    // line would shape it once per word.
    let longest = furniture
        .iter()
        .map(|f| f.split_whitespace().count())
        .max()?;
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| !c.is_whitespace() && i > 0 && text[..i].ends_with(char::is_whitespace))
        .map(|(i, _)| i)
        .collect();
    // The running part after the split at `starts[j]` has `starts.len() - j`
    // words at the foot, `j + 1` at the head.
    let tried = if foot {
        &starts[starts.len().saturating_sub(longest)..]
    } else {
        &starts[..longest.min(starts.len())]
    };
    for &at in tried {
        let (head, tail) = (text[..at].trim_end(), &text[at..]);
        let (body, running) = if foot { (head, tail) } else { (tail, head) };
        if running.split_whitespace().count() < 2 || !furniture.contains(&shape(running)) {
            continue;
        }
        let fits = if foot {
            body.ends_with(['.', '!', '?', ':'])
        } else {
            body.starts_with(|c: char| c.is_uppercase())
        };
        if fits {
            return Some((body, running));
        }
    }
    None
}

/// Indices of the first and last three non-blank lines of a page.
fn edge_indices(page: &[&str]) -> HashSet<usize> {
    let filled: Vec<usize> = (0..page.len())
        .filter(|&i| !page[i].trim().is_empty())
        .collect();
    let head = filled.iter().take(3);
    let tail = filled.iter().rev().take(3);
    head.chain(tail).copied().collect()
}

/// A line's shape for spotting repeats: each run of digits one `#` (so page
/// 9 and page 10 look alike), month names one `%`, space squeezed.
fn shape(text: &str) -> String {
    static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9]+").unwrap());
    static MONTH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
        )
        .unwrap()
    });
    let folded = DIGITS.replace_all(text, "#");
    let folded = MONTH.replace_all(&folded, "%");
    crate::plain::one_line(&folded)
}

fn running_lines(pages: &[Vec<&str>]) -> HashSet<String> {
    if pages.len() < 2 {
        return HashSet::new();
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for page in pages {
        let shapes: HashSet<String> = edge_indices(page)
            .into_iter()
            .map(|i| shape(page[i].trim()))
            .collect();
        for s in shapes {
            *seen.entry(s).or_default() += 1;
        }
    }
    let need = pages.len().div_ceil(2).max(2);
    seen.into_iter()
        .filter(|(s, n)| *n >= need && s.chars().any(char::is_alphanumeric))
        .map(|(s, _)| s)
        .collect()
}

/// "3", "Page 3", "Page 3 of 7", "3/7": only in a document of several pages,
/// and no larger than it could be, so "111" alone on a one-page sheet stays.
fn is_page_number(text: &str, pages: usize) -> bool {
    static PAGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:page\s+)?([0-9]{1,3})(?:\s*(?:of|/)\s*[0-9]{1,3})?$").unwrap()
    });
    let Some(c) = PAGE.captures(text) else {
        return false;
    };
    let n: usize = c[1].parse().unwrap_or(usize::MAX);
    pages >= 2 && n <= pages + 2
}

/// "Page 3", "Page 3 of 7": a line that calls itself a page is page
/// furniture wherever it stands. Text copied from a PDF viewer has no page
/// breaks to find a page's edges by, and its first line would otherwise be
/// taken for the leaflet's title.
fn is_page_label(text: &str) -> bool {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^page\s+([0-9]{1,3})(?:\s+of\s+([0-9]{1,3}))?$").unwrap()
    });
    let Some(c) = LABEL.captures(text) else {
        return false;
    };
    let number = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    match (number(1), number(2)) {
        (Some(n), Some(of)) => (1..=of).contains(&n),
        (Some(n), None) => n >= 1,
        _ => false,
    }
}

/// Put back words an extractor split in two at a gap between letters
/// ("proce dure", "s hould", "o titis"), as some PDF tools and viewers do
/// where a font spaces its letters. Two neighbouring pieces of letters (the
/// second in lower case) become one word when together they are a word, of
/// the dictionary or of the leaflet itself (`vocab`: "otitis" written whole
/// elsewhere, if six letters or more), and apart at least one piece is not an English word: "a part"
/// and "in to" stay. A pair whose pieces are both not words comes before one
/// that shares a piece with it, so "hearing s hould" gives "should", not
/// "hearings"; of two such pairs equally sure, neither is joined. For English
/// text only; the dictionary is English.
pub fn rejoin_split_words(text: &str, vocab: &HashSet<String>) -> String {
    use crate::words::{is_dictionary_pair, is_dictionary_word, with_joined_lower};
    let tokens: Vec<&str> = text.split(' ').collect();
    // A token as the first piece of a pair (letters, perhaps after an
    // opening bracket or quote) and as the second (lower-case letters,
    // perhaps before punctuation).
    fn first(t: &str) -> Option<&str> {
        let core = t.trim_start_matches(['(', '"', '\'', '‘', '“']);
        (!core.is_empty() && core.chars().all(char::is_alphabetic)).then_some(core)
    }
    fn second(t: &str) -> Option<&str> {
        let core = t.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '’', '”']);
        (!core.is_empty() && core.chars().all(char::is_lowercase)).then_some(core)
    }
    let in_vocab = |a: &str, b: &str| {
        // Words short enough to be missing from the word list are few.
        a.len() + b.len() >= 6 && with_joined_lower(a, b, |joined| vocab.contains(joined))
    };
    let is_word = |piece: &str| piece == "I" || is_dictionary_word(piece);
    // How sure a join of tokens i and i + 1 is: 2 when neither piece is a
    // word, 1 when one is, 0 for no join. Whether the two make a word is
    // asked first: for most pairs they do not, and nothing more is looked up.
    let score = |i: usize| -> u8 {
        let (Some(a), Some(b)) = (
            tokens.get(i).and_then(|t| first(t)),
            tokens.get(i + 1).and_then(|t| second(t)),
        ) else {
            return 0;
        };
        if !(is_dictionary_pair(a, b) || in_vocab(a, b)) {
            return 0;
        }
        let sure = 2 - (is_word(a) as u8 + is_word(b) as u8);
        // A capital on its own is often a name in itself ("vitamin D in"):
        // it starts a word only when the rest is no word either.
        if a.chars().count() == 1 && a.chars().all(char::is_uppercase) && sure < 2 {
            return 0;
        }
        sure
    };
    let scores: Vec<u8> = (0..tokens.len()).map(score).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < tokens.len() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(tokens[i]);
        // Joined only when surer than either overlapping pair: "aim to e at"
        // could be "toe" or "eat", and stays as it is.
        let here = scores[i];
        let before = if i > 0 { scores[i - 1] } else { 0 };
        let after = scores.get(i + 1).copied().unwrap_or(0);
        if here > before && here > after {
            out.push_str(tokens[i + 1]);
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

/// Web addresses an extractor glued to the words beside them (a link is
/// often a text run of its own) set apart: "Isle of Wightwww.what0-18.nhs.uk"
/// and "www.uhs.nhs.ukInfluenza and..." get a space before the `www.` and
/// after the address's last part, which no address continues with a
/// capital and a small letter, or with a digit after a country's two
/// letters.
pub fn addresses_unglued(text: &str) -> Cow<'_, str> {
    static GLUED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?-u)([a-z])(www\.[a-z0-9-]+\.)|(\.(?:uk|com|org|net|gov|info|ie|eu))([A-Z][a-z]|[0-9])",
        )
        .unwrap()
    });
    if !text.contains("www.") && !text.contains(".uk") && !text.contains(".com") {
        return Cow::Borrowed(text);
    }
    GLUED.replace_all(text, |c: &regex::Captures| match (c.get(1), c.get(3)) {
        (Some(before), _) => format!("{} {}", before.as_str(), &c[2]),
        (None, Some(end)) => format!("{} {}", end.as_str(), &c[4]),
        (None, None) => c[0].to_string(),
    })
}

/// Spaces an extractor put inside punctuation taken out: before a comma,
/// full stop, colon, semicolon, question or exclamation mark or closing
/// bracket that ends a word ("media : causes", "scan ?", "( Townlands )"),
/// and after an opening bracket. Only after a letter (or a digit, for a
/// bracket) and before a space or the line's end, so ".com", ".5", "1 : 2"
/// and "......" stay as they are.
pub fn tight_punctuation(text: &str) -> Cow<'_, str> {
    static BEFORE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\pL) +([,.;:?!])(\s|$)|([\pL\pN]) +(\))").unwrap());
    static AFTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\( +([\pL\pN])").unwrap());
    if !text.contains(" ,")
        && !text.contains(" .")
        && !text.contains(" ;")
        && !text.contains(" :")
        && !text.contains(" ?")
        && !text.contains(" !")
        && !text.contains(" )")
        && !text.contains("( ")
    {
        return Cow::Borrowed(text);
    }
    match BEFORE.replace_all(text, "$1$2$3$4$5") {
        Cow::Borrowed(text) => AFTER.replace_all(text, "($1"),
        Cow::Owned(text) => Cow::Owned(AFTER.replace_all(&text, "($1").into_owned()),
    }
}

/// Join two wrapped lines of one paragraph, repairing words and addresses that
/// were broken at the line end. `vocab` holds the document's own words, to
/// tell a hyphen added for wrapping ("treat-/ment") from a real one.
pub fn join(current: &mut String, next: &str, vocab: &HashSet<String>) {
    if current.is_empty() {
        current.push_str(next);
        return;
    }
    let last = current.split_whitespace().last().unwrap_or("").to_string();
    let ends_hyphen = current.ends_with('-') && !current.ends_with("--");
    if is_address_like(&last) && (ends_hyphen || current.ends_with('/') || current.ends_with('.')) {
        current.push_str(next);
        return;
    }
    if ends_hyphen && last.len() > 1 {
        let head = last.trim_end_matches('-');
        let tail: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
        let starts_lower = tail.chars().next().is_some_and(char::is_lowercase);
        let head_word = head.rsplit('-').next().unwrap_or(head);
        let fused = format!("{head_word}{tail}").to_lowercase();
        let hyphenated = format!("{head_word}-{tail}").to_lowercase();
        if starts_lower && vocab.contains(&fused) && !vocab.contains(&hyphenated) {
            current.pop();
        }
        current.push_str(next);
        return;
    }
    current.push(' ');
    current.push_str(next);
}

/// A caption: "Figure 2: ...", "Fig. 3", "Image 1 ...", "(Image of ...)". Both
/// readers use it, so a caption reads the same from PDF text and Markdown; a
/// bare label has an empty `rest` and no `described`.
pub static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:figure|fig\.|diagram|image|picture|photo|illustration|chart)\s*[0-9]+[a-z]?\b[.:]?(?P<rest>.*)|\((?:image|picture|photo|diagram|illustration) of\b(?P<described>.*))$",
    )
    .unwrap()
});

/// A token that is (part of) a web or email address.
pub fn is_address_like(token: &str) -> bool {
    let t = token.to_ascii_lowercase();
    t.starts_with("http://")
        || t.starts_with("https://")
        || t.starts_with("www.")
        || t.starts_with("mailto:")
        || (t.contains('@') && t.contains('.'))
        || looks_like_domain_path(&t)
}

/// A line or paragraph that is one web or email address and nothing else,
/// as in a list of useful links.
pub fn is_bare_address(text: &str) -> bool {
    let mut words = text.split_whitespace();
    matches!((words.next(), words.next()), (Some(w), None) if is_address_like(w))
}

/// "example.org/page": a domain (letters, a dot, letters) before the slash.
fn looks_like_domain_path(t: &str) -> bool {
    let Some((host, _)) = t.split_once('/') else {
        return false;
    };
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|l| l.len() >= 2 && l.chars().all(|c| c.is_ascii_alphabetic()))
}

/// A canonical form of a web or email address: no scheme, no `www.`, no
/// trailing slash or punctuation, lower case.
pub fn address_key(token: &str) -> String {
    let mut t = token
        .trim_matches(|c: char| matches!(c, '(' | ')' | '<' | '>' | ',' | ';' | '.' | '"'))
        .to_ascii_lowercase();
    for prefix in ["mailto:", "https://", "http://", "www."] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_string();
        }
    }
    t.trim_end_matches('/').to_string()
}

/// A line that holds nothing but one address (what a PDF prints for a link).
pub fn link_line_key(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let only = words.next()?;
    if words.next().is_some() || !is_address_like(only) {
        return None;
    }
    Some(address_key(only))
}

/// Remove citation numbers glued to the end of a word ("years1-4." becomes
/// "years."), leaving numbers in addresses, codes and measurements alone.
pub fn strip_reference_numbers(text: &str, dropped: &mut Vec<Dropped>) -> String {
    static REF: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\p{Ll}{2,}\)?)([0-9]{1,3}(?:[-–,][0-9]{1,3})*)([.,;:!?)]*)$").unwrap()
    });
    /// Units whose superscript power looks like a citation when flattened.
    const UNITS: &[&str] = &[
        "mm", "cm", "km", "ml", "mg", "kg", "mcg", "dl", "mol", "mmol",
    ];
    let mut out = String::with_capacity(text.len());
    for (i, token) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match REF.captures(token) {
            Some(c) if !is_address_like(token) && !UNITS.contains(&&c[1]) => {
                dropped.push(Dropped {
                    text: c[2].to_string(),
                    reason: format!("reference number after \"{}\"", &c[1]),
                });
                out.push_str(&c[1]);
                out.push_str(&c[3]);
            }
            _ => out.push_str(token),
        }
    }
    out
}

/// Put back the space an extractor lost between a number and a word
/// ("48hours", "15minutes"), leaving units ("100g"), ordinals ("1st") and
/// addresses alone.
pub fn space_numbers_from_words(text: &str) -> String {
    static GLUED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^([0-9]+)(\p{Ll}{3,}[.,;:!?)]*)$").unwrap());
    let mut out = String::with_capacity(text.len() + 8);
    for (i, token) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match GLUED.captures(token) {
            Some(c) if !is_address_like(token) => {
                out.push_str(&c[1]);
                out.push(' ');
                out.push_str(&c[2]);
            }
            _ => out.push_str(token),
        }
    }
    out
}

/// Remove citations in square brackets ("[3]", "[4-6]", "[1, 2]").
pub fn strip_bracket_citations(text: &str, dropped: &mut Vec<Dropped>) -> String {
    static CITE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\s?\[[0-9]{1,3}(?:\s?[-–,]\s?[0-9]{1,3})*\]").unwrap());
    for m in CITE.find_iter(text) {
        dropped.push(Dropped {
            text: m.as_str().trim().to_string(),
            reason: "reference number".into(),
        });
    }
    CITE.replace_all(text, "").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_numbers_are_removed_but_units_and_codes_stay() {
        let mut d = Vec::new();
        let s = strip_reference_numbers(
            "over many years1-4. our patients5-6. in this area7-10 and 48hours at NW3 2QG, mg5 without it2,3. 4 cm2",
            &mut d,
        );
        assert_eq!(
            s,
            "over many years. our patients. in this area and 48hours at NW3 2QG, mg5 without it. 4 cm2"
        );
        assert_eq!(d.len(), 4);
    }

    #[test]
    fn lost_spaces_come_back_but_units_and_ordinals_stay() {
        assert_eq!(
            space_numbers_from_words("wait 1hour or 48hours, 15minutes. 100g on the 1st"),
            "wait 1 hour or 48 hours, 15 minutes. 100g on the 1st"
        );
    }

    #[test]
    fn bracket_citations_are_removed() {
        let mut d = Vec::new();
        assert_eq!(
            strip_bracket_citations("It works [1] in most people [2, 3].", &mut d),
            "It works in most people."
        );
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn joins_repair_wrapping_hyphens_only() {
        let vocab: HashSet<String> = ["treatment".to_string()].into_iter().collect();
        let mut s = "OPL bone-".to_string();
        join(&mut s, "anchor inserted", &vocab);
        assert_eq!(s, "OPL bone-anchor inserted");
        let mut s = "the treat-".to_string();
        join(&mut s, "ment works", &vocab);
        assert_eq!(s, "the treatment works");
        let mut s = "visit www.example.nhs.uk/prosthetic-".to_string();
        join(&mut s, "limbs-and-parts/x now", &vocab);
        assert_eq!(
            s,
            "visit www.example.nhs.uk/prosthetic-limbs-and-parts/x now"
        );
    }

    /// The lines of `text` that are not page furniture (blank ones left
    /// out), and what was dropped.
    fn kept_lines(text: &str) -> (Vec<String>, Vec<Dropped>) {
        let mut d = Vec::new();
        let lines = lines_without_furniture(text, &mut d)
            .into_iter()
            .filter(|l| !l.is_blank())
            .map(|l| l.text)
            .collect();
        (lines, d)
    }

    #[test]
    fn running_headers_and_page_numbers_are_dropped() {
        let text = "Trust name\nBody one.\nPage 1 of 2\n\x0cTrust name\nBody two.\nPage 2 of 2\n";
        let (lines, d) = kept_lines(text);
        assert_eq!(lines, ["Body one.", "Body two."]);
        assert_eq!(d.len(), 4);
    }

    /// Text copied from a PDF viewer has no page breaks: the lines that call
    /// themselves pages go wherever they are, and nothing else does.
    #[test]
    fn page_labels_are_dropped_without_page_breaks() {
        let text = "Page 1 of 2\nKnee care\n\nRest it.\nPage 2 of 2\nIce it for 20 minutes.\nPAGE 3\n\nSee page 4 of the booklet.\nPage 3 of 2\nPage 0\n12\n";
        let (lines, d) = kept_lines(text);
        assert_eq!(
            lines,
            [
                "Knee care",
                "Rest it.",
                "Ice it for 20 minutes.",
                "See page 4 of the booklet.",
                "Page 3 of 2",
                "Page 0",
                "12"
            ]
        );
        let dropped: Vec<&str> = d.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(dropped, ["Page 1 of 2", "Page 2 of 2", "PAGE 3"]);
    }

    #[test]
    fn words_split_by_an_extractor_are_put_back_and_nothing_else_is_joined() {
        let none = HashSet::new();
        let fix = |t: &str| rejoin_split_words(t, &none);
        assert_eq!(
            fix("Can I drive after my proce dure?"),
            "Can I drive after my procedure?"
        );
        assert_eq!(
            fix("t he ENT O utpatient clinic"),
            "the ENT Outpatient clinic"
        );
        assert_eq!(
            fix("your hearing s hould return"),
            "your hearing should return"
        );
        assert_eq!(
            fix("(c ontinue) and k eep  going"),
            "(continue) and keep  going"
        );
        for kept in [
            "so aim to e at 3 meals",
            "Vitamin D in pregnancy",
            "a part of it went in to the room",
            "the o titis media",
            "pre op 2 x ray",
        ] {
            assert_eq!(fix(kept), kept);
        }
        let vocab: HashSet<String> = ["otitis".to_string()].into();
        assert_eq!(
            rejoin_split_words("the o titis media", &vocab),
            "the otitis media"
        );
    }

    /// A running header that names its page, in text with no page breaks:
    /// each such line goes, with the address after its label, and the start
    /// of the next line that an extractor glued to that address stays.
    #[test]
    fn a_header_that_names_its_page_goes_without_page_breaks() {
        let text = "TIG 105/14  Updated: July 2022  Page 1 of 3  www.mft.nhs.uk\n\
                    Division of Imaging\nMRI scans\n\nAn MRI scan is painless.\n\
                    TIG 105/14  Updated: July 2022  Page 2 of 3  www.mft.nhs.ukImportant Information\n\
                    The scanner uses a magnet.\n\
                    TIG 105/14  Updated: July 2022  Page 3 of 3  www.mft.nhs.ukIs there anything to tell us?\n\
                    Tell us about implants.\n";
        let (lines, d) = kept_lines(text);
        assert_eq!(
            lines,
            [
                "Division of Imaging",
                "MRI scans",
                "An MRI scan is painless.",
                "Important Information",
                "The scanner uses a magnet.",
                "Is there anything to tell us?",
                "Tell us about implants."
            ]
        );
        let dropped: Vec<&str> = d.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(
            dropped,
            [1, 2, 3]
                .map(|n| format!("TIG 105/14  Updated: July 2022  Page {n} of 3  www.mft.nhs.uk"))
        );
        // Glued on every page, to words that share their capital.
        let text = "Leaflet 7  Page 1 of 2  www.mft.nhs.ukIntro\nText one.\n\
                    Leaflet 7  Page 2 of 2  www.mft.nhs.ukIdeas\nText two.\n";
        let (lines, _) = kept_lines(text);
        assert_eq!(lines, ["Intro", "Text one.", "Ideas", "Text two."]);
    }

    #[test]
    fn addresses_glued_to_words_are_set_apart() {
        for (printed, apart) in [
            (
                "the Isle of Wightwww.what0-18.nhs.uk",
                "the Isle of Wight www.what0-18.nhs.uk",
            ),
            (
                "www.uhs.nhs.ukInfluenza and viruses",
                "www.uhs.nhs.uk Influenza and viruses",
            ),
            (
                "factsheet www.uhs.nhs.uk1 Asthma",
                "factsheet www.uhs.nhs.uk 1 Asthma",
            ),
            // Whole addresses, and words that only look glued, stay.
            ("see www.nhs.uk/Conditions", "see www.nhs.uk/Conditions"),
            ("at www.example.com.", "at www.example.com."),
            ("email help@uhs.nhs.uk today", "email help@uhs.nhs.uk today"),
            ("a .uk domain or .COM", "a .uk domain or .COM"),
            ("https://www.nhs.uk", "https://www.nhs.uk"),
        ] {
            assert_eq!(addresses_unglued(printed), apart, "printed: {printed}");
        }
    }

    #[test]
    fn spaces_inside_punctuation_are_taken_out_and_nothing_else() {
        for (printed, kept) in [
            ("Acute otitis media : causes", "Acute otitis media: causes"),
            ("What is otitis media ?", "What is otitis media?"),
            ("being sick ( vomiting ), or", "being sick (vomiting), or"),
            (
                "Department (Townlands ) reception",
                "Department (Townlands) reception",
            ),
            ("the end .", "the end."),
            ("tablets , capsules", "tablets, capsules"),
            // Not the end of a word, or not after one: left.
            ("visit .com or take .5 ml", "visit .com or take .5 ml"),
            ("a ratio of 1 : 2", "a ratio of 1 : 2"),
            ("healthy eating...... and", "healthy eating...... and"),
        ] {
            assert_eq!(tight_punctuation(printed), kept, "printed: {printed}");
        }
    }

    /// `count` different sentences, one a line: a page's worth of text.
    /// They differ by letters, not digits, which a line's shape ignores.
    fn body(from: usize, count: usize) -> String {
        (from..from + count)
            .map(|n| {
                let (a, b) = (
                    (b'a' + (n / 26) as u8) as char,
                    (b'a' + (n % 26) as u8) as char,
                );
                format!("Sentence {a}{b} of the leaflet.\n")
            })
            .collect()
    }

    #[test]
    fn a_running_line_that_names_its_edition_goes_without_page_breaks() {
        // A footer with a version and a review date, the same on each page.
        let footer = "Version 5 | Author A Person | Review date: May 2028   PIL C1";
        let text = format!(
            "{footer}\nCT scan\n{}{footer}\n{}{footer}\n{}",
            body(0, 14),
            body(14, 14),
            body(28, 3)
        );
        let (lines, d) = kept_lines(&text);
        assert_eq!(lines.len(), 1 + 31);
        assert_eq!(lines[0], "CT scan");
        assert!(lines.iter().all(|l| !l.contains("Version 5")));
        assert_eq!(d.len(), 3);
        // A header that differs only by its page number, on two pages.
        let text = format!(
            "Ear infection: causes and treatment, December 2023 1\nEar infection\n{}\
             Ear infection: causes and treatment, December 2023 2\n{}",
            body(0, 13),
            body(13, 5)
        );
        let (lines, d) = kept_lines(&text);
        assert_eq!(lines[0], "Ear infection");
        assert_eq!(lines.len(), 1 + 18);
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn repeated_lines_that_do_not_name_an_edition_or_come_close_stay() {
        // No year, version or review date: content that happens to repeat.
        let hours = "Monday to Friday 9am to 5pm";
        let text = format!("{hours}\n{}{hours}\n{}{hours}\n", body(0, 14), body(14, 14));
        let (lines, d) = kept_lines(&text);
        assert_eq!(lines.iter().filter(|l| *l == hours).count(), 3);
        assert!(d.is_empty());
        // A dated line, but closer together than a page.
        let dated = "Clinic open from January 2025 at Ward 4";
        let text = format!("{dated}\n{}{dated}\n{}", body(0, 5), body(5, 5));
        let (lines, _) = kept_lines(&text);
        assert_eq!(lines.iter().filter(|l| *l == dated).count(), 2);
        // A dated sentence is a sentence, however often it comes.
        let sentence = "The service moved to Ward 4 in 2024.";
        let text = format!("{sentence}\n{}{sentence}\n{}", body(0, 14), body(14, 14));
        let (lines, _) = kept_lines(&text);
        assert_eq!(lines.iter().filter(|l| *l == sentence).count(), 2);
    }

    /// The pages that the labels mark are pages like those between form
    /// feeds: a line that runs beside the label on each goes too, whether
    /// the labels are headers or footers.
    #[test]
    fn the_lines_beside_a_page_label_are_running_lines_too() {
        let text = "Blood tests\nRef: 2020ER0 409  Page 1 of 2  v3  www.gosh.nhs.uk\n\
                    Text © GOSH NHS Foundation Trust, Sept 2020\nA small sample tells a lot.\n\
                    Ref: 2020ER0 409  Page 2 of 2  v3  www.gosh.nhs.ukAsk us\n\
                    Text © GOSH NHS Foundation Trust, Sept 2020\nany questions.\n";
        let (lines, _) = kept_lines(text);
        assert_eq!(
            lines,
            [
                "Blood tests",
                "A small sample tells a lot.",
                "Ask us",
                "any questions."
            ]
        );
        let text = "Knee care\n\nRest the knee.\nIce it often.\nKeep it raised.\n\
                    Leaflet 12, Knee care, Page 1 of 2\nPrinted 2024\nSee your GP.\n\
                    Leaflet 12, Knee care, Page 2 of 2\nPrinted 2024\n";
        let (lines, _) = kept_lines(text);
        assert_eq!(
            lines,
            [
                "Knee care",
                "Rest the knee.",
                "Ice it often.",
                "Keep it raised.",
                "See your GP."
            ]
        );
    }

    /// A page named in a sentence is not a label: nothing runs before it
    /// the same way twice, or the pages are not in order.
    #[test]
    fn pages_named_in_sentences_stay() {
        for text in [
            "Knee care\nSee page 2 of 4 in the booklet.\nRead page 3 of 4 too.\n",
            "Knee care\nBack to page 3 of 4 and page 1 of 4.\nBack to page 1 of 4.\n",
        ] {
            let (lines, d) = kept_lines(text);
            assert_eq!(lines.len(), 3, "{lines:?}");
            assert!(d.is_empty(), "{d:?}");
        }
    }

    /// Ten pages with one running footer that a reader met in four guises:
    /// on its own line, with a two-digit page number, wrapped over two lines,
    /// and glued to the page's last sentence.
    #[test]
    fn a_running_footer_is_dropped_in_every_guise() {
        let mut text = String::new();
        for n in 1..=10 {
            if n > 1 {
                text.push('\x0c');
            }
            let month = ["March", "April"][n % 2];
            let topic = [
                "Diet", "Sleep", "Pain", "Drugs", "Tests", "Rest", "Wounds", "Travel", "Work",
                "Help",
            ][n - 1];
            text.push_str(&format!("{topic}\nAbout {topic} and more.\n"));
            match n {
                3 => text.push_str(&format!(
                    "It ends here. Cardiology patient information, page {n} of 10\n"
                )),
                5 => text.push_str(&format!(
                    "The end of {topic}.\nCardiology patient\ninformation, page {n} of 10\n"
                )),
                _ => text.push_str(&format!(
                    "The end of {topic}.\n\nCardiology patient information, page {n} of 10\n"
                )),
            }
            text.push_str(&format!("Printed {n} {month} 2024\n"));
        }
        let (lines, d) = kept_lines(&text);
        let left: Vec<&String> = lines
            .iter()
            .filter(|l| {
                l.contains("Cardiology") || l.contains("information") || l.contains("Printed")
            })
            .collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(lines.contains(&"It ends here.".to_string()), "{lines:?}");
        assert!(lines.contains(&"Help".to_string()), "{lines:?}");
        assert_eq!(lines.len(), 10 * 3, "{lines:?}");
        let footers = d
            .iter()
            .filter(|d| d.text.contains("Cardiology") || d.text.contains("information"))
            .count();
        assert_eq!(footers, 11, "{d:?}");
    }

    #[test]
    fn link_lines_have_a_canonical_key() {
        assert_eq!(
            link_line_key("http://www.Example.com/a/").as_deref(),
            Some("example.com/a")
        );
        assert_eq!(
            link_line_key("mailto:x@nhs.net").as_deref(),
            Some("x@nhs.net")
        );
        assert_eq!(link_line_key("see www.example.com"), None);
    }
}
