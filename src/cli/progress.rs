//! The progress bar of a long `cofnod check` (`indicatif`), on standard error and
//! only when that is a terminal and the report is not being written to the same
//! terminal: notes and records done, the rate, and the time left (from the bytes of
//! input read). Anywhere else it stays quiet.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Bar {
    bar: Option<ProgressBar>,
    started: std::time::Instant,
    done: std::sync::atomic::AtomicU64,
    records: std::sync::atomic::AtomicBool,
}

impl Bar {
    /// A bar over `total` bytes of input; `report_elsewhere` says the report is not
    /// going to the terminal (it is redirected, or written with --out).
    pub fn new(total: u64, report_elsewhere: bool) -> Bar {
        let show = report_elsewhere && std::io::stderr().is_terminal() && std::env::var_os("COFNOD_NO_PROGRESS").is_none();
        let bar = show.then(|| {
            let bar = ProgressBar::with_draw_target(Some(total.max(1)), ProgressDrawTarget::stderr_with_hz(4));
            let style = ProgressStyle::with_template("{bar:30} {percent:>3}%  {msg}  {binary_bytes_per_sec}  {eta} left")
                .expect("a valid template")
                .progress_chars("█▉▊▋▌▍▎▏ ");
            bar.set_style(style);
            bar
        });
        Bar { bar, started: std::time::Instant::now(), done: Default::default(), records: Default::default() }
    }

    /// One note or record written, which accounts for `bytes` of the input.
    pub fn advance(&self, bytes: u64, record: bool) {
        let Some(bar) = &self.bar else { return };
        use std::sync::atomic::Ordering::Relaxed;
        let done = self.done.fetch_add(1, Relaxed) + 1;
        self.records.fetch_or(record, Relaxed);
        bar.inc(bytes);
        if done % 64 == 1 || bytes > 1 << 20 {
            let noun = if self.records.load(Relaxed) { "records" } else { "files" };
            let rate = done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!("{done} {noun} ({rate:.0}/s)"));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
