//! misaki's English lexicon rules: dictionary lookup with part-of-speech
//! readings, the function-word special cases, -s/-ed/-ing stemming, spelled
//! out capitals, and numbers read through `numbers`.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::numbers;
use super::text::{capitalize, is_alpha, is_ascii_digits};
use super::{Context, Token};

pub const PRIMARY: char = 'ˈ';
pub const SECONDARY: char = 'ˌ';
pub const VOWELS: &str = "AIOQWYaiuæɑɒɔəɛɜɪʊʌᵻ";
pub const CONSONANTS: &str = "bdfhjklmnpstvwzðŋɡɹɾʃʒʤʧθ";
const DIPHTHONGS: &str = "AIOQWYʤʧ";
const US_TAUS: &str = "AIOWYiuæɑəɛɪɹʊʌ";
const ORDINALS: [&str; 4] = ["st", "nd", "rd", "th"];

pub fn is_vowel(c: char) -> bool {
    VOWELS.contains(c)
}

/// The words for a currency symbol: (unit, hundredth).
pub fn currency_units(symbol: &str) -> Option<(&'static str, &'static str)> {
    match symbol {
        "$" => Some(("dollar", "cent")),
        "£" => Some(("pound", "pence")),
        "€" => Some(("euro", "cent")),
        _ => None,
    }
}

fn symbol_word(word: &str) -> Option<&'static str> {
    match word {
        "%" => Some("percent"),
        "&" => Some("and"),
        "+" => Some("plus"),
        "@" => Some("at"),
        _ => None,
    }
}

pub fn stress_weight(ps: &str) -> usize {
    ps.chars()
        .map(|c| if DIPHTHONGS.contains(c) { 2 } else { 1 })
        .sum()
}

fn has_stress(ps: &str) -> bool {
    ps.contains(PRIMARY) || ps.contains(SECONDARY)
}

/// `mark` placed right before the first vowel of `ps` (which has no marks).
fn stress_first_vowel(ps: &str, mark: char) -> String {
    if !ps.chars().any(is_vowel) {
        return ps.to_string();
    }
    let mut out = String::with_capacity(ps.len() + 2);
    let mut placed = false;
    for c in ps.chars() {
        if !placed && is_vowel(c) {
            out.push(mark);
            placed = true;
        }
        out.push(c);
    }
    out
}

/// misaki's apply_stress: -2 strips stress, -1 (and 0/-0.5 on a stressed word)
/// demotes primary to secondary, positive values add or promote stress.
pub fn apply_stress(ps: &str, stress: Option<f64>) -> String {
    let Some(s) = stress else {
        return ps.to_string();
    };
    if s < -1.0 {
        ps.replace([PRIMARY, SECONDARY], "")
    } else if s == -1.0 || ((s == 0.0 || s == -0.5) && ps.contains(PRIMARY)) {
        ps.replace(SECONDARY, "")
            .replace(PRIMARY, &SECONDARY.to_string())
    } else if (s == 0.0 || s == 0.5 || s == 1.0) && !has_stress(ps) {
        stress_first_vowel(ps, SECONDARY)
    } else if s >= 1.0 && !ps.contains(PRIMARY) && ps.contains(SECONDARY) {
        ps.replace(SECONDARY, &PRIMARY.to_string())
    } else if s > 1.0 && !has_stress(ps) {
        stress_first_vowel(ps, PRIMARY)
    } else {
        ps.to_string()
    }
}

fn parent_tag(tag: &str) -> &str {
    if tag.starts_with("VB") {
        "VERB"
    } else if tag.starts_with("NN") {
        "NOUN"
    } else if tag.starts_with("ADV") || tag.starts_with("RB") {
        "ADV"
    } else if tag.starts_with("ADJ") || tag.starts_with("JJ") {
        "ADJ"
    } else {
        tag
    }
}

/// A dictionary entry: one reading, or readings by part of speech (with a
/// `DEFAULT`; a `null` reading means "spell it out").
pub enum Entry {
    One(String),
    ByTag(Vec<(String, Option<String>)>),
}

impl Entry {
    fn by_tag(&self, tag: &str) -> Option<Option<&str>> {
        match self {
            Entry::One(_) => None,
            Entry::ByTag(v) => v.iter().find(|(t, _)| t == tag).map(|(_, p)| p.as_deref()),
        }
    }

