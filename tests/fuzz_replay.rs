//! Replays the fuzzer's committed inputs (`tests/fuzz/corpus/`: the minimised corpus;
//! `tests/fuzz/regressions/`: every input that once crashed, hung or ran away with memory)
//! through the same harness the fuzz target runs, on the stable toolchain. A panic fails the
//! test, naming the input; so does an input that takes longer than any should.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "fuzz/harness.rs"]
mod harness;

/// Far above what any input takes (the fuzzer's own limit is 1 s optimised; this build is
/// unoptimised), far below a hang.
const SLOWEST: Duration = Duration::from_secs(20);

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn replay(dir: &str) -> usize {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("fixtures");
    let scratch = tempfile::tempdir().unwrap();
    let files = inputs(&root.join("tests/fuzz").join(dir));
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let start = Instant::now();
        let outcome = std::panic::catch_unwind(|| harness::run(&data, scratch.path(), &fixtures));
        assert!(outcome.is_ok(), "{} panicked", file.display());
        assert!(
            start.elapsed() < SLOWEST,
            "{} took {:?}",
            file.display(),
            start.elapsed()
        );
    }
    files.len()
}

#[test]
fn every_input_that_once_failed_now_runs() {
    replay("regressions");
}

#[test]
fn the_minimised_corpus_runs() {
    let n = replay("corpus");
    assert!(n > 100, "the committed corpus has only {n} inputs");
}
