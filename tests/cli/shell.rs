//! `nps completions`, `nps man`, `nps --version` and `nps version`, checked with the real shells,
//! groff and git.

use std::process::Command;

use super::{nps, root};

/// Write `nps completions SHELL` to a temporary file; its path.
fn completions(shell: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let run = nps(&["completions", shell]);
    run.expect(0);
    assert!(run.stdout.contains("nps"), "{run:?}");
    let path = dir.join(format!("nps.{shell}"));
    std::fs::write(&path, &run.stdout).unwrap();
    path
}

/// Run `shell args…`, or say it is not installed (the CI script installs zsh and fish).
fn shell(program: &str, args: &[&str]) -> Option<std::process::Output> {
    match Command::new(program).args(args).output() {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::env::var_os("CI").is_none() => {
            eprintln!("{program} is not installed: its completions are not loaded here");
            None
        }
        Err(e) => panic!("{program}: {e}"),
    }
}

#[test]
fn completions_parse_and_load_in_their_shells() {
    let dir = tempfile::tempdir().unwrap();
    let bash = completions("bash", dir.path());
    let out = shell("bash", &["-n", bash.to_str().unwrap()]).expect("bash is always here");
    assert!(out.status.success(), "{out:?}");
    // Loaded for real, the function completes a subcommand's flags.
    let script = format!(
        "source '{}'; COMP_WORDS=(nps score --score); COMP_CWORD=2; _nps nps --score score; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bash.display()
    );
    let out = shell("bash", &["-c", &script]).unwrap();
    let offered = String::from_utf8_lossy(&out.stdout);
    assert!(offered.lines().any(|l| l == "--score-col"), "{out:?}");
    let zsh = completions("zsh", dir.path());
    if let Some(out) = shell(
        "zsh",
        &[
            "-c",
            &format!(
                "autoload -U compinit && compinit -u && source '{}'",
                zsh.display()
            ),
        ],
    ) {
        assert!(out.status.success(), "{out:?}");
    }
    let fish = completions("fish", dir.path());
    if let Some(out) = shell(
        "fish",
        &[
            "-c",
            &format!(
                "source '{}'; and complete -C 'nps score --score'",
                fish.display()
            ),
        ],
    ) {
        assert!(out.status.success(), "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("--score-col"),
            "{out:?}"
        );
    }
    for other in ["powershell", "elvish"] {
        completions(other, dir.path());
    }
    nps(&["completions", "tcsh"]).expect(2);
}

#[test]
fn the_man_page_renders_with_every_command_and_the_exit_statuses() {
    let run = nps(&["man"]);
    run.expect(0);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("nps.1");
    std::fs::write(&page, &run.stdout).unwrap();
    // groff with warnings on (-ww), reading UTF-8 (-k), to plain text.
    let out = Command::new("groff")
        .args(["-k", "-ww", "-man", "-Tutf8", "-P", "-cbou"])
        .arg(&page)
        .output()
        .expect("groff is installed (Debian's groff-base)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    // Every command of `nps --help` has its section.
    let help = nps(&["--help"]);
    let commands: Vec<&str> = help
        .stdout
        .split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 12, "{commands:?}");
    for command in commands {
        let heading = format!("\nNPS {}", command.to_uppercase());
        assert!(
            text.contains(&heading),
            "no section {heading:?} in the man page"
        );
    }
    assert!(text.contains("\nNPS CONFIG SHOW\n"), "{text}");
    // Each command's examples, one command line per line, as in its --help.
    assert!(
        text.contains("   EXAMPLES\n       nps followup responses.csv --as-of 2025-11-20"),
        "{text}"
    );
    for line in [
        "\nEXIT STATUS\n",
        "\nENVIRONMENT\n",
        "\nFILES\n",
        "NO_COLOR",
        "nps.toml",
    ] {
        assert!(text.contains(line), "{line:?} missing");
    }
    for code in ["0", "1", "2", "3", "4"] {
        assert!(
            text.contains(&format!("\n       {code}      ")),
            "exit status {code} missing"
        );
    }
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let run = nps(&["--version"]);
    let line = run.expect(0).stdout.trim().to_string();
    let version = env!("CARGO_PKG_VERSION");
    let commit = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success() && root().join(".git").exists())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match &commit {
        Some(c) => assert!(
            line.starts_with(&format!("nps {version} ({c} ")),
            "{line} vs {c}"
        ),
        None => assert_eq!(line, format!("nps {version}")),
    }
    let json = nps(&["version", "--format", "json"]).expect(0).json();
    assert_eq!(json["version"], version);
    assert_eq!(json["commit"].as_str(), commit.as_deref());
    // The target and polars version, read here from the toolchain and from Cargo.lock.
    let host = Command::new("rustc").arg("-vV").output().unwrap();
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .unwrap();
    assert_eq!(json["target"], host);
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let polars = lock
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"polars\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .unwrap()
        .trim_matches('"');
    assert_eq!(json["polars"], polars);
    assert!(json["features"].is_array(), "{json}");
}

