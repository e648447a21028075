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
    let mut t = markup(&typography(text));
    t = emails(&t, lang);
    t = web_addresses(&t, lang);
    t = phone_numbers(&t, lang);
    t = postcodes(&t);
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

/// Quotes, apostrophes, dashes, fractions and white space the voice would
/// stumble on, made plain; trade marks (®, ™), which are only decoration,
/// dropped.
pub fn typography(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '‘' | '’' | 'ʼ' | '′' | '`' => out.push('\''),
            '“' | '”' | '„' | '″' | '«' | '»' => out.push('"'),
            '½' | '¼' | '¾' | '⅓' => {
                // "1½" is "1 and a half"; "½ a cup" is "a half a cup".
                let after_number = out.trim_end().ends_with(|c: char| c.is_ascii_digit());
                out.push_str(if after_number { " and " } else { " " });
                out.push_str(match c {
                    '½' => "a half",
                    '¼' => "a quarter",
                    '¾' => "three quarters",
                    _ => "a third",
                });
                out.push(' ');
            }
            '…' => out.push_str("..."),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            '\u{ad}' | '\u{200b}' | '\u{feff}' | '®' | '™' => {}
            c if c.is_control() || c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    // Dashes between words are a pause.
    pattern!(DASH, r"\s+[–—-]+\s+");
    DASH.replace_all(&out, ", ").into_owned()
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

/// "words that are words stay words; runs of consonants are spelt".
fn say_part(part: &str) -> String {
    if part.is_empty() {
        return String::new();
    }
    if part.chars().all(|c| c.is_ascii_digit()) {
        return spaced(part);
    }
    let lower = part.to_lowercase();
    if matches!(lower.as_str(), "com" | "org" | "net" | "gov" | "info") {
        return lower;
    }
    if let Some(words) = dictionary_words(&lower) {
        return words.join(" ");
    }
    if lower.len() > 4 && pronounceable(&lower) {
        lower
    } else {
        spaced(&lower)
    }
}

/// Split run-together words ("asthmaandlung") into dictionary words of three
/// or more letters, fewest pieces first; `None` when it cannot be done.
fn dictionary_words(text: &str) -> Option<Vec<&str>> {
    let n = text.len();
    if !text.is_ascii() || n > 64 {
        return None;
    }
    // best[i]: the fewest pieces covering text[..i], and where the last starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in 0..end {
            let Some((pieces, _)) = best[start] else {
                continue;
            };
            let piece = &text[start..end];
            let fits = piece.len() >= 3 || (start == 0 && end == n && piece.len() >= 2);
            if fits && is_dictionary_word(piece) && best[end].is_none_or(|(p, _)| pieces + 1 < p) {
                best[end] = Some((pieces + 1, start));
            }
        }
    }
    let mut words = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        words.push(&text[start..end]);
        end = start;
    }
    words.reverse();
    Some(words)
}

/// Whether a part of an address reads as a word rather than letters.
fn pronounceable(word: &str) -> bool {
    let letters: Vec<char> = word.chars().collect();
    if letters.len() < 3 || letters.iter().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let vowel = |c: &char| "aeiouy".contains(*c);
    let vowels = letters.iter().filter(|c| vowel(c)).count();
    let mut run = 0;
    let mut longest = 0;
    for c in &letters {
        run = if vowel(c) { 0 } else { run + 1 };
        longest = longest.max(run);
    }
    vowels > 0 && longest <= 3 && (letters.len() >= 4 || vowels * 3 >= letters.len())
}

fn spaced(text: &str) -> String {
    let chars: Vec<String> = text.chars().map(String::from).collect();
    chars.join(" ")
}

/// Keep punctuation that follows a token out of the token.
fn split_trailing(token: &str) -> (&str, &str) {
    let end = token.trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '"', '\'']);
    (end, &token[end.len()..])
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

