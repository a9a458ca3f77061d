//! Replays the fuzzer's committed inputs through the same harness the fuzz targets run, on the
//! stable toolchain: `tests/fuzz/corpus/<target>/` (the minimised corpus) and
//! `tests/fuzz/regressions/<target>/` (every input that once crashed, hung or ran away with
//! memory), for the targets `ingest` and `run`. A panic fails the test, naming the input; so does
//! an input that takes longer than any should.

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
                .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Which harness entry reads a target's inputs.
fn entry(target: &str) -> fn(&[u8], &Path, &Path) {
    match target {
        "ingest" => |data, scratch, _| harness::ingest(data, scratch),
        _ => harness::run,
    }
}

fn replay(dir: &str, target: &str) -> usize {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("fixtures");
    let scratch = tempfile::tempdir().unwrap();
    let files = inputs(&root.join("tests/fuzz").join(dir).join(target));
    let run = entry(target);
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let start = Instant::now();
        let outcome = std::panic::catch_unwind(|| run(&data, scratch.path(), &fixtures));
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
    replay("regressions", "ingest");
    replay("regressions", "run");
}

#[test]
fn the_minimised_corpus_of_ingest_runs() {
    let n = replay("corpus", "ingest");
    assert!(n > 100, "the committed corpus has only {n} inputs");
}

#[test]
fn the_minimised_corpus_of_whole_commands_runs() {
    let n = replay("corpus", "run");
    assert!(n > 100, "the committed corpus has only {n} inputs");
}
