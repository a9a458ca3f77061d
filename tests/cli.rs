//! End-to-end tests: the real `nps` binary on real files (fixtures/ and ../shared/data/).
//!
//! Every expected number comes from a hand count recorded in fixtures/README.md, from the
//! shared data's SOURCE.txt, or from the issue that specifies it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

#[path = "cli/check.rs"]
mod check;
#[path = "cli/closing.rs"]
mod closing;
#[path = "cli/compare.rs"]
mod compare;
#[path = "cli/contacts.rs"]
mod contacts;
#[path = "cli/context.rs"]
mod context;
#[path = "cli/errors.rs"]
mod errors;
#[path = "cli/exports.rs"]
mod exports;
#[path = "cli/findings.rs"]
mod findings;
#[path = "cli/findings_output.rs"]
mod findings_output;
#[path = "cli/gates.rs"]
mod gates;
#[path = "cli/hostile.rs"]
mod hostile;
#[path = "cli/inputs.rs"]
mod inputs;
#[path = "cli/plan.rs"]
mod plan;
#[path = "cli/report.rs"]
mod report;
#[path = "cli/resources.rs"]
mod resources;
#[path = "cli/review.rs"]
mod review;
#[path = "cli/risk_quality.rs"]
mod risk_quality;
#[path = "cli/safety.rs"]
mod safety;
#[path = "cli/scores.rs"]
mod scores;
#[path = "cli/segments.rs"]
mod segments;
#[path = "cli/settings.rs"]
mod settings;
#[path = "cli/shell.rs"]
mod shell;
#[path = "cli/streams.rs"]
mod streams;
#[path = "cli/themes.rs"]
mod themes;
#[path = "cli/themes_rows.rs"]
mod themes_rows;
#[path = "cli/writing.rs"]
mod writing;

/// One finished run of the binary, printable in full when an assertion fails.
struct Run {
    cmdline: String,
    status: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\n$ {}\n(cwd {})\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.cmdline,
            root().display(),
            self.status,
            self.stdout,
            self.stderr
        )
    }
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.status, code, "unexpected exit status: {self:?}");
        self
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> String {
    root().join("fixtures").join(rel).display().to_string()
}

fn shared(rel: &str) -> String {
    let p = root().join("../shared/data").join(rel);
    assert!(p.exists(), "shared data missing: {}", p.display());
    p.display().to_string()
}

fn nps_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    nps_full(args, stdin, &[])
}

fn nps_full(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nps"));
    cmd.args(args).current_dir(root());
    isolate(&mut cmd);
    cmd.envs(env.iter().copied());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the nps binary runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // A run refused before it reads its input (a usage error) may exit, closing the pipe,
        // before the bytes are written: that is its answer, not the test's failure.
        if let Err(e) = pipe.write_all(bytes) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    let out = child.wait_with_output().unwrap();
    Run {
        cmdline: format!(
            "{}nps {}",
            env.iter()
                .map(|(k, v)| format!("{k}={v} "))
                .collect::<String>(),
            args.join(" ")
        ),
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Settings must come from the test alone: no `NPS_*` variable of the caller's, and no user
/// settings file (`XDG_CONFIG_HOME` points where none is). A project `nps.toml` in the
/// repository or above it would still be found: `settings::no_settings_file_is_in_the_way` says
/// so plainly instead of letting other tests fail mysteriously.
fn isolate(cmd: &mut Command) {
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("NPS_") {
            cmd.env_remove(var);
        }
    }
    cmd.env("XDG_CONFIG_HOME", root().join("target/no-user-settings"));
}

fn nps(args: &[&str]) -> Run {
    nps_with_stdin(args, None)
}

fn score_json(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["score", file, "--format", "json"];
    args.extend_from_slice(extra);
    let run = nps(&args);
    run.expect(0);
    run.json()
}

fn close(actual: &Value, expected: f64, tolerance: f64) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {actual}"));
    assert!(
        (a - expected).abs() <= tolerance,
        "{a} is not within {tolerance} of {expected}"
    );
}

// ---------------------------------------------------------------- helpers shared by modules

/// Run `nps args…` with stderr on a pseudo-terminal (util-linux `script`), returning what the
/// terminal showed (stdout and stderr interleaved, escape sequences included).
fn nps_on_a_terminal(args: &[&str]) -> String {
    nps_on_a_terminal_with(args, &[])
}

/// [`nps_on_a_terminal`] with these environment variables set.
fn nps_on_a_terminal_with(args: &[&str], env: &[(&str, &str)]) -> String {
    let command = std::iter::once(env!("CARGO_BIN_EXE_nps"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .stdin(Stdio::null())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .output()
        .expect("util-linux `script` runs (Debian's bsdutils)");
    assert!(out.status.success(), "{command}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `name` with `content` in a fresh temporary directory (kept alive by the returned guard).
fn crafted(name: &str, content: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    let path = path.display().to_string();
    (dir, path)
}

/// Control characters a terminal would act on: C0 except line feed, DEL, C1.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| c != '\n' && (c.is_control()))
        .collect()
}

/// Lines a GitHub Actions runner would take as a workflow command: `::` after leading
/// whitespace, or the legacy `##[` anywhere.
fn workflow_command_lines(text: &str) -> Vec<&str> {
    text.split(['\n', '\r'])
        .filter(|l| l.trim_start().starts_with("::") || l.contains("##["))
        .collect()
}

fn csv_records(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// XML 1.0's `Char` production.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}