/// Telephone numbers, digit by digit in their printed groups.
pub fn phone_numbers(text: &str, lang: Lang) -> String {
    pattern!(
        INTERNATIONAL,
        r"\+(\d{1,3})\s?(?:\(0\)\s?)?(\d{2,5}(?:[\s-]\d{2,5}){1,3})\b"
    );
    pattern!(
        NATIONAL,
        r"(?:\((0\d{2,5})\)|\b(0\d{2,5}))(?:[\s-]?\d{1,8}){1,4}\b"
    );
    pattern!(SHORT, r"\b(999|111|112|116[\s-]?\d{3})\b");
    let plus = lang.word("plus", "más");
    let t = INTERNATIONAL.replace_all(text, |c: &Captures| {
        format!("{plus} {}, {}", spaced(&c[1]), digit_groups(&c[2]))
    });
    let t = NATIONAL.replace_all(&t, |c: &Captures| {
        let digits: usize = c[0].chars().filter(char::is_ascii_digit).count();
        if (10..=11).contains(&digits) {
            digit_groups(&c[0])
        } else {
            c[0].to_string()
        }
    });
    SHORT
        .replace_all(&t, |c: &Captures| digit_groups(&c[0]))
        .into_owned()
}

/// "020 3758 2398" as "0 2 0, 3 7 5 8, 2 3 9 8"; a group longer than five
/// digits is read in fours, as people say it.
fn digit_groups(number: &str) -> String {
    let mut groups: Vec<String> = Vec::new();
    for group in number
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
    {
        if group.len() > 5 {
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

/// UK postcodes, letter by letter: "NW3 2QG" as "N W 3, 2 Q G".
pub fn postcodes(text: &str) -> String {
    pattern!(POSTCODE, r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b");
    POSTCODE
        .replace_all(text, |c: &Captures| {
            format!("{}, {}", spaced(&c[1]), spaced(&c[2]))
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
    pattern!(DMY, r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b");
    pattern!(MY, r"\b(\d{1,2})/(\d{4})\b");
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
        r"(?i)\b(\d{1,2})(?:[:.](\d{2}))?\s?(am|pm|a\.m\.|p\.m\.)(?:\s?[-–]\s?(\d{1,2})(?:[:.](\d{2}))?\s?(am|pm|a\.m\.|p\.m\.))?"
    );
    pattern!(H24, r"\b([01]?\d|2[0-3]):([0-5]\d)\b");
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
        r"\b(\d+(?:\.\d+)?)\s?[-–]\s?(\d+(?:\.\d+)?)([A-Za-zµ%\s,.;:)]|$)"
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
        r"\b(\d+(?:[.,]\d+)?)\s?(mmol/l|mmol/L|mg/ml|mcg|µg|mg|kg|g|ml|mL|cl|l|L|cm|mm|kcal|cals?)\b"
    );
    pattern!(TIMES_DAILY, r"\b(\d+)\s?[x×]\s?([a-z(])");
    pattern!(TIMES_N, r"(?i)(^|\s)[x×]\s?(\d+)\b");
    pattern!(NUMBER_TIMES, r"\b(\d+)\s?[x×]\s?(\d)");
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
    pattern!(POUNDS, r"£(\d+)(?:\.(\d{2}))?\b");
    pattern!(PENCE, r"\b(\d{1,2})p\b");
    pattern!(DEGREES, r"(\d)\s?°\s?([CF])\b");
    pattern!(LESS, r"<\s?(\d)");
    pattern!(MORE, r">\s?(\d)");
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
    let and = format!(" {} ", lang.word("and", "y"));
    let t = t
        .replace(" & ", &and)
        .replace('&', &and)
        .replace('©', &format!(" {} ", lang.word("copyright", "copyright")))
        .replace('%', &format!(" {}", lang.word("per cent", "por ciento")));
    pattern!(PER_CENT_GAP, r"(\d) +(per cent|por ciento)");
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
    pattern!(NUMBER, r"\b[Nn]o\.\s?(\d)");
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
    pattern!(LONG, r"\d{5,}");
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
