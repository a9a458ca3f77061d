//! Settings files, `NPS_*` variables and their precedence; colour rules; `-v`.

use std::path::Path;
use std::process::{Command, Stdio};

use super::{fixture, isolate, nps, nps_on_a_terminal_with, root, Run};

/// Run `nps args…` from `cwd` (for other test files).
pub(super) fn settings_run_in(cwd: &Path, args: &[&str]) -> Run {
    nps_in(cwd, args, &[])
}

/// Run `nps args…` from `cwd` with these variables (after [`isolate`]).
fn nps_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nps"));
    cmd.args(args).current_dir(cwd).stdin(Stdio::null());
    isolate(&mut cmd);
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("the nps binary runs");
    Run {
        cmdline: format!("(in {}) nps {}", cwd.display(), args.join(" ")),
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A project with a user settings directory, an `nps.toml` at its top and a subdirectory to run
/// from; returns (temp dir guard, project, subdirectory, XDG_CONFIG_HOME).
fn project(
    project_toml: &str,
    user_toml: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    String,
) {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let sub = project.join("reports/q3");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(project.join("nps.toml"), project_toml).unwrap();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir_all(xdg.join("nps")).unwrap();
    std::fs::write(xdg.join("nps/config.toml"), user_toml).unwrap();
    (dir, project, sub, xdg.display().to_string())
}

fn confidence(run: &Run) -> f64 {
    run.expect(0).json()["interval"]["confidence"]
        .as_f64()
        .unwrap()
}

#[test]
fn no_settings_file_is_in_the_way() {
    let run = nps(&["config", "show", "--format", "json"]);
    let files = run.expect(0).json()["files"].clone();
    assert_eq!(
        files,
        serde_json::json!([]),
        "an nps.toml in {} or a parent changes what every end-to-end test runs; move it away",
        root().display()
    );
}

#[test]
fn precedence_is_flag_then_environment_then_nearest_file_then_user_file() {
    // The user's file sets the confidence and the decimals; the project overrides the confidence.
    let (dir, _project, sub, xdg) =
        project("confidence = \"90%\"\n", "confidence = 0.8\ndecimals = 3\n");
    let example = fixture("example.csv");
    let env = [("XDG_CONFIG_HOME", xdg.as_str())];
    let score = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["score", example.as_str(), "--format", "json", "-q"];
        args.extend_from_slice(extra);
        nps_in(&sub, &args, env)
    };
    // Nearest file (the project, two directories up) over the user's file.
    assert_eq!(confidence(&score(&[], &env)), 0.9);
    // The user's file still gives what the project does not set: 3 decimals in CSV.
    let csv = nps_in(&sub, &["score", &example, "--format", "csv", "-q"], &env);
    assert!(csv.expect(0).stdout.contains("29.730"), "{csv:?}");
    // The environment over both files; a flag over the environment.
    let with_env = [("XDG_CONFIG_HOME", xdg.as_str()), ("NPS_CONFIDENCE", "99%")];
    assert_eq!(confidence(&score(&[], &with_env)), 0.99);
    assert_eq!(confidence(&score(&["--confidence", "0.8"], &with_env)), 0.8);
    // --no-config reads no file (the default 95%) but keeps the environment.
    assert_eq!(confidence(&score(&["--no-config"], &env)), 0.95);
    assert_eq!(confidence(&score(&["--no-config"], &with_env)), 0.99);
    // Without the project file, the user's file applies.
    assert_eq!(
        confidence(&nps_in(
            dir.path(),
            &["score", &example, "--format", "json", "-q"],
            &env
        )),
        0.8
    );
}

#[test]
fn config_flag_replaces_discovery_and_must_exist() {
    let (dir, _project, sub, xdg) = project("confidence = 0.9\n", "confidence = 0.8\n");
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "confidence = 0.7\n").unwrap();
    let other = other.display().to_string();
    let example = fixture("example.csv");
    let env = [("XDG_CONFIG_HOME", xdg.as_str())];
    let run = nps_in(
        &sub,
        &[
            "score", &example, "--format", "json", "-q", "--config", &other,
        ],
        &env,
    );
    assert_eq!(confidence(&run), 0.7);
    let missing = nps_in(&sub, &["score", &example, "--config", "nope.toml"], &env);
    missing.expect(2);
    assert!(
        missing
            .stderr
            .contains("--config nope.toml: no such settings file"),
        "{missing:?}"
    );
}

