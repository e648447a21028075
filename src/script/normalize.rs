//! Spoken forms: turn printed text into what a careful reader would say.
//!
//! Each rule is a small function over the whole text, applied in an order
//! where no rule's output is taken apart by a later one: addresses first
//! (they contain dots, digits and symbols), then numbers with structure
//! (phones, postcodes, dates, times), then units and symbols, then words.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::lexicon::{Lexicon, is_dictionary_word};
use crate::html_tags;

/// The language rules that differ between English and Spanish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub fn from_code(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    fn word(self, en: &'static str, es: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

/// The patterns write digits as `[0-9]`, not `\d`: Unicode's `\d` also
/// takes in other scripts' digits, which the spoken forms would then fail
/// to read (they parse ASCII), and it made the phone number patterns five
/// to six times dearer to compile, a cost every build pays once.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the spoken-form patterns are valid")
}

macro_rules! pattern {
    ($name:ident, $re:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| re($re));
    };
}

/// The whole pipeline for one utterance.
pub fn spoken(text: &str, lang: Lang, lexicon: &Lexicon) -> String {
    let mut t = addresses_apart(&markup(&typography(text)));
    t = emails(&t, lang);
    t = web_addresses(&t, lang);
    t = handles(&t, lang);
    t = phone_numbers(&t, lang);
    t = postcodes(&t);
    t = blood_pressure(&t, lang);
    t = fractions(&t, lang);
    t = dates(&t, lang);
    t = times(&t, lang);
    t = ranges(&t, lang);
    t = units(&t, lang);
    t = symbols(&t, lang);
    if lang == Lang::En {
        t = abbreviations(&t);
    }
    t = lexicon.apply(&t);
    t = acronyms(&t, lexicon);
    t = long_digit_runs(&t);
    one_line_tidied(&apart_from_words(&t))
}

/// Compile the patterns of [`spoken`] ahead of scripting, the stages side
/// by side on the current rayon pool. Each pattern is compiled the first
/// time it is used; a script's chapters are spoken in parallel, but every
/// chapter meets the patterns in the same order, so one thread compiled
/// each while the others waited for it. Compiling them is most of the work
/// of scripting a leaflet, and a rebuild of one chapter waits for it. It is
/// only done when a leaflet is to be scripted: a rebuild with nothing to do
/// never pays for it. The patterns are the program's, so only the first call
/// does anything; one that comes while it runs goes on, and waits for the
/// patterns it meets as before. (Not a `Once`: this thread may take another
/// leaflet's work while it waits for the stages, and that would call here
/// again inside it.)
pub fn prepare(lang: Lang, lexicon: &Lexicon) {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::Relaxed) {
        return;
    }
    // Something for every stage to look at: a stage may pass over a text
    // with nothing it reads before it touches its patterns.
    const SAMPLE: &str =
        "A-b 1/2 a@b.uk x.com 01234 567890 9:30am 2-3 mg £1 SW1A 1AA e.g. BP 120/80 24/7 <b>";
    let stages: [&(dyn Fn() -> String + Sync); 19] = [
        &|| typography(SAMPLE),
        &|| markup(SAMPLE),
        &|| emails(SAMPLE, lang),
        &|| web_addresses(SAMPLE, lang),
        &|| handles(SAMPLE, lang),
        &|| phone_numbers(SAMPLE, lang),
        &|| postcodes(SAMPLE),
        &|| blood_pressure(SAMPLE, lang),
        &|| fractions(SAMPLE, lang),
        &|| dates(SAMPLE, lang),
        &|| times(SAMPLE, lang),
        &|| ranges(SAMPLE, lang),
        &|| units(SAMPLE, lang),
        &|| symbols(SAMPLE, lang),
        &|| abbreviations(SAMPLE),
        &|| lexicon.apply(SAMPLE),
        &|| acronyms(SAMPLE, lexicon),
        &|| long_digit_runs(SAMPLE),
        &|| apart_from_words(SAMPLE),
    ];
    stages.par_iter().with_max_len(1).for_each(|stage| {
        stage();
    });
}

/// Quotes, apostrophes, dashes and white space the voice would stumble on,
/// made plain; trade marks (®, ™), which are only decoration, dropped.
/// Fractions are left for [`fractions`], which reads them with their words.
pub fn typography(text: &str) -> String {
    let text = entities(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '‘' | '’' | 'ʼ' | '′' | '`' => out.push('\''),
            '“' | '”' | '„' | '″' | '«' | '»' => out.push('"'),
            '…' => out.push_str("..."),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            '\u{ad}' | '\u{200b}' | '\u{feff}' | '®' | '™' => {}
            c if c.is_control() || c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    // Dashes between words are a pause, and so are the bullets and bars set
    // between items on one line ("Trust • 1st edition", "Tel 111 | Email").
    static BETWEEN: LazyLock<Regex> =
        LazyLock::new(|| re(&format!(r"\s+(?:[–—-]+|[{BULLET_GLYPHS}|])\s+")));
    let out = BETWEEN.replace_all(&out, ", ");
    // A bullet left at the start (a table cell that was a list) says nothing.
    out.trim_start_matches(|c: char| BULLET_GLYPHS.contains(c) || c == ' ')
        .to_string()
}

/// Bullets set between items on one line, or left at the start of a text.
const BULLET_GLYPHS: &str = "•·▪●◦";

/// HTML character references ("&amp;", "&#38;", "&nbsp;") left in text
/// copied from a web page, as the characters they stand for: otherwise the
/// voice says "and amp". An unknown name is left as printed.
fn entities(text: &str) -> String {
    pattern!(
        ENTITY,
        r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});"
    );
    ENTITY
        .replace_all(text, |c: &Captures| {
            let name = &c[1];
            let numeric = name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| name.strip_prefix('#').map(str::parse::<u32>));
            if let Some(code) = numeric {
                return code
                    .ok()
                    .and_then(char::from_u32)
                    .map_or_else(|| c[0].to_string(), String::from);
            }
            let named = match name {
                "amp" => "&",
                "nbsp" => " ",
                "lt" => "<",
                "gt" => ">",
                "quot" | "ldquo" | "rdquo" => "\"",
                "apos" | "rsquo" | "lsquo" => "'",
                "ndash" => "–",
                "mdash" => "—",
                "hellip" => "…",
                "pound" => "£",
                "deg" => "°",
                "frac12" => "½",
                "frac14" => "¼",
                "frac34" => "¾",
                _ => return c[0].to_string(),
            };
            named.to_string()
        })
        .into_owned()
}

