//! Progress on stderr: one overall bar and a line per leaflet, hidden when
//! stderr is not a terminal or with --quiet.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    multi: MultiProgress,
    overall: ProgressBar,
    visible: bool,
}

impl Progress {
    pub fn new(quiet: bool, chapters: usize, leaflets: usize) -> Progress {
        let visible = !quiet && std::io::stderr().is_terminal();
        let multi = MultiProgress::with_draw_target(if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let overall = multi.add(ProgressBar::new(chapters as u64));
        overall.set_style(style(
            "{prefix:.bold} [{elapsed_precise}] {bar:30} {pos}/{len} chapters, about {eta} left",
        ));
        overall.set_prefix(format!("{leaflets} leaflet(s)"));
        if visible {
            overall.enable_steady_tick(Duration::from_millis(200));
        }
        Progress {
            multi,
            overall,
            visible,
        }
    }

    /// A line for one leaflet, counting its chapters.
    pub fn leaflet(&self, name: &str, chapters: usize) -> LeafletBar {
        let bar = self.multi.add(ProgressBar::new(chapters as u64));
        bar.set_style(style("  {prefix} {pos}/{len}"));
        bar.set_prefix(name.to_string());
        LeafletBar {
            bar,
            overall: self.overall.clone(),
        }
    }

    pub fn finish(&self) {
        self.overall.finish_and_clear();
        if self.visible {
            let _ = self.multi.clear();
        }
    }
}

pub struct LeafletBar {
    bar: ProgressBar,
    overall: ProgressBar,
}

impl LeafletBar {
    pub fn chapter_done(&self) {
        self.bar.inc(1);
        self.overall.inc(1);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).expect("the progress templates are valid")
}
