//! Words the lexicon can't read: hibari's small character transformer
//! (oov.onnx, or oov_gb.onnx for British English), trained on espeak-ng's
//! readings. One run per word; the output is CTC-style (repeats collapsed,
//! blanks dropped). The ONNX session is only opened for the first such word.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::synth::onnx::{self, SessionPool};

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "in")]
    input: Vec<String>,
    out: Vec<String>,
    maxlen: usize,
}

pub struct Oov {
    /// character -> input id (from 1; 0 is padding)
    input: HashMap<char, i64>,
    /// output id - 1 -> phoneme text
    output: Vec<String>,
    maxlen: usize,
    pool: SessionPool,
    cache: Mutex<HashMap<String, Option<String>>>,
}

impl Oov {
    /// `model`: oov.onnx or oov_gb.onnx; its vocabulary is the .json beside it.
    pub fn load(onnxruntime: &Path, model: &Path) -> Result<Oov> {
        let meta_path = model.with_extension("json");
        let text = std::fs::read_to_string(&meta_path).map_err(|e| {
            Error::Other(format!(
                "could not read {}: {e}; reinstall the voices with `audio-leaflet voices install`",
                meta_path.display()
            ))
        })?;
        let meta: Meta = serde_json::from_str(&text).map_err(|e| {
            Error::Other(format!(
                "{} is damaged ({e}); reinstall the voices with `audio-leaflet voices install`",
                meta_path.display()
            ))
        })?;
        let input = meta
            .input
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let mut cs = s.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Some((c, i as i64 + 1)),
                    _ => None,
                }
            })
            .collect();
        Ok(Oov {
            input,
            output: meta.out,
            maxlen: meta.maxlen,
            pool: SessionPool::new(onnxruntime, model, 1),
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The network's reading of `word`; `None` when none of its letters are known to it.
    pub fn read(&self, word: &str) -> Result<Option<String>> {
        if let Some(hit) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(word)
        {
            return Ok(hit.clone());
        }
        let ids: Vec<i64> = word
            .chars()
            .filter_map(|c| self.input.get(&c).copied())
            .take(self.maxlen)
            .collect();
        let ps = if ids.is_empty() {
            None
        } else {
            Some(self.run(ids)?)
        };
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(word.to_string(), ps.clone());
        Ok(ps)
    }

    fn run(&self, ids: Vec<i64>) -> Result<String> {
        let n = ids.len();
        let out: Vec<i64> = self.pool.with(|session| {
            let tensor = ort::value::Tensor::from_array(([1usize, n], ids))
                .map_err(onnx::failed("could not prepare the OOV word"))?;
            let outputs = session
                .run(ort::inputs! {"chars" => tensor})
                .map_err(onnx::failed("the OOV pronunciation network failed"))?;
            let (_, data) = outputs["ids"]
                .try_extract_tensor::<i64>()
                .map_err(onnx::failed("the OOV pronunciation network gave no ids"))?;
            Ok(data.to_vec())
        })?;
        let mut ps = String::new();
        let mut prev = 0;
        for &i in &out {
            if i != prev
                && i != 0
                && let Some(p) = usize::try_from(i - 1).ok().and_then(|k| self.output.get(k))
            {
                ps.push_str(p);
            }
            prev = i;
        }
        Ok(ps)
    }
}
