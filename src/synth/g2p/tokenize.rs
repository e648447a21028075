//! Word tokenizer with spaCy's English rules: special cases (contractions,
//! "Mr.", "10am"), then prefixes and suffixes peeled off each
//! whitespace-separated chunk, then infixes (hyphens, slashes) splitting what
//! is left, and finally neighbouring pieces that spell a special case joined
//! back ("Sept" + "." -> "Sept.").

use std::collections::HashMap;

use fancy_regex::Regex;

use crate::error::Result;

const LOWER: &str = "a-zß-öø-ÿ";
const UPPER: &str = "A-ZÀ-ÖØ-Þ";
const QUOTES: &str = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉";
const PUNCT: &str = "…,:;!?¿¡()[]{}<>_#*&。？！，、；：～·";
const ICONS: &str = "™®©°§¶†‡•";
const CURRENCY: &str = r"\$|£|€|¥|฿|US\$|C\$|A\$|₽|₹|₩|₪|₺|₴|₦|₫|₱|₲|₵|₸|₼|₾|₿";
const UNITS: &str = "km|km²|km³|m|m²|m³|dm|dm²|dm³|cm|cm²|cm³|mm|mm²|mm³|ha|µm|nm|yd|in|ft|kg|g|mg|µg|t|lb|oz|m/s|km/h\
                     |kmh|mph|hPa|Pa|mbar|mb|MB|kb|KB|gb|GB|tb|TB|T|G|M|K|%";

/// Each character of `chars` as an escaped regex literal.
fn each_escaped(chars: &str) -> Vec<String> {
    chars
        .chars()
        .map(|c| regex::escape(&c.to_string()))
        .collect()
}

/// `chars` escaped for use inside a character class.
fn class_escaped(chars: &str) -> String {
    regex::escape(chars)
}

pub(crate) fn compile(pattern: &str) -> Result<Regex> {
    Regex::new(pattern).map_err(|e| {
        crate::error::Error::Other(format!("internal error in a G2P pattern ({e}): {pattern}"))
    })
}

pub struct Tokenizer {
    special: HashMap<String, Vec<String>>,
    prefix: Regex,
    suffix: Regex,
    infix: Regex,
    url: Regex,
}

