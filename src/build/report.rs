//! The end-of-build report: a line per leaflet, or JSON for tools.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use super::Built;
use crate::clock;
use crate::error::Error;

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub leaflets: Vec<LeafletReport>,
}

#[derive(Debug, Serialize)]
pub struct LeafletReport {
    pub input: String,
    pub slug: String,
    pub chapters: usize,
    pub synthesized: usize,
    pub reused: usize,
    pub audio_s: f64,
    pub elapsed_s: f64,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

impl LeafletReport {
    pub fn ok(input: &Path, built: Built, elapsed: Duration) -> Self {
        LeafletReport {
            input: input.display().to_string(),
            slug: built.slug,
            chapters: built.chapters,
            synthesized: built.synthesized,
            reused: built.reused,
            audio_s: (built.audio_s * 10.0).round() / 10.0,
            elapsed_s: secs(elapsed),
            ok: true,
            output: Some(built.dir.display().to_string()),
            error: None,
            warnings: built.warnings,
        }
    }

    pub fn failed(input: &Path, error: &Error, elapsed: Duration) -> Self {
        LeafletReport {
            input: input.display().to_string(),
            slug: String::new(),
            chapters: 0,
            synthesized: 0,
            reused: 0,
            audio_s: 0.0,
            elapsed_s: secs(elapsed),
            ok: false,
            output: None,
            error: Some(name_the_input(input, error)),
            warnings: Vec::new(),
        }
    }
}

/// Every error a staff member sees says which leaflet it is about.
fn name_the_input(input: &Path, error: &Error) -> String {
    let message = error.to_string();
    let shown = input.display().to_string();
    if message.contains(&shown) {
        message
    } else {
        format!("`{shown}`: {message}")
    }
}

impl Report {
    pub fn all_ok(&self) -> bool {
        self.leaflets.iter().all(|l| l.ok)
    }
}

/// A [`Report`] serialised as its entries arrive: the same JSON, written
/// while the batch goes on, so that a batch of any length holds none of
/// them. Serialising it takes entries from `leaflets` until every sender is
/// dropped.
#[derive(Serialize)]
#[serde(rename = "Report")]
pub struct StreamedReport {
    #[serde(serialize_with = "each_received")]
    pub leaflets: std::sync::mpsc::Receiver<LeafletReport>,
}

fn each_received<S: serde::Serializer>(
    entries: &std::sync::mpsc::Receiver<LeafletReport>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(entries.iter())
}

impl LeafletReport {
    /// The leaflet's line for people, after a line for each warning.
    pub fn human(&self) -> String {
        let mut out = String::new();
        for w in &self.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        if self.ok {
            out.push_str(&format!(
                "built {}: {} chapter{}, {} of audio in {:.1}s ({} narrated, {} reused) -> {}\n",
                self.input,
                self.chapters,
                if self.chapters == 1 { "" } else { "s" },
                clock::minutes(self.audio_s),
                self.elapsed_s,
                self.synthesized,
                self.reused,
                self.output.as_deref().unwrap_or("")
            ));
        } else {
            out.push_str(&format!(
                "error: {}\n",
                self.error.as_deref().unwrap_or("failed")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize) -> LeafletReport {
        let input = Path::new("in").join(format!("leaflet-{n}.txt"));
        if n.is_multiple_of(2) {
            LeafletReport::failed(&input, &Error::Other("no text".into()), Duration::ZERO)
        } else {
            let built = Built {
                slug: format!("leaflet-{n}"),
                warnings: vec!["a warning".into()],
                dir: Path::new("out").join(format!("leaflet-{n}")),
                chapters: n,
                synthesized: 1,
                reused: n - 1,
                audio_s: 61.25,
            };
            LeafletReport::ok(&input, built, Duration::from_millis(1500))
        }
    }

    #[test]
    fn the_streamed_report_is_the_whole_reports_json() {
        for count in [0, 1, 4] {
            let whole = Report {
                leaflets: (0..count).map(entry).collect(),
            };
            let (send, leaflets) = std::sync::mpsc::channel();
            let streamed = StreamedReport { leaflets };
            (0..count).for_each(|n| send.send(entry(n)).unwrap());
            drop(send);
            assert_eq!(
                serde_json::to_string_pretty(&streamed).unwrap(),
                serde_json::to_string_pretty(&whole).unwrap(),
                "{count} entries"
            );
        }
    }
}
