//! English text -> Kokoro phonemes: a Rust port of the grapheme-to-phoneme
//! front end of hibari-tts 0.2.1, itself a port of misaki 0.9.4's English G2P.
//!
//! normalize -> tokenize (spaCy's rules) -> tag (averaged perceptron) ->
//! lexicon with part-of-speech and context rules -> OOV network for unknown
//! words -> stress resolution. All tables are read at run time from the
//! installed hibari folder.

mod lexicon;
mod normalize;
mod numbers;
mod oov;
mod tagger;
#[cfg(test)]
pub mod tests;
mod tokenize;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use fancy_regex::Regex;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use lexicon::{CONSONANTS, Dict, Lexicon, PRIMARY, Reading, is_vowel};
use normalize::Normalizer;
use oov::Oov;
use tagger::Tagger;
use tokenize::Tokenizer;

/// Python's notions of letters, digits and case, for the rules ported from it.
pub(crate) mod text {
    pub fn is_alpha(s: &str) -> bool {
        !s.is_empty() && s.chars().all(char::is_alphabetic)
    }

    fn is_digit_char(c: char) -> bool {
        c.is_ascii_digit()
            || matches!(c, '²' | '³' | '¹' | '⁰'..='⁹' | '₀'..='₉')
            || (c.is_numeric()
                && !matches!(c, '¼'..='¾' | '⅐'..='⅟' | 'Ⅰ'..='ↈ' | '〇' | '一'..='鿿'))
    }

    /// str.isdigit()
    pub fn is_digit_str(s: &str) -> bool {
        !s.is_empty() && s.chars().all(is_digit_char)
    }

    /// The lexicon's is_digit: ASCII digits only.
    pub fn is_ascii_digits(s: &str) -> bool {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
    }

    pub fn is_lower(s: &str) -> bool {
        s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase)
    }

    pub fn is_upper(s: &str) -> bool {
        s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
    }

    /// str.capitalize(): first character upper case, the rest lower case.
    pub fn capitalize(s: &str) -> String {
        let mut cs = s.chars();
        match cs.next() {
            Some(c) => c
                .to_uppercase()
                .chain(cs.as_str().to_lowercase().chars())
                .collect(),
            None => String::new(),
        }
    }
}

/// What `G2p::phonemize` gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phonemes {
    /// Kokoro phoneme string for the text.
    pub phonemes: String,
    /// Words no dictionary knew, read by the OOV network instead.
    pub oov_words: Vec<String>,
}

/// One token on its way through the pipeline (misaki's MToken).
#[derive(Debug, Clone, Default)]
pub(crate) struct Token {
    pub text: String,
    pub tag: String,
    /// Whitespace followed it.
    pub space: bool,
    pub phonemes: Option<String>,
    pub is_head: bool,
    pub alias: Option<String>,
    pub currency: Option<String>,
    pub prespace: bool,
    pub rating: Option<u8>,
}

/// What the words to the right tell the word being read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context {
    /// Whether the next sound is a vowel; `None` at the end or before punctuation.
    pub future_vowel: Option<bool>,
    /// The next word is "to".
    pub future_to: bool,
}

/// A word of the retokenized sentence: one token or subtokens without spaces between.
enum Word {
    One(Token),
    Run(Vec<Token>),
}

const SUBTOKEN_JUNK: &str = "',-._‘’/";
const PUNCTS: &str = ";:,.!?—…\"“”";
const NON_QUOTE_PUNCTS: &str = ";:,.!?—…";
const PUNCT_TAGS: [&str; 11] = [
    ".", ",", "-LRB-", "-RRB-", "``", "\"\"", "''", ":", "$", "#", "NFP",
];

fn junk_only(s: &str) -> bool {
    s.chars().all(|c| SUBTOKEN_JUNK.contains(c))
}