impl Tokenizer {
    /// `special`: text -> the tokens it is split into (tokenizer_exceptions.json).
    pub fn new(special: HashMap<String, Vec<String>>) -> Result<Tokenizer> {
        let punct = each_escaped(PUNCT);
        let quotes = each_escaped(QUOTES);
        let icons = format!("[{}]", class_escaped(ICONS));
        let (lo, up) = (LOWER, UPPER);
        let (pc, qc) = (class_escaped(PUNCT), class_escaped(QUOTES));
        let letter = r"[^\W\d_]";

        let mut prefixes: Vec<String> = ["§", "%", "=", "—", "–", r"\+(?![0-9])", "…", "……"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        prefixes.extend(punct.iter().cloned());
        prefixes.extend([r"\.\.+".to_string(), "…".to_string()]);
        prefixes.extend(quotes.iter().cloned());
        prefixes.push(CURRENCY.to_string());
        prefixes.push(icons.clone());

        let mut suffixes: Vec<String> = vec!["…".into(), "……".into()];
        suffixes.extend(punct.iter().cloned());
        suffixes.extend([r"\.\.+".to_string(), "…".to_string()]);
        suffixes.extend(quotes.iter().cloned());
        suffixes.push(icons.clone());
        suffixes.extend(["'s", "'S", "’s", "’S", "—", "–"].map(String::from));
        suffixes.extend([
            r"(?<=[0-9])\+".to_string(),
            r"(?<=°[FfCcKk])\.".to_string(),
            format!("(?<=[0-9])(?:{CURRENCY})"),
            format!("(?<=[0-9])(?:{UNITS})"),
            format!(r"(?<=[0-9{lo}%²\-\+{pc}{qc}])\."),
            format!(r"(?<=[{up}][{up}])\."),
        ]);

        let infixes = [
            r"\.\.+".to_string(),
            "…".to_string(),
            icons,
            r"(?<=[0-9])[+\-\*^](?=[0-9-])".to_string(),
            format!(r"(?<=[{lo}{qc}])\.(?=[{up}{qc}])"),
            format!(r"(?<={letter}),(?={letter})"),
            format!(r"(?<=[^\W_])(?:-|–|—|--|---|——|~)(?={letter})"),
            format!(r"(?<=[^\W_])[:<>=/](?={letter})"),
        ];

        let prefix = prefixes
            .iter()
            .map(|p| format!("^(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        let suffix = suffixes
            .iter()
            .map(|s| format!("(?:{s})$"))
            .collect::<Vec<_>>()
            .join("|");
        let infix = infixes
            .iter()
            .map(|s| format!("(?:{s})"))
            .collect::<Vec<_>>()
            .join("|");
        let url = r"(?i)^(?:(?:https?|ftp)://|www\.)\S+$|^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$|^(?:[\w-]+\.)+(?:com|org|net|edu|gov|io|co|uk|de|fr|info|biz|us|ca|au|tv|me|ly|ai)(?:/\S*)?$";
        Ok(Tokenizer {
            special,
            prefix: compile(&prefix)?,
            suffix: compile(&suffix)?,
            infix: compile(&infix)?,
            url: compile(url)?,
        })
    }

    /// Tokens of `text`, each with whether whitespace followed it.
    pub fn tokens(&self, text: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut chunks = text.split_whitespace().peekable();
        let trailing_space = text.ends_with(char::is_whitespace);
        while let Some(chunk) = chunks.next() {
            let pieces = self.split(chunk);
            let spaced = chunks.peek().is_some() || trailing_space;
            let n = pieces.len();
            for (i, p) in pieces.into_iter().enumerate() {
                out.push((p, i + 1 == n && spaced));
            }
        }
        out
    }

    fn find(re: &Regex, s: &str) -> Option<(usize, usize)> {
        re.find(s).ok().flatten().map(|m| (m.start(), m.end()))
    }

    fn split(&self, chunk: &str) -> Vec<String> {
        let special = &self.special;
        if let Some(t) = special.get(chunk) {
            return t.clone();
        }
        let mut s: &str = chunk;
        let (mut pre, mut suf): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
        let mut last = usize::MAX;
        while !s.is_empty() && s.len() != last && !special.contains_key(s) {
            last = s.len();
            let pre_len = Self::find(&self.prefix, s).map_or(0, |(_, e)| e);
            if pre_len > 0 {
                let rest = &s[pre_len..];
                if !rest.is_empty() && special.contains_key(rest) {
                    pre.push(s[..pre_len].to_string());
                    s = rest;
                    break;
                }
            }
            let suf_len = Self::find(&self.suffix, &s[pre_len..]).map_or(0, |(a, b)| b - a);
            if suf_len > 0 {
                let rest = &s[..s.len() - suf_len];
                if !rest.is_empty() && special.contains_key(rest) {
                    suf.push(s[s.len() - suf_len..].to_string());
                    s = rest;
                    break;
                }
            }
            if pre_len > 0 && suf_len > 0 && pre_len + suf_len <= s.len() {
                pre.push(s[..pre_len].to_string());
                suf.push(s[s.len() - suf_len..].to_string());
                s = &s[pre_len..s.len() - suf_len];
            } else if pre_len > 0 {
                pre.push(s[..pre_len].to_string());
                s = &s[pre_len..];
            } else if suf_len > 0 {
                suf.push(s[s.len() - suf_len..].to_string());
                s = &s[..s.len() - suf_len];
            }
        }
        let mut toks = pre;
        if !s.is_empty() {
            if let Some(t) = special.get(s) {
                toks.extend(t.iter().cloned());
            } else if self.url.is_match(s).unwrap_or(false) {
                toks.push(s.to_string());
            } else {
                let mut start = 0;
                for m in self.infix.find_iter(s).flatten() {
                    if m.start() == 0 || m.start() == m.end() {
                        continue;
                    }
                    if m.start() > start {
                        toks.push(s[start..m.start()].to_string());
                    }
                    toks.push(m.as_str().to_string());
                    start = m.end();
                }
                if start < s.len() {
                    toks.push(s[start..].to_string());
                }
            }
        }
        toks.extend(suf.into_iter().rev());
        if toks.len() > 1 {
            self.rejoin(toks)
        } else {
            toks
        }
    }

    /// spaCy's special-case pass over the split pieces: "Sept" "." -> "Sept.".
    fn rejoin(&self, toks: Vec<String>) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        'next: while i < toks.len() {
            for k in [3, 2] {
                if i + k <= toks.len() {
                    let joined = toks[i..i + k].concat();
                    if let Some(t) = self.special.get(&joined) {
                        out.extend(t.iter().cloned());
                        i += k;
                        continue 'next;
                    }
                }
            }
            out.push(toks[i].clone());
            i += 1;
        }
        out
    }
}
