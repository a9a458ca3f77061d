//! `-v` and `-vv`: what a run decided and how long each stage took, on stderr, for "why this
//! column?" and "why is this slow?". Results never change with the level; stdout never sees it.
//!
//! The level is set once, by the binary, before anything runs; lines are prefixed with the time
//! since then, and go through [`crate::output::escape::terminal`] (they quote users' headers).

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static LEVEL: AtomicU8 = AtomicU8::new(0);
static START: OnceLock<Instant> = OnceLock::new();

/// Set the level (the number of `-v`) and start the clock.
pub fn set(level: u8) {
    LEVEL.store(level, Ordering::Relaxed);
    START.get_or_init(Instant::now);
}

/// Whether lines of this level are written (1 for `-v`, 2 for `-vv`).
pub fn enabled(level: u8) -> bool {
    level > 0 && LEVEL.load(Ordering::Relaxed) >= level
}

/// Write `line()` at this level; `line` is not called when the level is off.
pub fn say(level: u8, line: impl FnOnce() -> String) {
    if !enabled(level) {
        return;
    }
    let elapsed = START.get_or_init(Instant::now).elapsed().as_secs_f64();
    let _ = writeln!(
        std::io::stderr().lock(),
        "nps: [{elapsed:7.3}s] {}",
        crate::output::escape::terminal(&line())
    );
}

/// A stage whose duration is written at `-v` when it ends (when the guard is dropped).
pub struct Stage {
    name: &'static str,
    start: Instant,
}

/// Start timing a stage.
pub fn stage(name: &'static str) -> Stage {
    Stage {
        name,
        start: Instant::now(),
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        let ms = self.start.elapsed().as_secs_f64() * 1000.0;
        say(1, || format!("stage {}: {ms:.1} ms", self.name));
    }
}
