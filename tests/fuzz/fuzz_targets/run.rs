//! libFuzzer target: every input through `harness::run` (see there for what its bytes mean).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

#[path = "../harness.rs"]
mod harness;

/// A private directory for this process's files, and the repository's fixtures.
fn dirs() -> &'static (PathBuf, PathBuf) {
    static DIRS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    DIRS.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let scratch = base.join(format!("nps-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&scratch).expect("a scratch directory");
        let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        (scratch, fixtures)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (scratch, fixtures) = dirs();
    harness::run(data, scratch, fixtures);
});
