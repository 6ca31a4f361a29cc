//! Progress on stderr when it is a terminal: a bar over the packages being
//! fetched. Pipes, files and tests get nothing, so output stays clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `total` fetches, drawn only when `wanted` and stderr is a terminal.
    pub fn new(total: u64, wanted: bool) -> Progress {
        if !wanted || total == 0 || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "resolving {bar:30} {pos}/{len} packages {msg} ({elapsed})",
        ) {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    /// One more package done; `name` is shown beside the bar.
    pub fn done(&self, name: &str) {
        if let Some(bar) = &self.bar {
            // A package name from the inputs, drawn on the terminal.
            bar.set_message(crate::model::untrusted::escape(name).into_owned());
            bar.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