/// Markup left in text copied from a web page or a Markdown file: HTML tags
/// and comment marks, `**` and `[text](address)`. An HTML element's tag goes
/// whole; other words in angle brackets ("<water>") are read without them; a
/// link is read as its text and its address. What is left never holds a tag:
/// the replacements have no `<` or `>`, and a `<` that starts no tag here has
/// no `>` after it.
pub fn markup(text: &str) -> String {
    pattern!(COMMENT, r"<!--|-->");
    pattern!(TAG, r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>|<[/!?][^>]*>");
    pattern!(LINK, r"\[([^\[\]]*)\]\(([^()\s]*)\)");
    pattern!(STRONG, r"\*{2,}");
    let t = COMMENT.replace_all(text, " ");
    let t = TAG.replace_all(&t, |c: &Captures| {
        let Some(name) = c.get(2).map(|m| m.as_str()) else {
            return " ".to_string();
        };
        if html_tags::is_element(name) {
            return " ".to_string();
        }
        let rest = c[3].trim_end_matches('/').replace('<', " ");
        format!(" {name}{rest} ")
    });
    let t = LINK.replace_all(&t, "$1 ($2)");
    let t = t.replace("](", "] (");
    STRONG.replace_all(&t, " ").into_owned()
}

/// One part of an address (between its dots, slashes and hyphens), as a
/// careful reader would say it: words that are words stay words, letters
/// and digits are said apart ("what0" is "what 0"), digits one by one, and
/// what cannot be said as a word is spelt. A long part that is neither one
/// word nor a run of them is said in the pieces it is made of, where there
/// are any ("royalberkshire" is "royal berk shire", not 14 letters).
fn say_part(part: &str) -> String {
    if part.is_empty() {
        return String::new();
    }
    let digits = part.chars().filter(char::is_ascii_digit).count();
    if digits == part.chars().count() {
        return spaced(part);
    }
    if digits > 0 {
        return runs_of_digits_apart(part)
            .into_iter()
            .map(say_part)
            .collect::<Vec<_>>()
            .join(" ");
    }
    let lower = part.to_lowercase();
    if matches!(lower.as_str(), "com" | "org" | "net" | "gov" | "info") {
        return lower;
    }
    if let Some(words) = dictionary_words(&lower) {
        return words.join(" ");
    }
    if lower.len() > 4 && pronounceable(&lower, false) {
        return lower;
    }
    if lower.len() >= 2 * SAID_PIECE
        && let Some(pieces) = said_pieces(&lower)
    {
        return pieces.join(" ");
    }
    spaced(&lower)
}

/// `text` cut where letters meet digits.
fn runs_of_digits_apart(text: &str) -> Vec<&str> {
    let mut runs = Vec::new();
    let mut from = 0;
    let mut last: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let digit = c.is_ascii_digit();
        if last.is_some_and(|d| d != digit) {
            runs.push(&text[from..i]);
            from = i;
        }
        last = Some(digit);
    }
    runs.push(&text[from..]);
    runs
}

/// The fewest letters a piece of [`said_pieces`] that is not a dictionary
/// word may have: shorter ones are more often initials than words.
const SAID_PIECE: usize = 4;

/// Cut `text` (lower-case ASCII letters) into pieces that can each be said
/// as a word: dictionary words of three letters or more, and other
/// pronounceable runs of [`SAID_PIECE`] letters or more. A cut costs two for
/// each piece and one for each letter outside dictionary words; the
/// cheapest wins ("royalberkshire" is "royal berk shire", which a voice
/// says as the county is said). `None` when there is no such cut.
fn said_pieces(text: &str) -> Option<Vec<&str>> {
    cheapest_cut(text, |piece| {
        if piece.len() >= 3 && is_dictionary_word(piece) {
            Some(2)
        } else if piece.len() >= SAID_PIECE && pronounceable(piece, true) {
            Some(2 + piece.len())
        } else {
            None
        }
    })
}

/// Split run-together words ("asthmaandlung") into dictionary words of three
/// or more letters, fewest pieces first; `None` when it cannot be done.
fn dictionary_words(text: &str) -> Option<Vec<&str>> {
    let n = text.len();
    cheapest_cut(text, |piece| {
        let whole = piece.len() == n;
        ((piece.len() >= 3 || (whole && piece.len() >= 2)) && is_dictionary_word(piece))
            .then_some(1)
    })
}

/// The cut of `text` (ASCII, 64 bytes at most) into pieces whose costs
/// (`cost` of a piece, `None` where it cannot be one) add up to the least;
/// of equally cheap cuts, the one whose last piece starts first. `None`
/// when there is no cut.
fn cheapest_cut(text: &str, cost: impl Fn(&str) -> Option<usize>) -> Option<Vec<&str>> {
    let n = text.len();
    if !text.is_ascii() || n > 64 {
        return None;
    }
    // best[i]: the cost of the best cut of text[..i], and where its last
    // piece starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in 0..end {
            let Some((before, _)) = best[start] else {
                continue;
            };
            let Some(piece_cost) = cost(&text[start..end]) else {
                continue;
            };
            let total = before + piece_cost;
            if best[end].is_none_or(|(c, _)| total < c) {
                best[end] = Some((total, start));
            }
        }
    }
    let mut pieces = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        pieces.push(&text[start..end]);
        end = start;
    }
    pieces.reverse();
    Some(pieces)
}

/// Whether a part of an address reads as a word rather than letters: it
/// has a vowel and no more than three consonants in a row. With `digraphs`,
/// a pair that spells one sound ("sh" in "berkshire") counts once.
fn pronounceable(word: &str, digraphs: bool) -> bool {
    let letters: Vec<char> = word.chars().collect();
    if letters.len() < 3 || letters.iter().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let vowel = |c: &char| "aeiouy".contains(*c);
    let vowels = letters.iter().filter(|c| vowel(c)).count();
    // The longest run of consonant sounds, a pair that spells one sound
    // ("sh" in "berkshire") counted once.
    let mut run = 0;
    let mut longest = 0;
    let mut k = 0;
    while k < letters.len() {
        if vowel(&letters[k]) {
            run = 0;
            k += 1;
            continue;
        }
        let pair = letters.get(k + 1).map(|&next| [letters[k], next]);
        let one_sound = digraphs && pair.is_some_and(|p| DIGRAPHS.contains(&p));
        run += 1;
        longest = longest.max(run);
        k += if one_sound { 2 } else { 1 };
    }
    vowels > 0 && longest <= 3 && (letters.len() >= 4 || vowels * 3 >= letters.len())
}

