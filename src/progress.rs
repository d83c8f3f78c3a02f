//! Progress of long work on stderr (issue 10): drawn only when stderr is a
//! terminal and the work has run for about a second, so pipes, files and
//! CI logs never get a progress byte and quick commands draw nothing.
//!
//! `AEEF_PROGRESS_DELAY_MS` overrides the delay (tests use 0); it cannot
//! make a bar appear where stderr is not a terminal.
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A progress bar or spinner that appears after [`Progress::DELAY`].
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    /// Set when the work is over: the reveal thread must not draw after.
    done: Arc<Mutex<bool>>,
}

impl Progress {
    /// How long work runs before its progress appears.
    pub const DELAY: Duration = Duration::from_secs(1);

    /// Starts timing. `template` is an indicatif template
    /// (`{spinner} {human_pos} commits scanned ({per_sec}, {elapsed})`).
    /// Nothing is ever drawn unless stderr is a terminal.
    pub fn new(template: &str) -> Progress {
        use std::io::IsTerminal;
        let done = Arc::new(Mutex::new(false));
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None, done };
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        let delay = std::env::var("AEEF_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(Self::DELAY, Duration::from_millis);
        let (shown, flag) = (bar.clone(), done.clone());
        // Detached: it sleeps, then draws unless the work is over.
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            if let Ok(over) = flag.lock()
                && !*over
            {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.tick();
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress {
            bar: Some(bar),
            done,
        }
    }

    /// Adds `n` to the count.
    pub fn add(&self, n: usize) {
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
    }

    /// Adds `n` to the total (a bar with a length shows `pos/len`).
    pub fn add_total(&self, n: usize) {
        if let Some(bar) = &self.bar {
            bar.inc_length(n as u64);
        }
    }

    /// The text of `{msg}`.
    pub fn message(&self, msg: &'static str) {
        if let Some(bar) = &self.bar {
            bar.set_message(msg);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Ok(mut over) = self.done.lock() {
            *over = true;
        }
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