    fn default_reading(&self) -> Option<&str> {
        match self {
            Entry::One(s) => Some(s),
            Entry::ByTag(_) => self.by_tag("DEFAULT").flatten(),
        }
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Entry, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a phoneme string or a map of them by part of speech")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Entry, E> {
                Ok(Entry::One(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Entry, E> {
                Ok(Entry::One(v))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Entry, A::Error> {
                let mut v = Vec::new();
                while let Some((k, p)) = m.next_entry::<String, Option<String>>()? {
                    v.push((k, p));
                }
                Ok(Entry::ByTag(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A misaki dictionary; a lower-case key also answers to its Capitalized
/// form and vice versa, unless that form has its own entry.
pub struct Dict(pub HashMap<String, Entry>);

impl Dict {
    pub fn get(&self, w: &str) -> Option<&Entry> {
        if let Some(v) = self.0.get(w) {
            return Some(v);
        }
        if w.chars().count() < 2 {
            return None;
        }
        let lower = w.to_lowercase();
        if w == lower {
            let c = capitalize(w);
            return if c != w { self.0.get(&c) } else { None };
        }
        if w == capitalize(&lower) {
            return self.0.get(&lower);
        }
        None
    }

    fn has(&self, w: &str) -> bool {
        self.get(w).is_some()
    }
}

/// A reading and how sure of it the lexicon is (misaki's rating).
pub type Reading = (Option<String>, Option<u8>);

pub struct Lexicon {
    gold: Dict,
    silver: Dict,
    british: bool,
}

fn chars_rev(s: &str, n: usize) -> Option<char> {
    s.chars().rev().nth(n)
}

fn drop_last(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n - 1) {
        Some((i, _)) => &s[..i],
        None => "",
    }
}

impl Lexicon {
    pub fn new(gold: Dict, silver: Dict, british: bool) -> Lexicon {
        Lexicon {
            gold,
            silver,
            british,
        }
    }

    fn gold_default(&self, w: &str) -> Option<String> {
        self.gold
            .get(w)
            .and_then(Entry::default_reading)
            .map(String::from)
    }

    /// A word read letter by letter ("NHS" -> en aitch ess), stress on the last.
    fn spell(&self, word: &str) -> Reading {
        let mut ps = String::new();
        for c in word.chars().filter(|c| c.is_alphabetic()) {
            match self.gold_default(&c.to_uppercase().to_string()) {
                Some(p) => ps.push_str(&p),
                None => return (None, None),
            }
        }
        let ps = apply_stress(&ps, Some(0.0));
        let ps = match ps.rfind(SECONDARY) {
            Some(i) => format!("{}{}{}", &ps[..i], PRIMARY, &ps[i + SECONDARY.len_utf8()..]),
            None => ps,
        };
        (Some(ps), Some(3))
    }

    fn special_case(&self, word: &str, tag: &str, stress: Option<f64>, ctx: &Context) -> Reading {
        let fixed = |p: &str| (Some(p.to_string()), Some(4));
        if tag == "ADD" && (word == "." || word == "/") {
            let w = if word == "." { "dot" } else { "slash" };
            return self.lookup(w, None, Some(-0.5), Some(ctx));
        }
        if let Some(w) = symbol_word(word) {
            return self.lookup(w, None, None, Some(ctx));
        }
        let undotted = word.replace('.', "");
        if word.trim_matches('.').contains('.')
            && is_alpha(&undotted)
            && word
                .split('.')
                .map(|p| p.chars().count())
                .max()
                .unwrap_or(0)
                < 3
        {
            return self.spell(word);
        }
        match word {
            "a" | "A" => return fixed(if tag == "DT" { "ɐ" } else { "ˈA" }),
            "am" | "Am" | "AM" => {
                if tag.starts_with("NN") {
                    return self.spell(word);
                }
                if ctx.future_vowel.is_none() || word != "am" || stress.is_some_and(|s| s > 0.0) {
                    return (self.gold_default("am"), Some(4));
                }
                return fixed("ɐm");
            }
            "an" | "An" | "AN" => {
                if word == "AN" && tag.starts_with("NN") {
                    return self.spell(word);
                }
                return fixed("ɐn");
            }
            "I" if tag == "PRP" => return fixed("ˌI"),
            "by" | "By" | "BY" if parent_tag(tag) == "ADV" => return fixed("bˈI"),
            _ => {}
        }
        if word == "to" || word == "To" || (word == "TO" && (tag == "TO" || tag == "IN")) {
            return match ctx.future_vowel {
                None => (self.gold_default("to"), Some(4)),
                Some(false) => fixed("tə"),
                Some(true) => fixed("tʊ"),
            };
        }
        if word == "in" || word == "In" || (word == "IN" && tag != "NNP") {
            let mark = if ctx.future_vowel.is_none() || tag != "IN" {
                "ˈ"
            } else {
                ""
            };
            return fixed(&format!("{mark}ɪn"));
        }
        if word == "the" || word == "The" || (word == "THE" && tag == "DT") {
            return fixed(if ctx.future_vowel == Some(true) {
                "ði"
            } else {
                "ðə"
            });
        }
        if tag == "IN" {
            let l = word.to_lowercase();
            if l == "vs" || l == "vs." {
                return self.lookup("versus", None, None, Some(ctx));
            }
        }
        if word == "used" || word == "Used" || word == "USED" {
            let entry = self.gold.get("used");
            let key = if (tag == "VBD" || tag == "JJ") && ctx.future_to {
                "VBD"
            } else {
                "DEFAULT"
            };
            let p = entry
                .and_then(|e| e.by_tag(key))
                .flatten()
                .map(String::from);
            return (p, Some(4));
        }
        (None, None)
    }

    fn is_known(&self, word: &str) -> bool {
        if self.gold.has(word) || symbol_word(word).is_some() || self.silver.has(word) {
            return true;
        }
        if !is_alpha(word) || !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        if word.len() == 1 {
            return true;
        }
        if word == word.to_uppercase() && self.gold.has(&word.to_lowercase()) {
            return true;
        }
        let rest = &word[1..];
        rest == rest.to_uppercase()
    }

    pub fn lookup(
        &self,
        word: &str,
        tag: Option<&str>,
        stress: Option<f64>,
        ctx: Option<&Context>,
    ) -> Reading {
        let mut word = word.to_string();
        let mut proper = false;
        if word == word.to_uppercase() && !self.gold.has(&word) {
            word = word.to_lowercase();
            proper = tag == Some("NNP");
        }
        let mut rating = 4;
        let mut entry = self.gold.get(&word);
        if entry.is_none() && !proper {
            entry = self.silver.get(&word);
            rating = 3;
        }
        let ps: Option<&str> = match entry {
            None => None,
            Some(Entry::One(s)) => Some(s),
            Some(e @ Entry::ByTag(_)) => {
                let key = if ctx.is_some_and(|c| c.future_vowel.is_none())
                    && e.by_tag("None").is_some()
                {
                    Some("None")
                } else if tag.is_some_and(|t| e.by_tag(t).is_some()) {
                    tag
                } else {
                    tag.map(parent_tag)
                };
                match key.and_then(|k| e.by_tag(k)) {
                    Some(p) => p,
                    None => e.default_reading(),
                }
            }
        };
        if ps.is_none() || (proper && !ps.is_some_and(|p| p.contains(PRIMARY))) {
            let spelt = self.spell(&word);
            if spelt.0.is_some() {
                return spelt;
            }
        }
        (ps.map(|p| apply_stress(p, stress)), Some(rating))
    }

    fn plural(&self, stem: Option<String>) -> Option<String> {
        let stem = stem.filter(|s| !s.is_empty())?;
        let last = stem.chars().last()?;
        Some(if "ptkfθ".contains(last) {
            stem + "s"
        } else if "szʃʒʧʤ".contains(last) {
            stem + if self.british { "ɪz" } else { "ᵻz" }
        } else {
            stem + "z"
        })
    }

    fn stem_s(
        &self,
        word: &str,
        tag: Option<&str>,
        stress: Option<f64>,
        ctx: Option<&Context>,
    ) -> Reading {
        let n = word.chars().count();
        if n < 3 || !word.ends_with('s') {
            return (None, None);
        }
        let stem = if !word.ends_with("ss") && self.is_known(drop_last(word, 1)) {
            drop_last(word, 1).to_string()
        } else if (word.ends_with("'s")
            || (n > 4 && word.ends_with("es") && !word.ends_with("ies")))
            && self.is_known(drop_last(word, 2))
        {
            drop_last(word, 2).to_string()
        } else if n > 4
            && word.ends_with("ies")
            && self.is_known(&format!("{}y", drop_last(word, 3)))
        {
            format!("{}y", drop_last(word, 3))
        } else {
            return (None, None);
        };
        let (ps, rating) = self.lookup(&stem, tag, stress, ctx);
        (self.plural(ps), rating)
    }

    fn past(&self, stem: Option<String>) -> Option<String> {
        let stem = stem.filter(|s| !s.is_empty())?;
        let last = stem.chars().last()?;
        let weak = if self.british { "ɪ" } else { "ᵻ" };
        Some(if "pkfθʃsʧ".contains(last) {
            stem + "t"
        } else if last == 'd' {
            format!("{stem}{weak}d")
        } else if last != 't' {
            stem + "d"
        } else if self.british || stem.chars().count() < 2 {
            stem + "ɪd"
        } else if chars_rev(&stem, 1).is_some_and(|c| US_TAUS.contains(c)) {
            format!("{}ɾᵻd", drop_last(&stem, 1))
        } else {
            stem + "ᵻd"
        })
    }

    fn stem_ed(
        &self,
        word: &str,
        tag: Option<&str>,
        stress: Option<f64>,
        ctx: Option<&Context>,
    ) -> Reading {
        let n = word.chars().count();
        if n < 4 || !word.ends_with('d') {
            return (None, None);
        }
        let stem = if !word.ends_with("dd") && self.is_known(drop_last(word, 1)) {
            drop_last(word, 1)
        } else if n > 4
            && word.ends_with("ed")
            && !word.ends_with("eed")
            && self.is_known(drop_last(word, 2))
        {
            drop_last(word, 2)
        } else {
            return (None, None);
        };
        let (ps, rating) = self.lookup(stem, tag, stress, ctx);
        (self.past(ps), rating)
    }

    fn gerund(&self, stem: Option<String>) -> Option<String> {
        let stem = stem.filter(|s| !s.is_empty())?;
        let last = stem.chars().last()?;
        if self.british {
            if last == 'ə' || last == 'ː' {
                return None;
            }
        } else if stem.chars().count() > 1
            && last == 't'
            && chars_rev(&stem, 1).is_some_and(|c| US_TAUS.contains(c))
        {
            return Some(format!("{}ɾɪŋ", drop_last(&stem, 1)));
        }
        Some(stem + "ɪŋ")
    }

    fn stem_ing(
        &self,
        word: &str,
        tag: Option<&str>,
        stress: Option<f64>,
        ctx: Option<&Context>,
    ) -> Reading {
        let n = word.chars().count();
        if n < 5 || !word.ends_with("ing") {
            return (None, None);
        }
        let base = drop_last(word, 3);
        let doubled = {
            let (a, b) = (chars_rev(word, 4), chars_rev(word, 3));
            (a == b && a.is_some_and(|c| "bcdgklmnprstvxz".contains(c))) || word.ends_with("cking")
        };
        let stem = if n > 5 && self.is_known(base) {
            base.to_string()
        } else if self.is_known(&format!("{base}e")) {
            format!("{base}e")
        } else if n > 5 && doubled && self.is_known(drop_last(word, 4)) {
            drop_last(word, 4).to_string()
        } else {
            return (None, None);
        };
        let (ps, rating) = self.lookup(&stem, tag, stress, ctx);
        (self.gerund(ps), rating)
    }

    fn word(&self, word: &str, tag: &str, stress: Option<f64>, ctx: &Context) -> Reading {
        let found = self.special_case(word, tag, stress, ctx);
        if found.0.is_some() {
            return found;
        }
        let lower = word.to_lowercase();
        let mut word = word.to_string();
        let t = Some(tag);
        let c = Some(ctx);
        let rest: String = word.chars().skip(1).collect();
        if word.chars().count() > 1
            && is_alpha(&word.replace('\'', ""))
            && word != lower
            && (tag != "NNP" || word.chars().count() > 7)
            && !self.gold.has(&word)
            && !self.silver.has(&word)
            && (word == word.to_uppercase() || rest == rest.to_lowercase())
            && (self.gold.has(&lower)
                || self.silver.has(&lower)
                || self
                    .stem_s(&lower, t, stress, c)
                    .0
                    .is_some_and(|p| !p.is_empty())
                || self
                    .stem_ed(&lower, t, stress, c)
                    .0
                    .is_some_and(|p| !p.is_empty())
                || self
                    .stem_ing(&lower, t, stress, c)
                    .0
                    .is_some_and(|p| !p.is_empty()))
        {
            word = lower;
        }
        if self.is_known(&word) {
            return self.lookup(&word, t, stress, c);
        }
        if let Some(stem) = word.strip_suffix("s'") {
            let poss = format!("{stem}'s");
            if self.is_known(&poss) {
                return self.lookup(&poss, t, stress, c);
            }
        }
        if let Some(stem) = word.strip_suffix('\'')
            && self.is_known(stem)
        {
            return self.lookup(stem, t, stress, c);
        }
        let r = self.stem_s(&word, t, stress, c);
        if r.0.is_some() {
            return r;
        }
        let r = self.stem_ed(&word, t, stress, c);
        if r.0.is_some() {
            return r;
        }
        let r = self.stem_ing(&word, t, Some(stress.unwrap_or(0.5)), c);
        if r.0.is_some() {
            return r;
        }
        (None, None)
    }

    fn is_currency_amount(word: &str) -> bool {
        match word.matches('.').count() {
            0 => true,
            1 => word
                .split('.')
                .nth(1)
                .is_some_and(|c| c.chars().count() < 3),
            _ => false,
        }
    }

    /// Push the lookups of the words in `text` (split on non-letters).
    fn push_words(&self, text: &str, out: &mut Vec<(String, u8)>) {
        for w in text.split(|c: char| !c.is_ascii_lowercase()) {
            if !w.is_empty() && w != "and" {
                let stress = if w == "point" { Some(-2.0) } else { None };
                if let (Some(p), Some(r)) = self.lookup(w, None, stress, None) {
                    out.push((p, r));
                }
            }
        }
    }

    fn push_cardinal(&self, digits: &str, out: &mut Vec<(String, u8)>) {
        if let Some(words) = numbers::cardinal_str(digits) {
            self.push_words(&words, out);
        }
    }

    pub fn number(&self, word: &str, currency: Option<&str>, is_head: bool) -> Reading {
        let split = word
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_ascii_lowercase() || c == '\'')
            .last()
            .map(|(i, _)| i);
        let (mut word, suffix) = match split {
            Some(i) => (&word[..i], Some(&word[i..])),
            None => (word, None),
        };
        let is_ordinal = suffix.is_some_and(|s| ORDINALS.contains(&s));
        let units = currency.and_then(currency_units);
        let mut result: Vec<(String, u8)> = Vec::new();
        if let Some(rest) = word.strip_prefix('-') {
            if let (Some(p), Some(r)) = self.lookup("minus", None, None, None) {
                result.push((p, r));
            }
            word = rest;
        }
        let digits_only = is_ascii_digits(word);
        if digits_only && is_ordinal {
            if let Ok(n) = word.parse::<u128>() {
                self.push_words(&numbers::ordinal(n), &mut result);
            }
        } else if result.is_empty() && word.chars().count() == 4 && units.is_none() && digits_only {
            if let Ok(n) = word.parse::<u128>() {
                self.push_words(&numbers::year(n), &mut result);
            }
        } else if !is_head && !word.contains('.') {
            let num = word.replace(',', "");
            let ds: Vec<char> = num.chars().collect();
            if ds.first() == Some(&'0') || ds.len() > 3 {
                for d in &ds {
                    self.push_cardinal(&d.to_string(), &mut result);
                }
            } else if ds.len() == 3 && !num.ends_with("00") {
                self.push_cardinal(&ds[0].to_string(), &mut result);
                if ds[1] == '0' {
                    if let (Some(p), Some(r)) = self.lookup("O", None, Some(-2.0), None) {
                        result.push((p, r));
                    }
                    self.push_cardinal(&ds[2].to_string(), &mut result);
                } else {
                    self.push_cardinal(&num[1..], &mut result);
                }
            } else {
                self.push_cardinal(&num, &mut result);
            }
        } else if word.matches('.').count() > 1 || !is_head {
            for num in word.replace(',', "").split('.') {
                if num.is_empty() {
                    continue;
                }
                let ds: Vec<char> = num.chars().collect();
                if ds[0] == '0' || (ds.len() != 2 && ds[1..].iter().any(|&d| d != '0')) {
                    for d in &ds {
                        self.push_cardinal(&d.to_string(), &mut result);
                    }
                } else {
                    self.push_cardinal(num, &mut result);
                }
            }
        } else if let Some((unit, hundredth)) = units.filter(|_| Self::is_currency_amount(word)) {
            let plain = word.replace(',', "");
            let mut pairs: Vec<(u128, &str)> = plain
                .split('.')
                .zip([unit, hundredth])
                .map(|(n, u)| (n.parse().unwrap_or(0), u))
                .collect();
            if pairs.len() > 1 {
                if pairs[1].0 == 0 {
                    pairs.truncate(1);
                } else if pairs[0].0 == 0 {
                    pairs.remove(0);
                }
            }
            for (i, (n, u)) in pairs.into_iter().enumerate() {
                if i > 0
                    && let (Some(p), Some(r)) = self.lookup("and", None, None, None)
                {
                    result.push((p, r));
                }
                self.push_cardinal(&n.to_string(), &mut result);
                let read = if n != 1 && u != "pence" {
                    self.stem_s(&format!("{u}s"), None, None, None)
                } else {
                    self.lookup(u, None, None, None)
                };
                if let (Some(p), Some(r)) = read {
                    result.push((p, r));
                }
            }
        } else {
            let words = if digits_only {
                numbers::cardinal_str(word)
            } else if !word.contains('.') {
                word.replace(',', "").parse::<u128>().ok().map(|n| {
                    if is_ordinal {
                        numbers::ordinal(n)
                    } else {
                        numbers::cardinal(n)
                    }
                })
            } else {
                let w = word.replace(',', "");
                if let Some(frac) = w.strip_prefix('.') {
                    let mut s = "point".to_string();
                    for d in frac.chars() {
                        s.push(' ');
                        s.push_str(&numbers::cardinal(d.to_digit(10).unwrap_or(0) as u128));
                    }
                    Some(s)
                } else {
                    Some(numbers::decimal(&w))
                }
            };
            if let Some(words) = words {
                self.push_words(&words, &mut result);
            }
        }
        if result.is_empty() {
            return (None, None);
        }
        let rating = result.iter().map(|(_, r)| *r).min();
        let ps = result
            .into_iter()
            .map(|(p, _)| p)
            .collect::<Vec<_>>()
            .join(" ");
        let ps = match suffix {
            Some("s" | "'s") => self.plural(Some(ps)),
            Some("ed" | "'d") => self.past(Some(ps)),
            Some("ing") => self.gerund(Some(ps)),
            _ => Some(ps),
        };
        (ps, rating)
    }

    fn with_currency(&self, ps: String, currency: Option<&str>) -> String {
        let Some((unit, _)) = currency.and_then(currency_units) else {
            return ps;
        };
        match self.stem_s(&format!("{unit}s"), None, None, None).0 {
            Some(c) => format!("{ps} {c}"),
            None => ps,
        }
    }

    fn is_number(word: &str, is_head: bool) -> bool {
        if !word.chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        let mut w = word;
        for s in ["ing", "'d", "ed", "'s", "st", "nd", "rd", "th", "s"] {
            if let Some(rest) = w.strip_suffix(s) {
                w = rest;
                break;
            }
        }
        w.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || c == ',' || c == '.' || (is_head && i == 0 && c == '-')
        })
    }

    /// The reading of a token in its context (misaki's Lexicon.__call__).
    pub fn read(&self, tk: &Token, ctx: &Context) -> Reading {
        let raw = tk.alias.as_deref().unwrap_or(&tk.text);
        let word: String = unicode_normalization::UnicodeNormalization::nfkc(
            raw.replace(['‘', '’'], "'").as_str(),
        )
        .collect();
        let stress = if word == word.to_lowercase() {
            None
        } else if word == word.to_uppercase() {
            Some(2.0)
        } else {
            Some(0.5)
        };
        let currency = tk.currency.as_deref();
        if let (Some(ps), rating) = self.word(&word, &tk.tag, stress, ctx) {
            return (Some(self.with_currency(ps, currency)), rating);
        }
        if Self::is_number(&word, tk.is_head) {
            return self.number(&word, currency, tk.is_head);
        }
        (None, None)
    }
}