/// Pairs of consonant letters that spell one sound.
const DIGRAPHS: [[char; 2]; 8] = [
    ['s', 'h'],
    ['c', 'h'],
    ['t', 'h'],
    ['p', 'h'],
    ['w', 'h'],
    ['g', 'h'],
    ['c', 'k'],
    ['n', 'g'],
];

fn spaced(text: &str) -> String {
    let chars: Vec<String> = text.chars().map(String::from).collect();
    chars.join(" ")
}

/// Keep punctuation that follows a token out of the token.
fn split_trailing(token: &str) -> (&str, &str) {
    let end = token.trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '"', '\'']);
    (end, &token[end.len()..])
}

/// Addresses one straight after another ("www.nhs.uk/asthma
/// www.asthma.org.uk", a list of links read as one paragraph) get a comma
/// between them: spelt out, nothing else would tell a listener where one
/// ends and the next starts.
pub fn addresses_apart(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut after_address = false;
    for (i, token) in text.split(' ').enumerate() {
        let (core, tail) = split_trailing(token);
        let address = crate::leaflet::is_address_like(core);
        if i > 0 {
            if after_address && address {
                out.push(',');
            }
            out.push(' ');
        }
        out.push_str(token);
        after_address = address && tail.is_empty();
    }
    out
}

pub fn emails(text: &str, lang: Lang) -> String {
    pattern!(
        EMAIL,
        r"(?i)\b(?:mailto:)?([a-z0-9][a-z0-9._%+-]*)@([a-z0-9-]+(?:\.[a-z0-9-]+)+)"
    );
    EMAIL
        .replace_all(text, |c: &Captures| {
            let (domain, tail) = split_trailing(&c[2]);
            format!(
                "{} {} {}{tail}",
                say_address(&c[1], lang),
                lang.word("at", "arroba"),
                say_address(domain, lang)
            )
        })
        .into_owned()
}

/// Read an address: parts as words or letters, separators named.
fn say_address(addr: &str, lang: Lang) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut part = String::new();
    for c in addr.chars() {
        let sep = match c {
            '.' => Some(lang.word("dot", "punto")),
            '/' => Some(lang.word("slash", "barra")),
            '-' => Some(lang.word("hyphen", "guion")),
            '_' => Some(lang.word("underscore", "guion bajo")),
            '+' => Some(lang.word("plus", "más")),
            '=' => Some(lang.word("equals", "igual")),
            '?' => Some(lang.word("question mark", "interrogación")),
            '&' => Some(lang.word("and", "y")),
            _ => None,
        };
        match sep {
            Some(word) => {
                out.push(say_part(&part));
                out.push(word.to_string());
                part.clear();
            }
            None => part.push(c),
        }
    }
    out.push(say_part(&part));
    out.retain(|p| !p.is_empty());
    out.join(" ")
}

const TLDS: &str = "uk|com|org|net|gov|nhs|ly|io|info|co|eu|scot|wales|ie|es|edu|int|me|tv|app";

pub fn web_addresses(text: &str, lang: Lang) -> String {
    static URL: LazyLock<Regex> = LazyLock::new(|| {
        re(&format!(
            r"(?i)\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{TLDS})\b(?:/[^\s]*)?"
        ))
    });
    URL.replace_all(text, |c: &Captures| {
        let (url, tail) = split_trailing(&c[0]);
        format!("{}{tail}", say_url(url, lang))
    })
    .into_owned()
}

fn say_url(url: &str, lang: Lang) -> String {
    pattern!(SCHEME, r"(?i)^https?://");
    let url = SCHEME.replace(url, "");
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_string(), q),
        None => (url.to_string(), ""),
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && !is_tracking(kv))
        .collect();
    let mut url = path.trim_end_matches('/').to_string();
    if !kept.is_empty() {
        url = format!("{url}?{}", kept.join("&"));
    }
    let (www, rest) = match url
        .strip_prefix("www.")
        .or_else(|| url.strip_prefix("WWW."))
    {
        Some(rest) => (true, rest.to_string()),
        None => (false, url),
    };
    let body = say_address(&rest, lang);
    if www {
        format!("w w w {} {body}", lang.word("dot", "punto"))
    } else {
        body
    }
}

fn is_tracking(kv: &str) -> bool {
    let key = kv.split('=').next().unwrap_or("").to_ascii_lowercase();
    key.starts_with("utm_")
        || matches!(
            key.as_str(),
            "gclid" | "fbclid" | "msclkid" | "mc_cid" | "mc_eid" | "_ga"
        )
}

/// Social-media handles ("@NHSEngland") and hashtags ("#StopSmoking"): "at"
/// or "hashtag", then the name in the pieces its capitals, digits and
/// underscores mark. Pieces in capitals are left for [`acronyms`], so "NHS"
/// is spelt as it is everywhere else; a lower-case piece is read as an
/// address part is. Emails were read before this, so any `@` still left is
/// "at" too: the voice is never given one.
pub fn handles(text: &str, lang: Lang) -> String {
    pattern!(
        HANDLE,
        r"(^|[^\w@#&/])([@#])([A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*)"
    );
    let t = HANDLE.replace_all(text, |c: &Captures| {
        let sign = if &c[2] == "@" {
            lang.word("at", "arroba")
        } else {
            "hashtag"
        };
        format!("{}{sign} {}", &c[1], handle_words(&c[3], lang))
    });
    t.replace('@', &format!(" {} ", lang.word("at", "arroba")))
}

