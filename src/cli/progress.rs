//! Live progress of `explore`, `check` and `matrix` on stderr: states,
//! states per second, depth, frontier, memory and elapsed time, redrawn in
//! place by `indicatif`. Shown only when stderr is a terminal and
//! `--quiet` is not given, so logs, pipes and CI output never see it; it
//! reads what the search hands it ([`Snapshot`]) and never changes a result.

use crate::explore::budget::{resident_bytes, Progress, Snapshot};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A progress line, or none (not a terminal, or `--quiet`).
pub struct Live {
    bar: ProgressBar,
    started: Instant,
    /// Searches finished, for `matrix` (its cells) and `check` (its files).
    done: AtomicU64,
    total: u64,
}

/// A live line labelled `label` over `total` searches (1 for `explore`),
/// or `None` when nothing may be drawn.
pub fn live(label: &str, total: u64, quiet: bool) -> Option<Arc<Live>> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {prefix} {wide_msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_prefix(label.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(Arc::new(Live {
        bar,
        started: Instant::now(),
        done: AtomicU64::new(0),
        total,
    }))
}

impl Live {
    /// Removes the line (before the report is printed).
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Live {
    fn update(&self, s: &Snapshot) {
        let secs = self.started.elapsed().as_secs_f64();
        let batch = if self.total > 1 {
            format!("{}/{} · ", self.done.load(Ordering::Relaxed), self.total)
        } else {
            String::new()
        };
        let memory = resident_bytes()
            .map(|b| format!(" · {:.0} MiB", b as f64 / (1 << 20) as f64))
            .unwrap_or_default();
        let what = if s.runs > 0 {
            format!("{} runs, {} steps", s.runs, s.states)
        } else {
            format!(
                "{} states ({:.0}/s) · depth {} · frontier {}",
                s.states,
                s.states as f64 / secs.max(1e-3),
                s.depth,
                s.frontier
            )
        };
        self.bar
            .set_message(format!("{batch}{what}{memory} · {secs:.0}s"));
    }

    fn finished(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// The observer as the search takes it.
pub fn observer(live: &Option<Arc<Live>>) -> Option<Arc<dyn Progress>> {
    live.as_ref().map(|l| Arc::clone(l) as Arc<dyn Progress>)
}

/// A line on stderr above the progress line, if one is drawn.
pub fn eprint_line(live: &Option<Arc<Live>>, text: &str) {
    match live {
        Some(live) => live.bar.suspend(|| super::output::eprint_line(text)),
        None => super::output::eprint_line(text),
    }
}
