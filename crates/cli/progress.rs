//! The progress bar of `saring run`: shown on a terminal, silent otherwise.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use saring_pipeline::Progress;

const TICK: Duration = Duration::from_millis(200);

/// A spinner line with records read, input MB/s and the share of finished records kept, redrawn from
/// [`Progress`] counters.
pub struct ProgressDisplay {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressDisplay {
    /// Starts redrawing on stderr if it is a terminal; does nothing otherwise.
    pub fn start(progress: &Arc<Progress>) -> ProgressDisplay {
        let done = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return ProgressDisplay { done, thread: None };
        }
        let progress = Arc::clone(progress);
        let flag = Arc::clone(&done);
        let thread = std::thread::spawn(move || {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} {elapsed} {msg}");
            bar.set_style(style.unwrap_or_else(|_| ProgressStyle::default_spinner()));
            let started = Instant::now();
            while !flag.load(Ordering::Relaxed) {
                let read = progress.read();
                let kept = progress.kept();
                let mb = progress.bytes_in() as f64 / 1e6;
                let secs = started.elapsed().as_secs_f64().max(1e-3);
                let done = progress.done();
                let kept_pct = if done == 0 {
                    0.0
                } else {
                    100.0 * kept as f64 / done as f64
                };
                bar.set_message(format!(
                    "{read} records, {:.1} MB/s, kept {kept_pct:.1}%",
                    mb / secs
                ));
                bar.tick();
                std::thread::sleep(TICK);
            }
            bar.finish_and_clear();
        });
        ProgressDisplay {
            done,
            thread: Some(thread),
        }
    }

    /// Stops redrawing and clears the line.
    pub fn finish(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