/// "NHSEngland" as "NHS England", "StopSmoking2025" as "Stop Smoking 2 0 2 5".
fn handle_words(name: &str, lang: Lang) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            None => false,
            Some(p) => {
                c == '_'
                    || p == '_'
                    || (p.is_ascii_digit() != c.is_ascii_digit())
                    || (p.is_lowercase() && c.is_uppercase())
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(char::is_lowercase))
            }
        };
        if boundary && !piece.is_empty() {
            pieces.push(std::mem::take(&mut piece));
        }
        piece.push(c);
    }
    pieces.push(piece);
    pieces
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p == "_" {
                lang.word("underscore", "guion bajo").to_string()
            } else if p
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            {
                say_part(p)
            } else {
                p.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Telephone numbers, digit by digit, in the groups they are printed in or,
/// printed as one run, in the groups of the UK numbering plan; the text
/// relay prefix 18001, short numbers (999, 111, 116 123) and extensions
/// too. NHS numbers (3, 3 and 4 digits) are read the same way: they are
/// never quantities.
pub fn phone_numbers(text: &str, lang: Lang) -> String {
    const EXT: &str = r"(?:\s*,?\s*\(?(?:[Ee]xt|[Ee]xtn|[Ee]xtension|x)\.?\s?([0-9]{2,6})\)?)?";
    static INTERNATIONAL: LazyLock<Regex> = LazyLock::new(|| {
        re(&format!(
            r"\+(44|[0-9]{{1,3}})[\s.-]?(?:\(0\)[\s.-]?)?([0-9]{{1,5}}(?:[\s.-]?[0-9]{{1,5}}){{1,4}})\b{EXT}"
        ))
    });
    static NATIONAL: LazyLock<Regex> = LazyLock::new(|| {
        re(&format!(
            r"(?:\((0[0-9]{{1,5}})\)|\b(0[0-9]{{1,5}}))(?:[\s.-]?[0-9]{{1,8}}){{1,4}}\b{EXT}"
        ))
    });
    pattern!(RELAY, r"\b18001[\s-]?(\(?[0+])");
    pattern!(LONE_ZERO, r"\b0 ([1-9][0-9]{2,4})((?: [0-9]{2,7}){1,2})\b");
    pattern!(SHORT, r"\b(999|111|112|116[\s-]?[0-9]{3})\b");
    pattern!(NHS_NUMBER, r"\b[0-9]{3}[\s-][0-9]{3}[\s-][0-9]{4}\b");
    pattern!(
        EXTENSION,
        r"(?i)\b(?:ext|extn|extension)\.?\s?([0-9]{2,6})\b"
    );
    let plus = lang.word("plus", "más");
    let extension = |c: &Captures, at: usize| match c.get(at) {
        Some(e) => format!(
            ", {} {}",
            lang.word("extension", "extensión"),
            spaced(e.as_str())
        ),
        None => String::new(),
    };
    // A number whose leading 0 an extractor set apart ("0 1865 903274"):
    // put back when what follows makes a whole UK number, 11 digits.
    let t = LONE_ZERO.replace_all(text, |c: &Captures| {
        let digits = 1 + c[1].len() + c[2].chars().filter(char::is_ascii_digit).count();
        if digits == 11 {
            format!("0{}{}", &c[1], &c[2])
        } else {
            c[0].to_string()
        }
    });
    let t = RELAY.replace_all(&t, "1 8 0 0 1, $1");
    let t = INTERNATIONAL.replace_all(&t, |c: &Captures| {
        let number = &c[2];
        let digits = number.chars().filter(char::is_ascii_digit).count();
        if !(6..=12).contains(&digits) {
            return c[0].to_string();
        }
        let groups = if number.chars().all(|c| c.is_ascii_digit()) && &c[1] == "44" {
            uk_groups(number).join(", ")
        } else {
            digit_groups(number)
        };
        format!("{plus} {}, {groups}{}", spaced(&c[1]), extension(c, 3))
    });
    let t = NATIONAL.replace_all(&t, |c: &Captures| {
        let whole = c.get(0).map_or("", |m| m.as_str());
        let number = match c.get(3) {
            Some(e) => &whole[..e.start() - c.get(0).map_or(0, |m| m.start())],
            None => whole,
        };
        let number = number.trim_end_matches(|c: char| !c.is_ascii_digit());
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let freephone_short =
            (8..=9).contains(&digits.len()) && digits.starts_with("08") && !number.contains('.');
        if !(10..=11).contains(&digits.len()) && !freephone_short {
            return whole.to_string();
        }
        let groups = if digits.len() == number.len() {
            let mut groups = uk_groups(&digits[1..]);
            groups[0] = format!("0 {}", groups[0]);
            groups.join(", ")
        } else {
            digit_groups(number)
        };
        let rest = &whole[number.len()..];
        let ext = if c.get(3).is_some() {
            extension(c, 3)
        } else {
            rest.to_string()
        };
        format!("{groups}{ext}")
    });
    let t = SHORT.replace_all(&t, |c: &Captures| digit_groups(&c[0]));
    let t = NHS_NUMBER.replace_all(&t, |c: &Captures| digit_groups(&c[0]));
    EXTENSION
        .replace_all(&t, |c: &Captures| {
            format!("{} {}", lang.word("extension", "extensión"), spaced(&c[1]))
        })
        .into_owned()
}

/// A UK number printed without spaces (its national part, without the
/// leading 0), in the groups the numbering plan gives it and people say:
/// "20 7946 0000", "161 701 1999", "1632 960123", "7700 900123",
/// "300 123 4567", "800 123456". Each group is spelt.
fn uk_groups(national: &str) -> Vec<String> {
    let b = national.as_bytes();
    let sizes: &[usize] = match (b.first(), b.get(1), b.get(2)) {
        (Some(b'2'), ..) => &[2, 4],
        (Some(b'5'), Some(b'5' | b'6'), _) => &[2, 4],
        (Some(b'1'), Some(b'1'), _) | (Some(b'1'), _, Some(b'1')) => &[3, 3],
        (Some(b'1' | b'7'), ..) => &[4],
        (Some(b'3' | b'8' | b'9'), ..) if national.len() == 10 => &[3, 3],
        _ => &[3],
    };
    let mut groups = Vec::new();
    let mut at = 0;
    for &size in sizes {
        if at + size >= national.len() {
            break;
        }
        groups.push(spaced(&national[at..at + size]));
        at += size;
    }
    groups.push(digit_groups(&national[at..]));
    groups
}

/// "020 3758 2398" as "0 2 0, 3 7 5 8, 2 3 9 8"; a group longer than five
/// digits is broken as people say it: six as three and three ("900 123"),
/// seven as three and four, more in fours.
fn digit_groups(number: &str) -> String {
    let mut groups: Vec<String> = Vec::new();
    for group in number
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
    {
        if (6..=7).contains(&group.len()) {
            groups.push(spaced(&group[..3]));
            groups.push(spaced(&group[3..]));
        } else if group.len() > 5 {
            let chars: Vec<char> = group.chars().collect();
            for chunk in chars.chunks(4) {
                groups.push(spaced(&chunk.iter().collect::<String>()));
            }
        } else {
            groups.push(spaced(group));
        }
    }
    groups.join(", ")
}

/// Blood-pressure readings, "120/80" as "120 over 80". A slash between two
/// numbers is many things (dates, "24/7", "1/2", scores), so it is read as a
/// reading only when both numbers fall where a reading can (top 70 to 250,
/// bottom 40 to 150, top higher) and either the text says so (mmHg after it,
/// or "blood pressure", "BP", "reading", "systolic", "diastolic" or
/// "hypertension" in the 80 characters before or 40 after) or, with nothing
/// said, it looks like nothing else: a three-digit top of at least 90 and a
/// gap of 20 to 100. Numbers joined to another slash or dot (dates) are left.
pub fn blood_pressure(text: &str, lang: Lang) -> String {
    pattern!(READING, r"([0-9]{2,3})/([0-9]{2,3})(\s?mm\s?Hg\b)?");
    pattern!(
        CONTEXT,
        r"(?i)\b(?:blood[\s-]pressures?|BP|readings?|systolic|diastolic|hypertension|mmHg)\b"
    );
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in READING.captures_iter(text) {
        let m = c.get(0).expect("a match");
        let before = text[..m.start()].chars().next_back();
        let mut after = text[m.end()..].chars();
        let next = after.next();
        let joined = before.is_some_and(|b| b.is_alphanumeric() || matches!(b, '/' | '.'))
            || next.is_some_and(|n| n.is_alphanumeric() || n == '/')
            || (next == Some('.') && after.next().is_some_and(|n| n.is_ascii_digit()));
        let (top, bottom): (u32, u32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
        let plausible = (70..=250).contains(&top) && (40..=150).contains(&bottom) && top > bottom;
        if joined || !plausible {
            continue;
        }
        let window = |from: usize, to: usize| {
            let mut from = from;
            let mut to = to.min(text.len());
            while !text.is_char_boundary(from) {
                from += 1;
            }
            while !text.is_char_boundary(to) {
                to -= 1;
            }
            &text[from..to.max(from)]
        };
        let said = c.get(3).is_some()
            || CONTEXT.is_match(window(m.start().saturating_sub(80), m.start()))
            || CONTEXT.is_match(window(m.end(), m.end() + 40));
        let alone = c[1].len() == 3 && top >= 90 && (20..=100).contains(&(top - bottom));
        if !(said || alone) {
            continue;
        }
        out.push_str(&text[last..m.start()]);
        out.push_str(&format!("{top} {} {bottom}", lang.word("over", "sobre")));
        if c.get(3).is_some() {
            out.push(' ');
            out.push_str(lang.word("millimetres of mercury", "milímetros de mercurio"));
        }
        last = m.end();
    }
    out.push_str(&text[last..]);
    out
}

/// Words of amount a fraction is said before with "a": "half a cup", "a
/// quarter of a teaspoon".
const AMOUNTS: &[&str] = &[
    "cup",
    "mug",
    "glass",
    "teacup",
    "teaspoon",
    "tablespoon",
    "dessertspoon",
    "spoon",
    "spoonful",
    "tsp",
    "tbsp",
    "pint",
    "litre",
    "liter",
    "gallon",
    "ounce",
    "pound",
    "kilo",
    "kilogram",
    "gram",
    "plate",
    "plateful",
    "bowl",
    "bowlful",
    "portion",
    "serving",
    "slice",
    "piece",
    "tin",
    "can",
    "pot",
    "packet",
    "pack",
    "bag",
    "bar",
    "bottle",
    "carton",
    "handful",
    "apple",
    "banana",
    "avocado",
    "orange",
    "onion",
    "pepper",
    "lemon",
    "lime",
    "grapefruit",
    "egg",
    "loaf",
    "bagel",
    "pitta",
    "tablet",
    "capsule",
    "sachet",
    "dose",
    "hour",
    "day",
    "week",
    "month",
    "year",
    "mile",
    "inch",
    "metre",
    "stone",
];

/// Fractions, said as words with what they measure: "½ cup" as "half a cup",
/// "1½ tablespoons" as "1 and a half tablespoons", "2/3 cup" as "two thirds
/// of a cup", "¾ of your plate" as "three quarters of your plate". A
/// fraction character is always a fraction; a slash is one only with a
/// denominator of 2, 3, 4 or 8 and "of", "a" or a word of amount after it,
/// so dates, "24/7" and readings keep their own rules.
pub fn fractions(text: &str, lang: Lang) -> String {
    pattern!(
        FRACTION,
        r"(?:\b([0-9]{1,3})[\s-]?)?(?:([½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞])|\b([0-9])[/⁄]([0-9]{1,2})\b)(\s+([A-Za-záéíóúñ]+))?"
    );
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in FRACTION.captures_iter(text) {
        let m = c.get(0).expect("a match");
        let (num, den) = match c.get(2) {
            Some(ch) => vulgar(ch.as_str().chars().next().unwrap_or('½')),
            None => (c[3].parse().unwrap_or(0), c[4].parse().unwrap_or(0)),
        };
        let word = c.get(6).map(|w| w.as_str());
        let lower = word.map(str::to_lowercase);
        let singular = lower.as_deref().is_some_and(|w| AMOUNTS.contains(&w));
        let plural = lower.as_deref().is_some_and(|w| {
            w.strip_suffix('s')
                .or_else(|| w.strip_suffix("es"))
                .is_some_and(|s| AMOUNTS.contains(&s))
        });
        if c.get(2).is_none() {
            let before = text[..m.start()].chars().next_back();
            let next = text[c.get(4).map_or(m.end(), |d| d.end())..].chars().next();
            let of = lower
                .as_deref()
                .is_some_and(|w| matches!(w, "of" | "a" | "an" | "de"));
            let fits = matches!(den, 2 | 3 | 4 | 8) && (1..den).contains(&num);
            if !fits
                || !(of || singular || plural)
                || before.is_some_and(|b| matches!(b, '/' | '.'))
                || next == Some('/')
            {
                continue;
            }
        }
        let rest = match word {
            Some(w) => format!("{}{w}", &c[5][..c[5].len() - w.len()]),
            None => String::new(),
        };
        let said = match (c.get(1), lang) {
            (Some(whole), Lang::En) => {
                let part = fraction_en(num, den, true);
                format!("{} and {part}{rest}", whole.as_str())
            }
            (Some(whole), Lang::Es) => {
                format!("{} y {}{rest}", whole.as_str(), fraction_es(num, den))
            }
            (None, Lang::Es) => format!("{}{rest}", fraction_es(num, den)),
            (None, Lang::En) => {
                let bare = fraction_en(num, den, false);
                let half = num == 1 && den == 2;
                match (lower.as_deref(), word) {
                    (Some("of"), _) | (None, _) => format!("{bare}{rest}"),
                    (Some("a" | "an"), Some(w)) if !half => format!("{bare} of {w}"),
                    (_, Some(w)) if singular => {
                        let article = if w
                            .starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U'])
                            || lower.as_deref() == Some("hour")
                        {
                            "an"
                        } else {
                            "a"
                        };
                        if half {
                            format!("half {article} {w}")
                        } else {
                            format!("{bare} of {article} {w}")
                        }
                    }
                    (_, Some(w)) if plural => format!("{bare} of {w}"),
                    _ => format!("{bare}{rest}"),
                }
            }
        };
        out.push_str(&text[last..m.start()]);
        out.push_str(&said);
        last = m.end();
    }
    out.push_str(&text[last..]);
    out
}

fn vulgar(c: char) -> (u32, u32) {
    match c {
        '½' => (1, 2),
        '⅓' => (1, 3),
        '⅔' => (2, 3),
        '¼' => (1, 4),
        '¾' => (3, 4),
        '⅕' => (1, 5),
        '⅖' => (2, 5),
        '⅗' => (3, 5),
        '⅘' => (4, 5),
        '⅙' => (1, 6),
        '⅚' => (5, 6),
        '⅛' => (1, 8),
        '⅜' => (3, 8),
        '⅝' => (5, 8),
        _ => (7, 8),
    }
}

/// "half" ("a half" after a whole number), "a quarter", "two thirds".
fn fraction_en(num: u32, den: u32, after_whole: bool) -> String {
    let name = match den {
        2 => "half",
        3 => "third",
        4 => "quarter",
        5 => "fifth",
        6 => "sixth",
        7 => "seventh",
        8 => "eighth",
        9 => "ninth",
        _ => "tenth",
    };
    if num == 1 {
        return match (den, after_whole) {
            (2, false) => "half".into(),
            (8, _) => format!("an {name}"),
            _ => format!("a {name}"),
        };
    }
    let count = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ]
    .get(num as usize)
    .copied()
    .unwrap_or("some");
    let plural = if den == 2 {
        "halves".into()
    } else {
        format!("{name}s")
    };
    format!("{count} {plural}")
}

fn fraction_es(num: u32, den: u32) -> String {
    let name = match den {
        2 => "medio",
        3 => "tercio",
        4 => "cuarto",
        5 => "quinto",
        6 => "sexto",
        7 => "séptimo",
        8 => "octavo",
        9 => "noveno",
        _ => "décimo",
    };
    if num == 1 {
        return if den == 2 {
            name.into()
        } else {
            format!("un {name}")
        };
    }
    let count = [
        "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
    ]
    .get(num as usize)
    .copied()
    .unwrap_or("unos");
    format!("{count} {name}s")
}

/// UK postcodes as people say them: the letters one by one, the district's
/// number as a number, the last part's digit alone. "SO16 6YD" is "S O 16,
/// 6 Y D" ("S O sixteen"), "NW3 2QG" "N W 3, 2 Q G", "SW1A 2AA" "S W 1 A,
/// 2 A A".
pub fn postcodes(text: &str) -> String {
    pattern!(
        POSTCODE,
        r"\b([A-Z]{1,2})([0-9][0-9]?)([A-Z]?) ?([0-9])([A-Z]{2})\b"
    );
    POSTCODE
        .replace_all(text, |c: &Captures| {
            let sub = match &c[3] {
                "" => String::new(),
                letter => format!(" {letter}"),
            };
            format!(
                "{} {}{sub}, {} {}",
                spaced(&c[1]),
                &c[2],
                &c[4],
                spaced(&c[5])
            )
        })
        .into_owned()
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

fn month(lang: Lang, m: u32) -> &'static str {
    match lang {
        Lang::En => MONTHS_EN[(m - 1) as usize],
        Lang::Es => MONTHS_ES[(m - 1) as usize],
    }
}

fn full_year(y: &str) -> u32 {
    let n: u32 = y.parse().unwrap_or(0);
    match y.len() {
        2 if n < 70 => 2000 + n,
        2 => 1900 + n,
        _ => n,
    }
}

/// Day-first dates ("01/07/25" as "1st July 2025") and month/year ("10/2023").
pub fn dates(text: &str, lang: Lang) -> String {
    pattern!(
        DMY,
        r"\b([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4}|[0-9]{2})\b"
    );
    pattern!(MY, r"\b([0-9]{1,2})/([0-9]{4})\b");
    let t = DMY.replace_all(text, |c: &Captures| {
        let day: u32 = c[1].parse().unwrap_or(0);
        let m: u32 = c[2].parse().unwrap_or(0);
        if !(1..=31).contains(&day) || !(1..=12).contains(&m) {
            return c[0].to_string();
        }
        let year = full_year(&c[3]);
        match lang {
            Lang::En => format!("{} {} {year}", ordinal(day), month(lang, m)),
            Lang::Es => format!("{day} de {} de {year}", month(lang, m)),
        }
    });
    MY.replace_all(&t, |c: &Captures| {
        let m: u32 = c[1].parse().unwrap_or(0);
        if !(1..=12).contains(&m) {
            return c[0].to_string();
        }
        match lang {
            Lang::En => format!("{} {}", month(lang, m), &c[2]),
            Lang::Es => format!("{} de {}", month(lang, m), &c[2]),
        }
    })
    .into_owned()
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "10:30am", "9.30am-5.30pm", "16:00", "9am to 4pm".
pub fn times(text: &str, lang: Lang) -> String {
    pattern!(
        CLOCK,
        r"(?i)\b([0-9]{1,2})(?:[:.]([0-9]{2}))?\s?(am|pm|a\.m\.|p\.m\.)(?:\s?[-–]\s?([0-9]{1,2})(?:[:.]([0-9]{2}))?\s?(am|pm|a\.m\.|p\.m\.))?"
    );
    pattern!(H24, r"\b([01]?[0-9]|2[0-3]):([0-5][0-9])\b");
    let t = CLOCK.replace_all(text, |c: &Captures| {
        let first = spoken_time_of_day(&c[1], c.get(2).map(|m| m.as_str()), &c[3], lang);
        match c.get(4) {
            Some(h) => format!(
                "{first} {} {}",
                lang.word("to", "a"),
                spoken_time_of_day(h.as_str(), c.get(5).map(|m| m.as_str()), &c[6], lang)
            ),
            None => first,
        }
    });
    H24.replace_all(&t, |c: &Captures| {
        let hour: u32 = c[1].parse().unwrap_or(0);
        match (&c[2], lang) {
            ("00", Lang::En) => format!("{hour} hundred"),
            ("00", Lang::Es) => format!("{hour} horas"),
            (m, _) if m.starts_with('0') => format!("{hour} oh {}", &m[1..]),
            (m, _) => format!("{hour} {m}"),
        }
    })
    .into_owned()
}

/// A time of day written with am or pm, as it is said ("10 30 a m"): words
/// for the voice, unlike the audio positions in [`crate::clock`].
fn spoken_time_of_day(hour: &str, minutes: Option<&str>, half: &str, lang: Lang) -> String {
    let hour = hour.trim_start_matches('0');
    let am = half.to_ascii_lowercase().starts_with('a');
    let half = match lang {
        Lang::En => {
            if am {
                "a m"
            } else {
                "p m"
            }
        }
        Lang::Es => {
            if am {
                "de la mañana"
            } else {
                "de la tarde"
            }
        }
    };
    match minutes {
        None | Some("00") => format!("{hour} {half}"),
        Some(m) if m.starts_with('0') => format!("{hour} oh {} {half}", &m[1..]),
        Some(m) => format!("{hour} {m} {half}"),
    }
}

/// "50-60g" as "50 to 60g", "4-72 hours" as "4 to 72 hours". Years and
/// anything already read as a phone number are not touched.
pub fn ranges(text: &str, lang: Lang) -> String {
    pattern!(
        RANGE,
        r"\b([0-9]+(?:\.[0-9]+)?)\s?[-–]\s?([0-9]+(?:\.[0-9]+)?)([A-Za-zµ%\s,.;:)]|$)"
    );
    RANGE
        .replace_all(text, |c: &Captures| {
            format!("{} {} {}{}", &c[1], lang.word("to", "a"), &c[2], &c[3])
        })
        .into_owned()
}

/// Units and doses after a number, singular for one.
pub fn units(text: &str, lang: Lang) -> String {
    pattern!(
        UNIT,
        r"\b([0-9]+(?:[.,][0-9]+)?)\s?(mmol/l|mmol/L|mg/ml|mcg|µg|mg|kg|g|ml|mL|cl|l|L|cm|mmHg|mm|kcal|cals?)\b"
    );
    pattern!(TIMES_DAILY, r"\b([0-9]+)\s?[x×]\s?([a-z(])");
    pattern!(TIMES_N, r"(?i)(^|\s)[x×]\s?([0-9]+)\b");
    pattern!(NUMBER_TIMES, r"\b([0-9]+)\s?[x×]\s?([0-9])");
    let t = UNIT.replace_all(text, |c: &Captures| {
        let one = &c[1] == "1";
        format!("{} {}", &c[1], unit_name(&c[2], one, lang))
    });
    let times = lang.word("times", "veces");
    let t = TIMES_DAILY.replace_all(&t, |c: &Captures| format!("{} {times} {}", &c[1], &c[2]));
    let t = NUMBER_TIMES.replace_all(&t, |c: &Captures| format!("{} {times} {}", &c[1], &c[2]));
    TIMES_N
        .replace_all(&t, |c: &Captures| format!("{}{times} {}", &c[1], &c[2]))
        .into_owned()
}

fn unit_name(unit: &str, one: bool, lang: Lang) -> &'static str {
    let (en1, en, es) = match unit {
        "mmol/l" | "mmol/L" => (
            "millimole per litre",
            "millimoles per litre",
            "milimoles por litro",
        ),
        "mg/ml" => (
            "milligram per millilitre",
            "milligrams per millilitre",
            "miligramos por mililitro",
        ),
        "mcg" | "µg" => ("microgram", "micrograms", "microgramos"),
        "mg" => ("milligram", "milligrams", "miligramos"),
        "kg" => ("kilogram", "kilograms", "kilos"),
        "g" => ("gram", "grams", "gramos"),
        "ml" | "mL" => ("millilitre", "millilitres", "mililitros"),
        "cl" => ("centilitre", "centilitres", "centilitros"),
        "l" | "L" => ("litre", "litres", "litros"),
        "cm" => ("centimetre", "centimetres", "centímetros"),
        "mm" => ("millimetre", "millimetres", "milímetros"),
        "mmHg" => (
            "millimetre of mercury",
            "millimetres of mercury",
            "milímetros de mercurio",
        ),
        "kcal" => ("kilocalorie", "kilocalories", "kilocalorías"),
        _ => ("calorie", "calories", "calorías"),
    };
    match (lang, one) {
        (Lang::Es, _) => es,
        (Lang::En, true) => en1,
        (Lang::En, false) => en,
    }
}

/// Symbols: currency, temperature and comparison.
pub fn symbols(text: &str, lang: Lang) -> String {
    pattern!(POUNDS, r"£([0-9]+)(?:\.([0-9]{2}))?\b");
    pattern!(PENCE, r"\b([0-9]{1,2})p\b");
    pattern!(DEGREES, r"([0-9])\s?°\s?([CF])\b");
    pattern!(LESS, r"<\s?([0-9])");
    pattern!(MORE, r">\s?([0-9])");
    pattern!(PLUS_MINUS, r"±\s?");
    pattern!(SLASH_WORDS, r"\b([A-Za-z]+)/([A-Za-z]+)\b");
    let t = POUNDS.replace_all(text, |c: &Captures| {
        let pounds = if &c[1] == "1" { "pound" } else { "pounds" };
        let name = lang.word(pounds, "libras");
        match c.get(2) {
            Some(p) if p.as_str() != "00" => format!("{} {name} {}", &c[1], p.as_str()),
            _ => format!("{} {name}", &c[1]),
        }
    });
    let t = PENCE.replace_all(&t, |c: &Captures| {
        format!("{} {}", &c[1], lang.word("pence", "peniques"))
    });
    let t = DEGREES.replace_all(&t, |c: &Captures| {
        let scale = match (&c[2], lang) {
            ("C", Lang::En) => "degrees Celsius",
            ("F", Lang::En) => "degrees Fahrenheit",
            ("C", Lang::Es) => "grados centígrados",
            _ => "grados Fahrenheit",
        };
        format!("{} {scale}", &c[1])
    });
    let t = LESS.replace_all(&t, |c: &Captures| {
        format!("{} {}", lang.word("less than", "menos de"), &c[1])
    });
    let t = MORE.replace_all(&t, |c: &Captures| {
        format!("{} {}", lang.word("more than", "más de"), &c[1])
    });
    let t = PLUS_MINUS.replace_all(&t, |_: &Captures| {
        format!("{} ", lang.word("plus or minus", "más o menos"))
    });
    let t = SLASH_WORDS.replace_all(&t, "$1 $2");
    // A ratio of two measures, "TC:HDL ratio", is said "TC to HDL ratio"
    // (the colon alone is not read). Only before "ratio": a label glued to
    // its text ("Note:Take") keeps its colon.
    pattern!(RATIO, r"\b([A-Za-z]+):([A-Za-z]+)(\s+ratios?)\b");
    let t = RATIO.replace_all(&t, |c: &Captures| {
        format!("{} {} {}{}", &c[1], lang.word("to", "a"), &c[2], &c[3])
    });
    // "24/7" is said "twenty-four seven".
    pattern!(ROUND_THE_CLOCK, r"\b24/7\b");
    let t = ROUND_THE_CLOCK.replace_all(&t, "24 7");
    let and = format!(" {} ", lang.word("and", "y"));
    let t = t
        .replace(" & ", &and)
        .replace('&', &and)
        .replace('©', &format!(" {} ", lang.word("copyright", "copyright")))
        .replace('%', &format!(" {}", lang.word("per cent", "por ciento")));
    pattern!(PER_CENT_GAP, r"([0-9]) +(per cent|por ciento)");
    PER_CENT_GAP.replace_all(&t, "$1 $2").into_owned()
}

/// English abbreviations a reader expands.
pub fn abbreviations(text: &str) -> String {
    pattern!(EG, r"\b[Ee]\.?[Gg]\.?,?(\s)");
    pattern!(IE, r"\b[Ii]\.?[Ee]\.?,?(\s)");
    pattern!(ETC, r"\betc\b\.?");
    pattern!(MRS, r"\bMrs\b\.?");
    pattern!(MR, r"\bMr\b\.?");
    pattern!(MS, r"\bMs\b\.?");
    pattern!(DR, r"\bDr\b\.?(\s)");
    pattern!(SAINT, r"\bSt\b\.?(\s+)([A-Z])");
    pattern!(STREET, r"\bSt\b\.?");
    pattern!(NUMBER, r"\b[Nn]o\.\s?([0-9])");
    pattern!(APPROX, r"\bapprox\b\.?");
    pattern!(VERSUS, r"\bvs\b\.?");
    let t = EG.replace_all(text, "for example$1");
    let t = IE.replace_all(&t, "that is$1");
    let t = ETC.replace_all(&t, "et cetera");
    let t = MRS.replace_all(&t, "Missus");
    let t = MR.replace_all(&t, "Mister");
    let t = MS.replace_all(&t, "Miz");
    let t = DR.replace_all(&t, "Doctor$1");
    let t = SAINT.replace_all(&t, "Saint$1$2");
    let t = STREET.replace_all(&t, "Street");
    let t = NUMBER.replace_all(&t, "number $1");
    let t = APPROX.replace_all(&t, "approximately");
    VERSUS.replace_all(&t, "versus").into_owned()
}

/// Capitals read as letters ("GP" as "G P"), unless the lexicon says the
/// acronym is a word or it is an ordinary word in capitals for emphasis.
pub fn acronyms(text: &str, lexicon: &Lexicon) -> String {
    pattern!(CAPS, r"\b([A-Z]{2,6})(s?)\b");
    pattern!(SHOUTED, r"\b[A-Z]{2,}(?:\s+[A-Z]{2,})+\b");
    // Words in capitals for emphasis ("DO NOT EAT") are words.
    let mut shouted = Vec::new();
    for m in SHOUTED.find_iter(text) {
        if m.as_str().split_whitespace().all(is_dictionary_word) {
            shouted.push(m.range());
        }
    }
    CAPS.replace_all(text, |c: &Captures| {
        let at = c.get(0).map_or(0, |m| m.start());
        let word = &c[1];
        if lexicon.is_word(word) || shouted.iter().any(|r| r.contains(&at)) {
            return c[0].to_string();
        }
        let plural = if c[2].is_empty() { "" } else { "'s" };
        format!("{}{plural}", spaced(word))
    })
    .into_owned()
}

/// Any run of five or more digits left (a code, a text number) is read digit
/// by digit: it is never a quantity in a leaflet.
pub fn long_digit_runs(text: &str) -> String {
    pattern!(LONG, r"[0-9]{5,}");
    LONG.replace_all(text, |c: &Captures| spaced(&c[0]))
        .into_owned()
}

/// A `<` that a rule left against a word ("<<5" is "<less than 5") is set
/// apart, so the voice is never given what looks like an HTML tag.
fn apart_from_words(text: &str) -> String {
    pattern!(TOUCHING, r"<([A-Za-z/!?])");
    TOUCHING.replace_all(text, "< $1").into_owned()
}

/// [`plain::one_line`](crate::plain::one_line), then the gaps the rules left
/// before a comma or a full stop closed, and a doubled comma made one.
fn one_line_tidied(text: &str) -> String {
    let t = crate::plain::one_line(text);
    t.replace(" ,", ",").replace(",,", ",").replace(" .", ".")
}

#[cfg(test)]
mod tests;
