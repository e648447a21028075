//! Progress display on stderr, hidden when it is not a terminal or with --quiet.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub fn chapter_bar(quiet: bool, name: &str, total: usize) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
        return bar;
    }
    let style = ProgressStyle::with_template(
        "{prefix:.bold} [{elapsed_precise}] {bar:30} {pos}/{len} chapters",
    )
    .expect("the progress template is valid");
    bar.set_style(style);
    bar.set_prefix(name.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