fn symbol_phonemes(c: char) -> &'static str {
    match c {
        '/' => "slˈæʃ",
        '=' => "ˈikwᵊlz",
        '+' => "plˈʌs",
        '&' => "ænd",
        '@' => "æt",
        '%' => "pəɹsˈɛnt",
        '#' => "hˈæʃ",
        '*' => "ˈæstəɹˌɪsk",
        '~' => "tˈɪldə",
        '^' => "kˈɛɹət",
        '<' => "lˈɛs ðən",
        '>' => "ɡɹˈATəɹ ðən",
        '—' => "—",
        _ => "",
    }
}

/// Tokens merged into one (misaki's merge_tokens); `unk` joins their phonemes too.
fn merge(tokens: &[Token], unk: Option<&str>) -> Token {
    let mut text = String::new();
    for (i, t) in tokens.iter().enumerate() {
        text.push_str(&t.text);
        if t.space && i + 1 < tokens.len() {
            text.push(' ');
        }
    }
    let phonemes = unk.map(|unk| {
        let mut ps = String::new();
        for t in tokens {
            if t.prespace
                && !ps.is_empty()
                && !ps.ends_with(char::is_whitespace)
                && t.phonemes.as_deref().is_some_and(|p| !p.is_empty())
            {
                ps.push(' ');
            }
            ps.push_str(t.phonemes.as_deref().unwrap_or(unk));
        }
        ps
    });
    let weight = |t: &Token| -> usize {
        t.text
            .chars()
            .map(|c| {
                if c.to_lowercase().eq(std::iter::once(c)) {
                    1
                } else {
                    2
                }
            })
            .sum()
    };
    let mut tag_from = &tokens[0];
    for t in &tokens[1..] {
        if weight(t) > weight(tag_from) {
            tag_from = t;
        }
    }
    let rating = if tokens.iter().any(|t| t.rating.is_none()) {
        None
    } else {
        tokens.iter().filter_map(|t| t.rating).min()
    };
    Token {
        text,
        tag: tag_from.tag.clone(),
        space: tokens[tokens.len() - 1].space,
        phonemes,
        is_head: tokens[0].is_head,
        alias: None,
        currency: tokens.iter().filter_map(|t| t.currency.clone()).max(),
        prespace: tokens[0].prespace,
        rating,
    }
}

fn stress_weight(ps: &str) -> usize {
    lexicon::stress_weight(ps)
}

/// The OOV network, opened on first use.
struct LazyOov {
    onnxruntime: PathBuf,
    model: PathBuf,
    cell: OnceLock<std::result::Result<Oov, String>>,
}

impl LazyOov {
    fn get(&self) -> Result<&Oov> {
        self.cell
            .get_or_init(|| Oov::load(&self.onnxruntime, &self.model).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Other(e.clone()))
    }
}

/// English grapheme-to-phoneme conversion, British or American.
pub struct G2p {
    lexicon: Lexicon,
    tokenizer: Tokenizer,
    tagger: Tagger,
    normalizer: Normalizer,
    oov: LazyOov,
    overrides: HashMap<String, String>,
    subtoken: Regex,
    link: Regex,
    fallback_piece: Regex,
}

fn damaged(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::Other(format!(
        "could not read {} ({why}); reinstall the voices with `audio-leaflet voices install`",
        path.display()
    ))
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| damaged(path, e))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .map_err(|e| damaged(path, e))?;
        Ok(s)
    } else {
        String::from_utf8(bytes).map_err(|e| damaged(path, e))
    }
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    serde_json::from_str(&read_text(path)?).map_err(|e| damaged(path, e))
}

fn future_context(ctx: Context, ps: Option<&str>, token: &Token) -> Context {
    let mut vowel = ctx.future_vowel;
    if let Some(ps) = ps.filter(|p| !p.is_empty()) {
        let first = ps
            .chars()
            .find(|&c| is_vowel(c) || CONSONANTS.contains(c) || NON_QUOTE_PUNCTS.contains(c));
        if let Some(c) = first {
            vowel = if NON_QUOTE_PUNCTS.contains(c) {
                None
            } else {
                Some(is_vowel(c))
            };
        }
    }
    let t = token.text.as_str();
    let future_to =
        t == "to" || t == "To" || (t == "TO" && (token.tag == "TO" || token.tag == "IN"));
    Context {
        future_vowel: vowel,
        future_to,
    }
}

