//! The fuzz targets' directories: a private scratch directory per process (in memory where
//! /dev/shm exists), and the repository's fixtures.

use std::path::PathBuf;
use std::sync::OnceLock;

pub fn dirs() -> &'static (PathBuf, PathBuf) {
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
