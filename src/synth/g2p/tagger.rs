//! Averaged-perceptron part-of-speech tagger (Penn Treebank tags) with
//! hibari's trained weights (tagger.json.gz), so the lexicon's part-of-speech
//! readings ("read", "live", "close") come out as in the reference.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::text::{is_alpha, is_digit_str, is_lower, is_upper};

#[derive(Deserialize)]
struct Model {
    tags: Vec<String>,
    tagdict: HashMap<String, String>,
    vocab: Option<Vec<String>>,
    weights: RawWeights,
}

/// The weights as read: each feature's (tag, weight) pairs, the tags
/// numbered in the order they are first met (`names`). There are some
/// 290,000 pairs under 80,000 features: read into a map of maps, with a
/// string for every pair's tag, they were most of the voice's load time.
struct RawWeights {
    names: Vec<String>,
    by_feature: HashMap<String, Vec<(u16, f64)>>,
}

impl<'de> Deserialize<'de> for RawWeights {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawWeights, D::Error> {
        d.deserialize_map(FeaturesVisitor)
    }
}

struct FeaturesVisitor;

impl<'de> Visitor<'de> for FeaturesVisitor {
    type Value = RawWeights;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map from feature to a map from tag to weight")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawWeights, A::Error> {
        let mut tags = Tags::default();
        let mut by_feature = HashMap::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(feature) = map.next_key::<String>()? {
            let pairs = map.next_value_seed(PairsSeed(&mut tags))?;
            by_feature.insert(feature, pairs);
        }
        Ok(RawWeights {
            names: tags.names,
            by_feature,
        })
    }
}

/// Tag names met so far and their numbers.
#[derive(Default)]
struct Tags {
    names: Vec<String>,
    ids: HashMap<String, u16>,
}

impl Tags {
    fn id<E: de::Error>(&mut self, name: &str) -> Result<u16, E> {
        if let Some(&id) = self.ids.get(name) {
            return Ok(id);
        }
        let id = u16::try_from(self.names.len())
            .map_err(|_| E::custom("the tagger has more than 65,535 tags"))?;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        Ok(id)
    }
}

/// One feature's map from tag to weight, as pairs; a tag given twice keeps
/// its last weight, as a map would.
struct PairsSeed<'a>(&'a mut Tags);

impl<'de> DeserializeSeed<'de> for PairsSeed<'_> {
    type Value = Vec<(u16, f64)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PairsSeed<'_> {
    type Value = Vec<(u16, f64)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map from tag to weight")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs: Vec<(u16, f64)> = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(id) = map.next_key_seed(TagSeed(&mut *self.0))? {
            let weight: f64 = map.next_value()?;
            match pairs.iter_mut().find(|(t, _)| *t == id) {
                Some(pair) => pair.1 = weight,
                None => pairs.push((id, weight)),
            }
        }
        Ok(pairs)
    }
}

/// A tag name, read without keeping a string of its own, as its number.
struct TagSeed<'a>(&'a mut Tags);

impl<'de> DeserializeSeed<'de> for TagSeed<'_> {
    type Value = u16;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u16, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TagSeed<'_> {
    type Value = u16;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a tag name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<u16, E> {
        self.0.id(name)
    }
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
        // From the order the tags were met in to their place in `tags`;
        // weights for a tag the model does not list are dropped.
        let place: Vec<Option<u16>> = model
            .weights
            .names
            .iter()
            .map(|n| index.get(n.as_str()).copied())
            .collect();
        let mut weights = model.weights.by_feature;
        for ws in weights.values_mut() {
            ws.retain_mut(|(t, _)| match place[usize::from(*t)] {
                Some(i) => {
                    *t = i;
                    true
                }
                None => false,
            });
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The weights as the generic map of maps gives them: feature -> sorted
    /// (tag, weight), for tags in `tags`.
    fn by_map_of_maps(json: &str) -> HashMap<String, Vec<(String, f64)>> {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        let tags: Vec<String> = serde_json::from_value(v["tags"].clone()).unwrap();
        let w: HashMap<String, HashMap<String, f64>> =
            serde_json::from_value(v["weights"].clone()).unwrap();
        w.into_iter()
            .map(|(f, ws)| {
                let mut ws: Vec<(String, f64)> =
                    ws.into_iter().filter(|(t, _)| tags.contains(t)).collect();
                ws.sort_by(|a, b| a.0.cmp(&b.0));
                (f, ws)
            })
            .collect()
    }

    fn by_tagger(json: &str) -> HashMap<String, Vec<(String, f64)>> {
        let t = Tagger::from_json(json).unwrap();
        t.weights
            .iter()
            .map(|(f, ws)| {
                let mut ws: Vec<(String, f64)> = ws
                    .iter()
                    .map(|&(i, w)| (t.tags[usize::from(i)].clone(), w))
                    .collect();
                ws.sort_by(|a, b| a.0.cmp(&b.0));
                (f.clone(), ws)
            })
            .collect()
    }

    #[test]
    fn weights_read_as_pairs_are_the_weights_of_the_map_of_maps() {
        // Weights before the tag list, a tag the list lacks, a tag given
        // twice, an escaped tag name and an empty feature.
        let json = r#"{
            "weights": {
                "b": {"NN": 7.1, "VB": -3.8, "ZZ": 1.0, "NN": 2.5, "P\u0052P": 0.3},
                "s3=ced": {"VB": 40.6, "JJ": 11.6},
                "none": {}
            },
            "tags": ["JJ", "NN", "PRP", "VB"],
            "tagdict": {"the": "DT"},
            "vocab": ["the"]
        }"#;
        let expected = by_map_of_maps(json);
        assert_eq!(expected["b"].len(), 3);
        assert_eq!(by_tagger(json), expected);
        let t = Tagger::from_json(json).unwrap();
        let b = &t.weights["b"];
        assert!(b.contains(&(1, 2.5)) && !b.contains(&(1, 7.1)), "{b:?}");
    }

    #[test]
    fn a_weight_that_is_not_a_number_is_refused() {
        let json = r#"{"tags": ["NN"], "tagdict": {}, "vocab": null,
            "weights": {"b": {"NN": "heavy"}}}"#;
        assert!(Tagger::from_json(json).is_err());
    }
}
