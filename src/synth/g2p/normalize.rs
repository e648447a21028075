//! Text normalization before tokenizing: the readings the lexicon rules can't
//! produce on their own (times, dates, units, abbreviations, other
//! currencies, symbols). The word tables come from normalize.json.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use fancy_regex::{Captures, Regex};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use super::numbers;
use super::tokenize::compile;
use crate::error::Result;

/// A JSON object with its keys in file order.
struct Ordered<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Vis<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(e) = m.next_entry()? {
                    v.push(e);
                }
                Ok(Ordered(v))
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

#[derive(Deserialize)]
struct Tables {
    months: Ordered<String>,
    abbreviations: HashMap<String, String>,
    titles: HashMap<String, String>,
    units: HashMap<String, (String, String)>,
    symbols: Ordered<String>,
    currency: HashMap<String, (String, String)>,
    roman_cardinal: Vec<String>,
    roman_ordinal: Vec<String>,
}

pub struct Normalizer {
    /// "jan" -> "January", in calendar order.
    months: Vec<(String, String)>,
    abbreviations: HashMap<String, String>,
    titles: HashMap<String, String>,
    units: HashMap<String, (String, String)>,
    currency: HashMap<String, (String, String)>,
    /// Symbol, its pattern, and the words it is replaced by.
    symbols: Vec<(Regex, String)>,
    ws: Regex,
    time: Regex,
    date_us: Regex,
    date_iso: Regex,
    month_day: Regex,
    day_month: Regex,
    unit: Regex,
    degrees: Regex,
    cents: Regex,
    money: Regex,
    big_money: Regex,
    title: Regex,
    abbrev: Regex,
    no: Regex,
    hash: Regex,
    roman_cardinal: Regex,
    roman_ordinal: Regex,
    phone: Regex,
    range: Regex,
    fraction: Regex,
    plus: Regex,
    space_punct: Regex,
}

/// Alternation of `words`, longest first.
fn alternation<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut w: Vec<&str> = words.into_iter().collect();
    w.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    w.iter()
        .map(|s| regex::escape(s))
        .collect::<Vec<_>>()
        .join("|")
}

/// Replace every match of `re` in `text` with `f(captures)`.
fn sub(re: &Regex, text: &str, f: impl FnMut(&Captures<str>) -> String) -> String {
    match re.try_replacen(text, 0, f) {
        Ok(s) => s.into_owned(),
        Err(_) => text.to_string(),
    }
}

fn group<'t>(c: &Captures<'t, str>, i: usize) -> &'t str {
    c.get(i).map_or("", |m| m.as_str())
}

fn int(s: &str) -> Option<u128> {
    s.parse().ok()
}

fn plural<'a>(n: &str, words: &'a (String, String)) -> &'a str {
    if matches!(n.replace(',', "").as_str(), "1" | "1.0" | "-1") {
        &words.0
    } else {
        &words.1
    }
}

fn roman_value(s: &str) -> u128 {
    let v = |c: char| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        _ => 1000,
    };
    let cs: Vec<char> = s.chars().collect();
    let mut total: i64 = 0;
    for (i, &c) in cs.iter().enumerate() {
        let x = v(c);
        if i + 1 < cs.len() && v(cs[i + 1]) > x {
            total -= x;
        } else {
            total += x;
        }
    }
    total.max(0) as u128
}

fn big_word(big: &str) -> &str {
    match big.to_lowercase().as_str() {
        "k" => "thousand",
        "m" => "million",
        "b" => "billion",
        _ => big,
    }
}

impl Normalizer {
    pub fn from_json(json: &str) -> std::result::Result<Result<Normalizer>, serde_json::Error> {
        let t: Tables = serde_json::from_str(json)?;
        Ok(Normalizer::new(t))
    }