/// `nps --help` lists the commands with their summaries wrapped only where a line is full (the
/// summaries are paragraphs, not lines broken by hand), and each command's examples follow its
/// options.
#[test]
fn help_wraps_the_command_summaries_and_ends_with_examples() {
    let help = nps(&["--help"]);
    help.expect(0);
    let section = help.stdout.split("Commands:\n").nth(1).unwrap();
    let lines: Vec<&str> = section.lines().take_while(|l| !l.is_empty()).collect();
    for pair in lines.windows(2) {
        let Some(next) = pair[1].strip_prefix(&" ".repeat(15)) else {
            continue;
        };
        let word = next.split_whitespace().next().unwrap();
        assert!(
            pair[0].chars().count() + 1 + word.chars().count() > 100,
            "a summary broken before its line is full:\n{}\n{}",
            pair[0],
            pair[1]
        );
    }
    let followup = nps(&["followup", "--help"]);
    followup.expect(0);
    let (options, examples) = followup.stdout.split_once("\nExamples:\n").unwrap();
    assert!(options.contains("--sla"), "{options}");
    assert!(
        examples.starts_with("  nps followup responses.csv --as-of 2025-11-20"),
        "{examples}"
    );
}

/// `-q` silences notes before the command's name as after it.
#[test]
fn quiet_goes_before_or_after_the_command() {
    let file = root().join("fixtures/themes/en-holdout.csv");
    let file = file.to_str().unwrap();
    let loud = nps(&["themes", file]);
    loud.expect(0);
    assert!(!loud.stderr.is_empty(), "{loud:?}");
    for args in [["-q", "themes", file], ["themes", "-q", file]] {
        let quiet = nps(&args);
        quiet.expect(0);
        assert_eq!(quiet.stderr, "", "{args:?}");
        assert_eq!(quiet.stdout, loud.stdout, "{args:?}");
    }
}

/// Every `console` example in the README is what nps prints today: each line shown (but `…`)
/// is a line of the command's stdout or stderr, trailing spaces aside.
#[test]
fn the_readme_console_examples_are_what_nps_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let mut lines = block.lines();
        let command = lines.next().unwrap().strip_prefix("$ nps ").unwrap();
        // The examples' arguments hold no spaces of their own.
        let args: Vec<&str> = command.split_whitespace().collect();
        let run = nps(&args);
        let printed: Vec<&str> = run
            .stdout
            .lines()
            .chain(run.stderr.lines())
            .map(str::trim_end)
            .collect();
        for line in lines.filter(|l| !l.trim().is_empty() && l.trim() != "…") {
            assert!(
                printed.contains(&line.trim_end()),
                "README example `nps {command}` shows a line nps does not print:\n{line}\n{run:?}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 7, "{checked} console examples");
}
