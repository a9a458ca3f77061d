//! Build script: stamps the binary with what `nps --version` and `nps version` report.
//!
//! - `NPS_VERSION_LINE`: `0.1.0 (abc1234567 2026-12-02)`, or the bare version outside a checkout.
//! - `NPS_COMMIT` / `NPS_COMMIT_DATE`: the git commit the binary was built from, when it was built
//!   from a checkout with git on the PATH, or (the commit only) from a crates.io package's
//!   `.cargo_vcs_info.json`; empty otherwise.
//!   A working tree with uncommitted changes is not flagged: telling would mean rebuilding on
//!   every edit.
//! - `NPS_TARGET`: the target triple.
//! - `NPS_FEATURES`: the crate's enabled cargo features, comma-separated.
//!
//! It re-runs when HEAD moves (a commit, a checkout), not on every source change.

use std::process::Command;

/// The commit in `.cargo_vcs_info.json`, which `cargo publish` writes into the package
/// (`{"git": {"sha1": "…"}, …}`); read without a JSON parser, as the build script has no
/// dependencies.
fn published_commit(manifest_dir: &str) -> Option<String> {
    let text = std::fs::read_to_string(format!("{manifest_dir}/.cargo_vcs_info.json")).ok()?;
    let after = text.split("\"sha1\"").nth(1)?;
    let sha: String = after
        .chars()
        .skip_while(|c| !c.is_ascii_hexdigit())
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() == 40).then(|| sha[..10].to_string())
}

fn main() {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git").args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    // Only a checkout of this very crate counts: a crate unpacked inside some other repository
    // (a vendored copy) must not report that repository's commit.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let toplevel = git(&["-C", &manifest_dir, "rev-parse", "--show-toplevel"]);
    let ours = toplevel.as_deref().is_some_and(|top| {
        std::fs::canonicalize(top).ok() == std::fs::canonicalize(&manifest_dir).ok()
    });
    let (commit, date) = if ours {
        let commit = git(&["-C", &manifest_dir, "rev-parse", "--short=10", "HEAD"]);
        let date = git(&[
            "-C",
            &manifest_dir,
            "log",
            "-1",
            "--format=%cd",
            "--date=short",
        ]);
        if let Some(dir) = git(&["-C", &manifest_dir, "rev-parse", "--absolute-git-dir"]) {
            println!("cargo:rerun-if-changed={dir}/HEAD");
            // A branch's commit lives in its ref file, or in packed-refs once git packs it. A
            // missing file would make cargo re-run this script (and rebuild the crate) every time,
            // so only files that exist are named.
            let head_ref = git(&["-C", &manifest_dir, "symbolic-ref", "-q", "HEAD"]);
            for file in head_ref.iter().map(String::as_str).chain(["packed-refs"]) {
                let path = format!("{dir}/{file}");
                if std::path::Path::new(&path).exists() {
                    println!("cargo:rerun-if-changed={path}");
                }
            }
        }
        (commit, date)
    } else {
        // A package from crates.io carries the commit it was published from.
        (published_commit(&manifest_dir), None)
    };
    println!("cargo:rerun-if-changed=src/build.rs");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let line = match (&commit, &date) {
        (Some(c), Some(d)) => format!("{version} ({c} {d})"),
        (Some(c), None) => format!("{version} ({c})"),
        _ => version,
    };
    println!("cargo:rustc-env=NPS_VERSION_LINE={line}");
    println!("cargo:rustc-env=NPS_COMMIT={}", commit.unwrap_or_default());
    println!(
        "cargo:rustc-env=NPS_COMMIT_DATE={}",
        date.unwrap_or_default()
    );
    println!(
        "cargo:rustc-env=NPS_TARGET={}",
        std::env::var("TARGET").unwrap_or_default()
    );
    let mut features: Vec<String> = std::env::vars()
        .filter_map(|(k, _)| k.strip_prefix("CARGO_FEATURE_").map(|f| f.to_lowercase()))
        .filter(|f| f != "default")
        .collect();
    features.sort();
    println!("cargo:rustc-env=NPS_FEATURES={}", features.join(","));
}