#[test]
fn config_show_names_the_origin_of_each_setting() {
    let (_dir, project, sub, xdg) = project(
        "# team defaults\nmin-n = 50\n\n[check]\nmin = 10\n",
        "decimals = 2\n",
    );
    let env = [("XDG_CONFIG_HOME", xdg.as_str()), ("NPS_CONFIDENCE", "0.9")];
    let run = nps_in(
        &sub,
        &["config", "show", "--origin", "--format", "json"],
        &env,
    );
    let json = run.expect(0).json();
    let user = Path::new(&xdg)
        .join("nps/config.toml")
        .display()
        .to_string();
    let near = project.join("nps.toml").display().to_string();
    assert_eq!(json["files"], serde_json::json!([user, near]));
    let row = |key: &str| {
        json["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key && r["origin"]["kind"] != "default")
            .cloned()
            .unwrap_or_else(|| panic!("no {key} row: {json}"))
    };
    assert_eq!(
        row("min-n")["origin"],
        serde_json::json!({"kind": "file", "path": near, "line": 2})
    );
    assert_eq!(row("min-n")["commands"], serde_json::json!(["all"]));
    assert_eq!(row("min")["origin"]["line"], 5);
    assert_eq!(row("min")["commands"], serde_json::json!(["check"]));
    assert_eq!(
        row("decimals")["origin"],
        serde_json::json!({"kind": "file", "path": user, "line": 1})
    );
    assert_eq!(
        row("confidence")["origin"],
        serde_json::json!({"kind": "env", "variable": "NPS_CONFIDENCE"})
    );
    // Defaults are shown as such.
    let tz = json["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "tz")
        .unwrap()
        .clone();
    assert_eq!(tz["origin"]["kind"], "default");
    assert_eq!(tz["values"], serde_json::json!(["UTC"]));
    // The table names its sources in words.
    let table = nps_in(&sub, &["config", "show", "--origin"], &env);
    assert!(
        table.expect(0).stdout.contains(&format!("{near} line 2")),
        "{table:?}"
    );
    assert!(
        table.stdout.contains("environment NPS_CONFIDENCE"),
        "{table:?}"
    );
}

#[test]
fn a_command_table_applies_to_that_command_only() {
    // `[check] min = 50` gates nps check; nps score, which has --min too, is not gated.
    let (_dir, _project, sub, xdg) = project("[check]\nmin = 50\n", "");
    let example = fixture("example.csv");
    let env = [("XDG_CONFIG_HOME", xdg.as_str())];
    let check = nps_in(&sub, &["check", &example, "-q"], &env);
    check.expect(1);
    nps_in(&sub, &["score", &example, "-q"], &env).expect(0);
    // A flag on the command line still wins.
    nps_in(&sub, &["check", &example, "-q", "--min", "20"], &env).expect(0);
}

#[test]
fn paths_in_a_settings_file_are_relative_to_it() {
    let (_dir, project, sub, xdg) = project("[check]\nrules = \"gates/rules.toml\"\n", "");
    std::fs::create_dir_all(project.join("gates")).unwrap();
    std::fs::write(project.join("gates/rules.toml"), "min = 50\n").unwrap();
    let example = fixture("example.csv");
    let run = nps_in(
        &sub,
        &["check", &example, "-q"],
        &[("XDG_CONFIG_HOME", xdg.as_str())],
    );
    run.expect(1);
    assert!(run.stdout.contains("50"), "{run:?}");
}

#[test]
fn a_bad_setting_is_exit_2_naming_the_file_the_line_and_the_key() {
    let example = fixture("example.csv");
    for (text, says) in [
        (
            "decimals = 2\nscore_col = \"x\"\n",
            "line 2: `score_col` is not a setting; write `score-col`",
        ),
        (
            "min-n = true\n",
            "line 1: `min-n` must be a string or a number",
        ),
        (
            "strict = \"yes\"\n",
            "line 1: `strict` must be true or false",
        ),
        (
            "\n\ndecimals = \"two\"\n",
            "line 3: `decimals` = \"two\": invalid value 'two' for '--decimals <N>'",
        ),
        (
            "[score]\nmin-n = 3\n",
            "line 2: `score.min-n` is not a setting of nps score",
        ),
        (
            "[summary]\nmin = 3\n",
            "line 1: `summary` is not a command with settings",
        ),
        (
            "output = \"x.csv\"\n",
            "line 1: `output` is a flag for one run, not a setting",
        ),
        ("where = [\n", "line 1: not valid TOML"),
    ] {
        let (_dir, project, sub, xdg) = project(text, "");
        let run = nps_in(
            &sub,
            &["score", &example],
            &[("XDG_CONFIG_HOME", xdg.as_str())],
        );
        run.expect(2);
        let file = project.join("nps.toml").display().to_string();
        assert!(
            run.stderr.contains(&format!("{file} {says}")),
            "{text:?} → {run:?}"
        );
        assert!(run.stdout.is_empty(), "{run:?}");
    }
    // A bad variable names the variable (finding F33: the check rules named the flag).
    let run = nps_in(&root(), &["score", &example], &[("NPS_DECIMALS", "9")]);
    run.expect(2);
    assert!(
        run.stderr
            .contains("environment NPS_DECIMALS: `decimals` = \"9\""),
        "{run:?}"
    );
    let run = nps_in(&root(), &["check", &example], &[("NPS_MIN", "ten")]);
    run.expect(2);
    assert!(
        run.stderr.contains("environment NPS_MIN: `min` = \"ten\""),
        "{run:?}"
    );
    // An empty variable is unset, as a CI template that leaves one blank means (finding F33).
    let run = nps_in(
        &root(),
        &["check", &example, "--max-detractors", "50%", "-q"],
        &[("NPS_MIN", "")],
    );
    run.expect(0);
}

#[test]
fn no_color_means_no_escape_sequence_even_on_a_terminal() {
    let example = fixture("example.csv");
    // On a terminal the table header is bold: the escape sequence this test looks for exists.
    let coloured = nps_on_a_terminal_with(&["score", &example, "-q"], &[]);
    assert!(coloured.contains('\u{1b}'), "{coloured:?}");
    assert!(
        coloured.contains('│') || coloured.contains('─'),
        "{coloured:?}"
    );
    for env in [[("NO_COLOR", "1")], [("CLICOLOR", "0")], [("TERM", "dumb")]] {
        let plain = nps_on_a_terminal_with(&["score", &example, "-q"], &env);
        assert!(!plain.contains('\u{1b}'), "{env:?}: {plain:?}");
        assert!(plain.contains("NPS 29.7"), "{plain:?}");
    }
    let never = nps_on_a_terminal_with(&["score", &example, "-q", "--color", "never"], &[]);
    assert!(
        !never.contains('\u{1b}') && !never.contains('│'),
        "{never:?}"
    );
    // Off a terminal: plain unless forced.
    let piped = nps(&["score", &example, "-q"]);
    assert!(!piped.expect(0).stdout.contains('\u{1b}') && !piped.stdout.contains('│'));
    let forced = super::nps_full(&["score", &example, "-q"], None, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.expect(0).stdout.contains('\u{1b}'), "{forced:?}");
    let zero = super::nps_full(&["score", &example, "-q"], None, &[("CLICOLOR_FORCE", "0")]);
    assert!(
        !zero.expect(0).stdout.contains('\u{1b}'),
        "CLICOLOR_FORCE=0 forces nothing: {zero:?}"
    );
    let both = super::nps_full(
        &["score", &example, "-q"],
        None,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(
        !both.expect(0).stdout.contains('\u{1b}'),
        "NO_COLOR wins: {both:?}"
    );
}

#[test]
fn verbose_says_what_was_decided_on_stderr_and_leaves_stdout_alone() {
    let example = fixture("example.csv");
    let quiet = nps(&["score", &example, "--format", "json"]);
    let loud = nps(&["score", &example, "--format", "json", "-v"]);
    assert_eq!(quiet.expect(0).stdout, loud.expect(0).stdout);
    for says in [
        "settings: no settings file",
        "csv, UTF-8, delimiter \",\"; preset generic",
        "score column \"score\": name contains \"score\"",
        "stage read and count: ",
        "stage render and write: ",
    ] {
        assert!(loud.stderr.contains(says), "{says}: {loud:?}");
    }
    assert!(!loud.stderr.contains("columns \"response_id\""), "{loud:?}");
    let louder = nps(&["-vv", "score", &example, "--format", "json"]);
    assert!(
        louder
            .expect(0)
            .stderr
            .contains("columns \"response_id\", \"customer_id\""),
        "{louder:?}"
    );
    assert!(!quiet.stderr.contains("stage "), "{quiet:?}");
}

#[test]
fn a_flag_given_twice_takes_its_last_value() {
    // Finding F48: `-q -q` was an error. Shell aliases and wrappers repeat flags; the last wins,
    // as in most Unix tools, while a repeatable flag (--where) still adds up.
    let example = fixture("example.csv");
    let run = nps(&[
        "score", &example, "-q", "-q", "--format", "csv", "--format", "json",
    ]);
    assert_eq!(run.expect(0).json()["n"], 37);
    let both = nps(&[
        "score",
        &example,
        "--where",
        "plan=free",
        "--where",
        "channel=email",
        "-f",
        "json",
        "-q",
    ]);
    let one = nps(&[
        "score",
        &example,
        "--where",
        "plan=free",
        "-f",
        "json",
        "-q",
    ]);
    assert!(both.expect(0).json()["n"].as_u64() < one.expect(0).json()["n"].as_u64());
}