/// Stress and spacing inside a run of subtokens read one by one.
fn resolve_run(tokens: &mut [Token]) {
    let mut text = String::new();
    for (i, t) in tokens.iter().enumerate() {
        text.push_str(&t.text);
        if t.space && i + 1 < tokens.len() {
            text.push(' ');
        }
    }
    let kinds: std::collections::HashSet<u8> = text
        .chars()
        .filter(|c| !SUBTOKEN_JUNK.contains(*c))
        .map(|c| {
            if c.is_alphabetic() {
                0
            } else if c.is_ascii_digit() {
                1
            } else {
                2
            }
        })
        .collect();
    let prespace = text.contains(' ') || text.contains('/') || kinds.len() > 1;
    let n = tokens.len();
    for (i, tk) in tokens.iter_mut().enumerate() {
        if tk.phonemes.is_none() {
            if i + 1 == n
                && !tk.text.is_empty()
                && NON_QUOTE_PUNCTS.contains(tk.text.as_str())
                && tk.text.chars().count() == 1
            {
                tk.phonemes = Some(tk.text.clone());
                tk.rating = Some(3);
            } else if junk_only(&tk.text) {
                tk.phonemes = Some(String::new());
                tk.rating = Some(3);
            }
        } else if i > 0 {
            tk.prespace = prespace;
        }
    }
    if prespace {
        return;
    }
    let mut indices: Vec<(bool, usize, usize)> = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let p = t.phonemes.as_deref().filter(|p| !p.is_empty())?;
            Some((p.contains(PRIMARY), stress_weight(p), i))
        })
        .collect();
    let demote = |t: &mut Token| {
        if let Some(p) = &t.phonemes {
            t.phonemes = Some(lexicon::apply_stress(p, Some(-0.5)));
        }
    };
    if indices.len() == 2 && tokens[indices[0].2].text.chars().count() == 1 {
        demote(&mut tokens[indices[1].2]);
        return;
    }
    let stressed = indices.iter().filter(|x| x.0).count();
    if indices.len() < 2 || stressed <= indices.len().div_ceil(2) {
        return;
    }
    indices.sort();
    let half = indices.len() / 2;
    for &(_, _, i) in &indices[..half] {
        demote(&mut tokens[i]);
    }
}

