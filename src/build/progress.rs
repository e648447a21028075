//! How a build tells its front end what it is doing: the [`Observer`]
//! trait, a silent one, and [`Bars`], the command line's progress bars on
//! stderr (one overall bar and a line per leaflet).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Told of a build's progress, from its worker threads.
pub trait Observer: Sync {
    /// Work is about to start on `chapters` chapters of `leaflets` leaflets;
    /// told again, with the chapters so far, as each window of a batch is read.
    fn started(&self, _leaflets: usize, _chapters: usize) {}
    /// Another build is writing to `out`; this one waits for it.
    fn waiting(&self, _out: &Path) {}
    fn leaflet_started(&self, _slug: &str, _chapters: usize) {}
    /// A chapter of the leaflet is narrated or found in the cache.
    fn chapter_done(&self, _slug: &str) {}
    fn leaflet_done(&self, _slug: &str) {}
    fn finished(&self) {}
}

/// Says nothing.
pub struct Silent;

impl Observer for Silent {}

/// Progress bars on stderr, hidden when it is not a terminal.
pub struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
    leaflets: Mutex<HashMap<String, ProgressBar>>,
    visible: bool,
}

impl Default for Bars {
    fn default() -> Self {
        Bars::new()
    }
}

impl Bars {
    pub fn new() -> Bars {
        let visible = std::io::stderr().is_terminal();
        let multi = MultiProgress::with_draw_target(if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let overall = multi.add(ProgressBar::new(0));
        overall.set_style(style(
            "{prefix:.bold} [{elapsed_precise}] {bar:30} {pos}/{len} chapters, about {eta} left",
        ));
        Bars {
            multi,
            overall,
            leaflets: Mutex::new(HashMap::new()),
            visible,
        }
    }

    /// Print `text` (whole lines) on stderr, above the bars while they show.
    pub fn say(&self, text: &str) {
        if self.visible {
            let _ = self.multi.println(text.trim_end_matches('\n'));
        } else {
            eprint!("{text}");
        }
    }

    fn bar(&self, slug: &str) -> Option<ProgressBar> {
        let bars = self.leaflets.lock().unwrap_or_else(|p| p.into_inner());
        bars.get(slug).cloned()
    }
}

impl Observer for Bars {
    fn started(&self, leaflets: usize, chapters: usize) {
        self.overall.set_length(chapters as u64);
        self.overall.set_prefix(format!("{leaflets} leaflet(s)"));
        if self.visible {
            self.overall.enable_steady_tick(Duration::from_millis(200));
        }
    }

    fn waiting(&self, out: &Path) {
        eprintln!(
            "waiting: another build is writing to `{}`; this one starts when it ends",
            out.display()
        );
    }

    fn leaflet_started(&self, slug: &str, chapters: usize) {
        let bar = self.multi.add(ProgressBar::new(chapters as u64));
        bar.set_style(style("  {prefix} {pos}/{len}"));
        bar.set_prefix(slug.to_string());
        let mut bars = self.leaflets.lock().unwrap_or_else(|p| p.into_inner());
        bars.insert(slug.to_string(), bar);
    }

    fn chapter_done(&self, slug: &str) {
        if let Some(bar) = self.bar(slug) {
            bar.inc(1);
        }
        self.overall.inc(1);
    }

    /// The bar is let go as well as cleared, so a long batch holds bars
    /// only for the leaflets under way.
    fn leaflet_done(&self, slug: &str) {
        let bar = {
            let mut bars = self.leaflets.lock().unwrap_or_else(|p| p.into_inner());
            bars.remove(slug)
        };
        if let Some(bar) = bar {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
    }

    fn finished(&self) {
        self.overall.finish_and_clear();
        if self.visible {
            let _ = self.multi.clear();
        }
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).expect("the progress templates are valid")
}
