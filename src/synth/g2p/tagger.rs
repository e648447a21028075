//! Averaged-perceptron part-of-speech tagger (Penn Treebank tags) with
//! hibari's trained weights (tagger.json.gz), so the lexicon's part-of-speech
//! readings ("read", "live", "close") come out as in the reference.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::text::{is_alpha, is_digit_str, is_lower, is_upper};

#[derive(Deserialize)]
struct Model {
    tags: Vec<String>,
    tagdict: HashMap<String, String>,
    vocab: Option<Vec<String>>,
    weights: HashMap<String, HashMap<String, f64>>,
}

pub struct Tagger {
    tags: Vec<String>,
    tagdict: HashMap<String, String>,
    vocab: Option<HashSet<String>>,
    /// feature -> (index into `tags`, weight)
    weights: HashMap<String, Vec<(u16, f64)>>,
}

const START: [&str; 2] = ["-START2-", "-START-"];
const END: [&str; 2] = ["-END-", "-END2-"];

fn normalized(w: &str) -> String {
    let first = w.chars().next().unwrap_or(' ');
    if w.contains('-') && first != '-' {
        "!HYPHEN".into()
    } else if is_digit_str(w) && w.chars().count() == 4 {
        "!YEAR".into()
    } else if is_digit_str(&first.to_string()) {
        "!DIGITS".into()
    } else {
        w.to_lowercase()
    }
}

fn shape(w: &str) -> String {
    if is_alpha(w) {
        if is_lower(w) {
            return "x".into();
        }
        if is_upper(w) {
            return if w.chars().count() > 1 { "XX" } else { "X1" }.into();
        }
        let mut cs = w.chars();
        let first = cs.next().map(|c| is_upper(&c.to_string())).unwrap_or(false);
        if first && is_lower(cs.as_str()) {
            return "Xx".into();
        }
        return "xX".into();
    }
    if is_digit_str(w) {
        return "d".into();
    }
    w.chars()
        .take(4)
        .map(|c| {
            let s = c.to_string();
            if is_digit_str(&s) {
                'd'
            } else if is_alpha(&s) {
                'x'
            } else {
                c
            }
        })
        .collect()
}

/// The last three characters of `s`.
fn last3(s: &str) -> &str {
    match s.char_indices().rev().nth(2) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

impl Tagger {
    pub fn from_json(json: &str) -> serde_json::Result<Tagger> {
        let model: Model = serde_json::from_str(json)?;
        let index: HashMap<&str, u16> = model
            .tags
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as u16))
            .collect();
        let weights = model
            .weights
            .into_iter()
            .map(|(feat, ws)| {
                let ws = ws
                    .into_iter()
                    .filter_map(|(t, w)| index.get(t.as_str()).map(|&i| (i, w)))
                    .collect();
                (feat, ws)
            })
            .collect();
        Ok(Tagger {
            tagdict: model.tagdict,
            vocab: model.vocab.map(|v| v.into_iter().collect()),
            weights,
            tags: model.tags,
        })
    }

    fn predict(&self, feats: &[String], scores: &mut Vec<f64>) -> String {
        scores.clear();
        scores.resize(self.tags.len(), 0.0);
        let mut any = false;
        for f in feats {
            if let Some(ws) = self.weights.get(f)
                && !ws.is_empty()
            {
                any = true;
                for &(t, w) in ws {
                    scores[t as usize] += w;
                }
            }
        }
        if !any {
            return "NN".into();
        }
        let mut best = 0;
        for i in 1..self.tags.len() {
            let ord = scores[i]
                .partial_cmp(&scores[best])
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| self.tags[i].cmp(&self.tags[best]));
            if ord == std::cmp::Ordering::Greater {
                best = i;
            }
        }
        self.tags[best].clone()
    }

    /// One tag per word.
    pub fn tag(&self, words: &[&str]) -> Vec<String> {
        let mut ctx: Vec<String> = START.iter().map(|s| s.to_string()).collect();
        for w in words {
            let n = normalized(w);
            let known = self.vocab.as_ref().is_none_or(|v| v.contains(&n));
            ctx.push(if known { n } else { format!("<{}>", shape(w)) });
        }
        ctx.extend(END.iter().map(|s| s.to_string()));

        let (mut prev, mut prev2) = (START[1].to_string(), START[0].to_string());
        let mut tags = Vec::with_capacity(words.len());
        let mut scores = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let tag = match self.tagdict.get(*w) {
                Some(t) => t.clone(),
                None => {
                    let j = i + 2;
                    let first: String = w.chars().take(1).collect();
                    let feats = [
                        "b".to_string(),
                        format!("s3={}", last3(w)),
                        format!("p1={first}"),
                        format!("w={}", ctx[j]),
                        format!("sh={}", shape(w)),
                        if i == 0 { "i0" } else { "i+" }.to_string(),
                        format!("t-1={prev}"),
                        format!("t-2={prev2}"),
                        format!("t-12={prev},{prev2}"),
                        format!("w-1={}", ctx[j - 1]),
                        format!("s3-1={}", last3(&ctx[j - 1])),
                        format!("w-2={}", ctx[j - 2]),
                        format!("w+1={}", ctx[j + 1]),
                        format!("s3+1={}", last3(&ctx[j + 1])),
                        format!("w+2={}", ctx[j + 2]),
                    ];
                    self.predict(&feats, &mut scores)
                }
            };
            prev2 = std::mem::replace(&mut prev, tag.clone());
            tags.push(tag);
        }
        tags
    }
}