impl G2p {
    /// Load the lexicons, tokenizer, tagger and normalizer from `hibari_dir`;
    /// the OOV network (run with the ONNX Runtime at `onnxruntime`) is opened
    /// when a word first needs it.
    pub fn load(hibari_dir: &Path, onnxruntime: &Path, british: bool) -> Result<G2p> {
        let accent = if british { "gb" } else { "us" };
        let dict = |kind: &str| -> Result<Dict> {
            let path = hibari_dir.join(format!("lexicon_{accent}_{kind}.json.gz"));
            Ok(Dict(read_json(&path)?))
        };
        let tagger_path = hibari_dir.join("tagger.json.gz");
        let load_tagger = || -> Result<Tagger> {
            Tagger::from_json(&read_text(&tagger_path)?).map_err(|e| damaged(&tagger_path, e))
        };
        // The three big tables are parsed side by side: most of the load time.
        let (gold, silver, tagger) = std::thread::scope(|s| {
            let gold = s.spawn(|| dict("gold"));
            let silver = s.spawn(|| dict("silver"));
            let tagger = load_tagger();
            let failed = || Err(Error::Other("loading the G2P tables failed".into()));
            (
                gold.join().unwrap_or_else(|_| failed()),
                silver.join().unwrap_or_else(|_| failed()),
                tagger,
            )
        });
        let (gold, silver, tagger) = (gold?, silver?, tagger?);
        let special: HashMap<String, Vec<String>> =
            read_json(&hibari_dir.join("tokenizer_exceptions.json"))?;
        let norm_path = hibari_dir.join("normalize.json");
        let normalizer = Normalizer::from_json(&read_text(&norm_path)?)
            .map_err(|e| damaged(&norm_path, e))??;
        let model = hibari_dir.join(if british { "oov_gb.onnx" } else { "oov.onnx" });
        Ok(G2p {
            lexicon: Lexicon::new(gold, silver, british),
            tokenizer: Tokenizer::new(special)?,
            tagger,
            normalizer,
            oov: LazyOov {
                onnxruntime: onnxruntime.to_path_buf(),
                model,
                cell: OnceLock::new(),
            },
            overrides: HashMap::new(),
            subtoken: tokenize::compile(
                r"^['‘’]+|[A-ZÀ-ÖØ-Þ](?=[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ])|(?:^-)?(?:\d?[,.]?\d)+|[-_]+|['‘’]{2,}|[^\W\d_]*?(?:['‘’][^\W\d_])*?[a-zß-öø-ÿ](?=[A-ZÀ-ÖØ-Þ])|[^\W\d_]+(?:['‘’][^\W\d_])*|[^\w\-'‘’]|['‘’]+$",
            )?,
            link: tokenize::compile(r"\[([^\]]+)\]\(([^\)]*)\)")?,
            fallback_piece: tokenize::compile(
                r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[,.]\d+)*|[^\w\s]+",
            )?,
        })
    }

    /// Words whose phonemes the user gives (lower-case word -> Kokoro
    /// phonemes); they win over the lexicon.
    pub fn set_overrides(&mut self, words: HashMap<String, String>) {
        self.overrides = words
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect();
    }

    /// One sentence or phrase -> Kokoro phonemes, and the words read by the OOV network.
    pub fn phonemize(&self, text: &str) -> Result<Phonemes> {
        let text = self.normalizer.normalize(text);
        let oov_words = Mutex::new(Vec::new());
        let tokens = self.phonemize_tokens(self.tokens(&text), &oov_words)?;
        let mut out = String::new();
        for t in &tokens {
            out.push_str(t.phonemes.as_deref().unwrap_or(""));
            if t.space {
                out.push(' ');
            }
        }
        Ok(Phonemes {
            phonemes: out.trim().to_string(),
            oov_words: oov_words.into_inner().unwrap_or_else(|p| p.into_inner()),
        })
    }

    /// Tokens with tags; `[text](/phonemes/)` gives a token its phonemes.
    fn tokens(&self, text: &str) -> Vec<Token> {
        let mut toks = Vec::new();
        let mut pos = 0;
        for c in self.link.captures_iter(text).flatten() {
            let (Some(m), Some(shown), Some(target)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            self.plain_tokens(&text[pos..m.start()], &mut toks);
            let f = target.as_str();
            let ps = (f.chars().count() > 1 && f.starts_with('/') && f.ends_with('/'))
                .then(|| f[1..].trim_end_matches('/').to_string());
            toks.push(Token {
                text: shown.as_str().to_string(),
                tag: "NN".into(),
                space: text[m.end()..].starts_with(char::is_whitespace),
                phonemes: ps,
                is_head: true,
                rating: Some(5),
                ..Token::default()
            });
            pos = m.end();
        }
        self.plain_tokens(&text[pos..], &mut toks);
        toks
    }

    fn plain_tokens(&self, text: &str, out: &mut Vec<Token>) {
        let pairs = self.tokenizer.tokens(text);
        if pairs.is_empty() {
            return;
        }
        let words: Vec<&str> = pairs.iter().map(|(t, _)| t.as_str()).collect();
        let tags = self.tagger.tag(&words);
        for ((t, space), tag) in pairs.into_iter().zip(tags) {
            out.push(Token {
                text: t,
                tag,
                space,
                is_head: true,
                ..Token::default()
            });
        }
    }

    /// Split tokens into subtokens and mark punctuation and currency (misaki's retokenize).
    fn retokenize(&self, tokens: Vec<Token>) -> Vec<Word> {
        let mut words: Vec<Word> = Vec::new();
        let mut currency: Option<String> = None;
        let next_tags: Vec<String> = tokens.iter().map(|t| t.tag.clone()).collect();
        for (i, token) in tokens.into_iter().enumerate() {
            let mut tks: Vec<Token> = if token.alias.is_none() && token.phonemes.is_none() {
                self.subtoken
                    .find_iter(&token.text)
                    .flatten()
                    .map(|m| Token {
                        text: m.as_str().to_string(),
                        space: false,
                        is_head: true,
                        prespace: false,
                        ..token.clone()
                    })
                    .collect()
            } else {
                vec![token.clone()]
            };
            let Some(last) = tks.last_mut() else {
                continue;
            };
            last.space = token.space;
            let n = tks.len();
            for j in 0..n {
                let between_letters = j > 0
                    && j + 1 < n
                    && tks[j - 1]
                        .text
                        .chars()
                        .last()
                        .is_some_and(char::is_alphabetic)
                    && tks[j + 1]
                        .text
                        .chars()
                        .next()
                        .is_some_and(char::is_alphabetic);
                let tk = &mut tks[j];
                if tk.alias.is_some() || tk.phonemes.is_some() {
                } else if tk.tag == "$" && lexicon::currency_units(&tk.text).is_some() {
                    currency = Some(tk.text.clone());
                    tk.phonemes = Some(String::new());
                    tk.rating = Some(4);
                } else if tk.tag == ":" && (tk.text == "-" || tk.text == "–") {
                    tk.phonemes = Some("—".into());
                    tk.rating = Some(3);
                } else if PUNCT_TAGS.contains(&tk.tag.as_str())
                    && !tk
                        .text
                        .chars()
                        .all(|c| c.to_lowercase().all(|l| l.is_ascii_lowercase()))
                {
                    let ps = match tk.tag.as_str() {
                        "-LRB-" => "(".to_string(),
                        "-RRB-" => ")".to_string(),
                        "``" => "“".to_string(),
                        "\"\"" | "''" => "”".to_string(),
                        _ => tk.text.chars().filter(|c| PUNCTS.contains(*c)).collect(),
                    };
                    tk.phonemes = Some(ps);
                    tk.rating = Some(4);
                } else if let Some(cur) = &currency {
                    if tk.tag != "CD" {
                        currency = None;
                    } else if j + 1 == n && next_tags.get(i + 1).is_none_or(|t| t != "CD") {
                        tk.currency = Some(cur.clone());
                    }
                } else if tk.text == "2" && between_letters {
                    tk.alias = Some("to".into());
                }
            }
            for tk in tks {
                if tk.alias.is_some() || tk.phonemes.is_some() {
                    words.push(Word::One(tk));
                } else if let Some(Word::Run(run)) = words.last_mut()
                    && run.last().is_some_and(|t| !t.space)
                {
                    let mut tk = tk;
                    tk.is_head = false;
                    run.push(tk);
                } else if tk.space {
                    words.push(Word::One(tk));
                } else {
                    words.push(Word::Run(vec![tk]));
                }
            }
        }
        words
            .into_iter()
            .map(|w| match w {
                Word::Run(mut v) if v.len() == 1 => Word::One(v.pop().unwrap_or_default()),
                w => w,
            })
            .collect()
    }

    /// The lexicon's reading, with the user's overrides first.
    fn read(&self, tk: &Token, ctx: &Context) -> Reading {
        if !self.overrides.is_empty() {
            let word = tk
                .alias
                .as_deref()
                .unwrap_or(&tk.text)
                .replace(['‘', '’'], "'");
            if let Some(ps) = self.overrides.get(&word.to_lowercase()) {
                return (Some(ps.clone()), Some(5));
            }
        }
        self.lexicon.read(tk, ctx)
    }

    /// An unknown word: letters go to the OOV net, digits to the number
    /// reader, symbols to a small table.
    fn fallback(&self, tk: &Token, oov_words: &Mutex<Vec<String>>) -> Result<Reading> {
        let mut out = Vec::new();
        for m in self.fallback_piece.find_iter(&tk.text).flatten() {
            let piece = m.as_str();
            let first = piece.chars().next().unwrap_or(' ');
            let ps = if text::is_digit_str(&first.to_string()) {
                self.lexicon.number(piece, None, false).0
            } else if first.is_alphabetic() {
                let ps = self.oov.get()?.read(piece)?;
                oov_words
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(piece.to_string());
                ps
            } else {
                Some(piece.chars().map(symbol_phonemes).collect())
            };
            if let Some(ps) = ps.filter(|p| !p.is_empty()) {
                out.push(ps);
            }
        }
        Ok(if out.is_empty() {
            (Some(String::new()), Some(3))
        } else {
            (Some(out.join(" ")), Some(2))
        })
    }

    fn phonemize_tokens(
        &self,
        tokens: Vec<Token>,
        oov_words: &Mutex<Vec<String>>,
    ) -> Result<Vec<Token>> {
        let mut words = self.retokenize(tokens);
        let mut ctx = Context::default();
        for w in words.iter_mut().rev() {
            match w {
                Word::One(tk) => {
                    if tk.phonemes.is_none() {
                        (tk.phonemes, tk.rating) = self.read(tk, &ctx);
                    }
                    if tk.phonemes.is_none() {
                        (tk.phonemes, tk.rating) = self.fallback(tk, oov_words)?;
                    }
                    ctx = future_context(ctx, tk.phonemes.as_deref(), tk);
                }
                Word::Run(run) => self.read_run(run, &mut ctx, oov_words)?,
            }
        }
        let mut out = Vec::with_capacity(words.len());
        for w in words {
            let mut tk = match w {
                Word::One(t) => t,
                Word::Run(run) => merge(&run, Some("")),
            };
            if let Some(p) = &tk.phonemes {
                tk.phonemes = Some(p.replace('ɾ', "T").replace('ʔ', "t"));
            }
            out.push(tk);
        }
        Ok(out)
    }

    /// Read a run of subtokens: the longest stretch from the left that the
    /// lexicon knows, working from the right end.
    fn read_run(
        &self,
        w: &mut [Token],
        ctx: &mut Context,
        oov_words: &Mutex<Vec<String>>,
    ) -> Result<()> {
        let (mut left, mut right) = (0, w.len());
        let mut needs_fallback = false;
        while left < right {
            let span = &w[left..right];
            let merged = if span
                .iter()
                .any(|t| t.alias.is_some() || t.phonemes.is_some())
            {
                None
            } else {
                Some(merge(span, None))
            };
            let (ps, rating) = match &merged {
                Some(tk) => self.read(tk, ctx),
                None => (None, None),
            };
            if let (Some(ps), Some(tk)) = (ps, merged.as_ref()) {
                *ctx = future_context(*ctx, Some(&ps), tk);
                w[left].phonemes = Some(ps);
                w[left].rating = rating;
                for x in &mut w[left + 1..right] {
                    x.phonemes = Some(String::new());
                    x.rating = rating;
                }
                right = left;
                left = 0;
            } else if left + 1 < right {
                left += 1;
            } else {
                right -= 1;
                let tk = &mut w[right];
                if tk.phonemes.is_none() {
                    if junk_only(&tk.text) {
                        tk.phonemes = Some(String::new());
                        tk.rating = Some(3);
                    } else {
                        needs_fallback = true;
                        break;
                    }
                }
                left = 0;
            }
        }
        if needs_fallback {
            let tk = merge(w, None);
            let (ps, rating) = self.fallback(&tk, oov_words)?;
            w[0].phonemes = ps;
            w[0].rating = rating;
            for x in &mut w[1..] {
                x.phonemes = Some(String::new());
                x.rating = rating;
            }
        } else {
            resolve_run(w);
        }
        Ok(())
    }
}