    fn new(t: Tables) -> Result<Normalizer> {
        let months = t.months.0;
        let month_alts = {
            let mut all: Vec<String> = months.iter().map(|(_, v)| v.clone()).collect();
            all.extend(months.iter().map(|(k, _)| super::text::capitalize(k)));
            all.push("Sept".into());
            alternation(all.iter().map(String::as_str))
        };
        let num = r"\d+(?:,\d{3})*(?:\.\d+)?";
        let units = alternation(t.units.keys().map(String::as_str));
        let titles = alternation(t.titles.keys().map(String::as_str));
        let abbrevs = alternation(t.abbreviations.keys().map(String::as_str));
        let roman = r"((?=[IVXLC])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))";
        let rc = alternation(t.roman_cardinal.iter().map(String::as_str));
        let ro = alternation(t.roman_ordinal.iter().map(String::as_str));
        let mut symbols = Vec::new();
        for (sym, word) in t.symbols.0 {
            let pattern = if "=<>~".contains(sym.as_str()) && !sym.is_empty() {
                format!(r"(?<=\S) ?{} ?(?=\S)", regex::escape(&sym))
            } else {
                regex::escape(&sym)
            };
            let with = if word.is_empty() {
                " ".to_string()
            } else {
                format!(" {word} ")
            };
            symbols.push((compile(&pattern)?, with));
        }
        Ok(Normalizer {
            ws: compile(r"\s+")?,
            time: compile(
                r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s?([AaPp])\.?[Mm]\.?(?![A-Za-z]))?(?!\d)",
            )?,
            date_us: compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")?,
            date_iso: compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")?,
            month_day: compile(&format!(
                r"\b({month_alts})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?![\d:%])(,? \d{{4}}\b)?"
            ))?,
            day_month: compile(&format!(
                r"\b(the )?(\d{{1,2}}) (?:of )?({month_alts})\b\.?"
            ))?,
            unit: compile(&format!(r"(?<![\w.])(-?{num})\s?({units})(?![\w])"))?,
            degrees: compile(&format!(r"(?<![\w.])(-?{num})\s?°\s?([CF])?(?![\w])"))?,
            cents: compile(&format!(r"(?<![\w.])({num})\s?¢"))?,
            money: compile(&format!(
                r"(?<![\w])([¥₹₩]|Rs\.?|USD|EUR|GBP)\s?({num})(?:\s?(hundred|thousand|million|billion|trillion|[kKmMbB]\b))?"
            ))?,
            big_money: compile(&format!(
                r"([$£€])({num})\s?(hundred|thousand|million|billion|trillion|[kKmMbB]\b)"
            ))?,
            title: compile(&format!(r"\b({titles})\.? (?=[A-Z])"))?,
            abbrev: compile(&format!(r"(?<![\w.])({abbrevs})(?![\w])"))?,
            no: compile(r"\b(No|Nos)\. ?(?=\d)")?,
            hash: compile(r"(?<![\w&])#(?=\d)")?,
            roman_cardinal: compile(&format!(r"\b({rc}) {roman}\b(?![.'’]\w)"))?,
            roman_ordinal: compile(&format!(r"\b({ro}) {roman}\b(?![.'’]\w)"))?,
            phone: compile(r"(?<![\w.\-])(?:\d{3}-)?\d{3}-\d{4}(?![\w.\-])")?,
            range: compile(r"(?<![\w.\-])(\d{1,4})\s?[-–]\s?(\d{1,4})(?![\w.\-%])")?,
            fraction: compile(r"(?<![\w./])(\d{1,2})/(\d{1,2})(?![\w./])")?,
            plus: compile(r"(?<![\w+])\+(?=\d)")?,
            space_punct: compile(r" +([,.;:!?])")?,
            months,
            abbreviations: t.abbreviations,
            titles: t.titles,
            units: t.units,
            currency: t.currency,
            symbols,
        })
    }

    fn month<'a>(&'a self, name: &'a str) -> &'a str {
        let key: String = name.to_lowercase().chars().take(3).collect();
        self.months
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(name, |(_, v)| v.as_str())
    }

    fn date(&self, year: Option<&str>, month: u128, day: u128) -> Option<String> {
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let name = &self.months.get(month as usize - 1)?.1;
        let mut s = format!("{name} {}", numbers::ordinal(day));
        if let Some(y) = year {
            s.push_str(", ");
            s.push_str(y);
        }
        Some(s)
    }

    fn time(&self, c: &Captures<str>, text: &str) -> Option<String> {
        let m = c.get(0)?;
        let h = int(group(c, 1))?;
        let mi = int(group(c, 2))?;
        let sec = c.get(3).map(|m| m.as_str());
        let ap = c.get(4).map(|m| m.as_str());
        if h > 24 || mi > 59 || sec.and_then(int).is_some_and(|s| s > 59) {
            return None;
        }
        let mut words = numbers::cardinal(h);
        if mi == 0 {
            if ap.is_none() && sec.is_none() {
                words.push_str(" o'clock");
            }
        } else if mi < 10 {
            words.push_str(" oh ");
            words.push_str(&numbers::cardinal(mi));
        } else {
            words.push(' ');
            words.push_str(&numbers::cardinal(mi));
        }
        if let Some(s) = sec {
            let n = int(s)?;
            words.push_str(" and ");
            words.push_str(&numbers::cardinal(n));
            words.push_str(if n == 1 { " second" } else { " seconds" });
        }
        if let Some(ap) = ap {
            words.push(' ');
            words.push_str(&ap.to_uppercase());
            words.push_str(".M");
            if !text[m.end()..].starts_with('.') {
                words.push('.');
            }
        }
        Some(words)
    }

    fn fraction(&self, a: u128, b: u128) -> String {
        const NAMES: [&str; 11] = [
            "", "", "half", "third", "quarter", "fifth", "sixth", "seventh", "eighth", "ninth",
            "tenth",
        ];
        if 0 < a && a < b && b <= 10 {
            let unit = NAMES[b as usize];
            if unit == "half" {
                return if a == 1 {
                    "one half".into()
                } else {
                    format!("{a} halves")
                };
            }
            return format!("{a} {unit}{}", if a == 1 { "" } else { "s" });
        }
        if (1..=12).contains(&a) && (1..=31).contains(&b) {
            return self.date(None, a, b).unwrap_or_default();
        }
        format!("{a} slash {b}")
    }

    /// `text` with times, dates, units, abbreviations and symbols in words.
    pub fn normalize(&self, text: &str) -> String {
        let whole = |c: &Captures<str>| group(c, 0).to_string();
        let mut text = self.ws.replace_all(text, " ").trim().to_string();
        if text.is_empty() {
            return text;
        }
        text = text
            .replace('\u{a0}', " ")
            .replace('’', "'")
            .replace('‒', "-")
            .replace('―', "—");
        let t = text.clone();
        text = sub(&self.time, &t, |c| {
            self.time(c, &t).unwrap_or_else(|| whole(c))
        });
        text = sub(&self.date_iso, &text, |c| {
            match (int(group(c, 2)), int(group(c, 3))) {
                (Some(mo), Some(d)) => self.date(Some(group(c, 1)), mo, d),
                _ => None,
            }
            .unwrap_or_else(|| whole(c))
        });
        text = sub(&self.date_us, &text, |c| {
            let (Some(a), Some(b)) = (int(group(c, 1)), int(group(c, 2))) else {
                return whole(c);
            };
            let mut y = group(c, 3).to_string();
            if y.chars().count() == 2 {
                let century = if int(&y).unwrap_or(0) > 30 {
                    "19"
                } else {
                    "20"
                };
                y = format!("{century}{y}");
            }
            let (mo, d) = if a <= 12 { (a, b) } else { (b, a) };
            self.date(Some(&y), mo, d).unwrap_or_else(|| whole(c))
        });
        text = sub(&self.big_money, &text, |c| {
            let words = self.currency.get(group(c, 1)).map_or("", |w| w.1.as_str());
            format!("{} {} {words}", group(c, 2), big_word(group(c, 3)))
        });
        text = sub(&self.cents, &text, |c| {
            let n = group(c, 1);
            match self.currency.get("¢") {
                Some(w) => format!("{n} {}", plural(n, w)),
                None => whole(c),
            }
        });
        text = sub(&self.money, &text, |c| {
            let (sym, n) = (group(c, 1), group(c, 2));
            let Some(words) = self.currency.get(sym.trim_end_matches('.')) else {
                return whole(c);
            };
            match c.get(3).map(|m| m.as_str()).filter(|b| !b.is_empty()) {
                Some(big) => format!("{n} {} {}", big_word(big), words.1),
                None => format!("{n} {}", plural(n, words)),
            }
        });
        text = sub(&self.degrees, &text, |c| {
            let n = group(c, 1);
            let deg = ("degree".to_string(), "degrees".to_string());
            let scale = match group(c, 2) {
                "C" => " Celsius",
                "F" => " Fahrenheit",
                _ => "",
            };
            format!("{n} {}{scale}", plural(n, &deg))
        });
        text = sub(&self.unit, &text, |c| {
            let n = group(c, 1);
            match self.units.get(group(c, 2)) {
                Some(w) => format!("{n} {}", plural(n, w)),
                None => whole(c),
            }
        });
        text = sub(&self.month_day, &text, |c| {
            let Some(day) = int(group(c, 2)).filter(|d| (1..=31).contains(d)) else {
                return whole(c);
            };
            format!(
                "{} {}{}",
                self.month(group(c, 1)),
                numbers::ordinal(day),
                group(c, 3)
            )
        });
        text = sub(&self.day_month, &text, |c| {
            let Some(day) = int(group(c, 2)).filter(|d| (1..=31).contains(d)) else {
                return whole(c);
            };
            format!(
                "the {} of {}",
                numbers::ordinal(day),
                self.month(group(c, 3))
            )
        });
        text = sub(&self.title, &text, |c| {
            let t = group(c, 1);
            format!("{} ", self.titles.get(t).map_or(t, String::as_str))
        });
        let t = text.clone();
        text = sub(&self.abbrev, &t, |c| {
            let a = group(c, 1);
            let mut s = self
                .abbreviations
                .get(a)
                .map_or(a, String::as_str)
                .to_string();
            if c.get(0).is_some_and(|m| m.end() == t.len()) && a.ends_with('.') {
                s.push('.');
            }
            s
        });
        text = sub(&self.no, &text, |c| {
            if group(c, 1) == "No" {
                "Number "
            } else {
                "Numbers "
            }
            .to_string()
        });
        text = sub(&self.hash, &text, |_| "number ".to_string());
        text = sub(&self.roman_cardinal, &text, |c| {
            format!("{} {}", group(c, 1), roman_value(group(c, 2)))
        });
        text = sub(&self.roman_ordinal, &text, |c| {
            format!(
                "{} the {}",
                group(c, 1),
                numbers::ordinal(roman_value(group(c, 2)))
            )
        });
        text = sub(&self.phone, &text, |c| {
            let spelled = group(c, 0).replace('-', ", ");
            spelled
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join(" ")
        });
        text = sub(&self.fraction, &text, |c| {
            match (int(group(c, 1)), int(group(c, 2))) {
                (Some(a), Some(b)) => self.fraction(a, b),
                _ => whole(c),
            }
        });
        text = sub(&self.range, &text, |c| {
            format!("{} to {}", group(c, 1), group(c, 2))
        });
        text = sub(&self.plus, &text, |_| "plus ".to_string());
        for (re, with) in &self.symbols {
            text = sub(re, &text, |_| with.clone());
        }
        let text = self.ws.replace_all(&text, " ");
        self.space_punct.replace_all(&text, "$1").trim().to_string()
    }
}
