//! Settings: reading the command line for files, the list of excluded flags, layering within a
//! file. Precedence across files and the environment is tested end to end (tests/cli/settings.rs),
//! where each run has its own environment and working directory.

use std::ffi::OsString;

use clap::CommandFactory;

use super::*;
use crate::cli::Cli;

fn args(list: &[&str]) -> Vec<OsString> {
    list.iter().map(OsString::from).collect()
}

#[test]
fn config_flags_are_read_before_parsing_and_values_after_double_dash_are_not_flags() {
    assert_eq!(
        Discovery::from_args(&args(&["nps", "score", "a.csv"])),
        Discovery::Search
    );
    assert_eq!(
        Discovery::from_args(&args(&["nps", "score", "--config", "x.toml", "a.csv"])),
        Discovery::Only("x.toml".into())
    );
    assert_eq!(
        Discovery::from_args(&args(&["nps", "--config=y.toml", "score"])),
        Discovery::Only("y.toml".into())
    );
    assert_eq!(
        Discovery::from_args(&args(&["nps", "score", "--no-config"])),
        Discovery::None
    );
    assert_eq!(
        Discovery::from_args(&args(&["nps", "score", "--", "--no-config"])),
        Discovery::Search
    );
}

#[test]
fn every_excluded_name_is_a_flag_and_every_setting_has_a_variable() {
    let mut root = Cli::command();
    root.build();
    let longs: Vec<&str> = root
        .get_subcommands()
        .flat_map(|c| c.get_arguments().filter_map(|a| a.get_long()))
        .chain(root.get_arguments().filter_map(|a| a.get_long()))
        .collect();
    for name in configurable::EXCLUDED {
        assert!(
            longs.contains(&name),
            "{name} is excluded but no command has it"
        );
    }
    assert_eq!(variable("score-col"), "NPS_SCORE_COL");
    assert_eq!(variable("min-n"), "NPS_MIN_N");
}

#[test]
fn a_commands_table_wins_over_the_top_level_of_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("team.toml");
    std::fs::write(&file, "min-n = 50\ndecimals = 2\n\n[check]\nmin-n = 20\n").unwrap();
    let line = format!("--config={}", file.display());
    let (_, settings) = apply(
        Cli::command(),
        &args(&["nps", &line, "segment", "a.csv"]),
        dir.path(),
    )
    .unwrap();
    let get = |command: &str, key: &str| {
        settings
            .resolved
            .iter()
            .find(|r| r.command == command && r.key == key)
            .map(|r| (r.values.join(","), r.origin.to_string()))
            .unwrap()
    };
    let at = |line: usize| format!("{} line {line}", file.display());
    assert_eq!(get("segment", "min-n"), ("50".into(), at(1)));
    assert_eq!(get("themes", "min-n"), ("50".into(), at(1)));
    assert_eq!(get("check", "min-n"), ("20".into(), at(5)));
    assert_eq!(get("score", "decimals"), ("2".into(), at(2)));
    assert_eq!(
        get("score", "ci"),
        ("adjusted-wald".into(), "default".into())
    );
    assert_eq!(settings.files, vec![file]);
}

#[test]
fn settings_become_the_defaults_clap_parses_with() {
    use clap::FromArgMatches;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nps.toml");
    std::fs::write(
        &file,
        "score-col = \"rating\"\nwhere = [\"plan=pro\", \"country!=FR\"]\n",
    )
    .unwrap();
    let parse = |list: &[&str]| {
        let (command, _) = apply(Cli::command(), &args(list), dir.path()).unwrap();
        let mut matches = command.try_get_matches_from(args(list)).unwrap();
        match Cli::from_arg_matches_mut(&mut matches).unwrap().command {
            crate::cli::Command::Score(a) => a.input,
            other => panic!("{other:?}"),
        }
    };
    let from_file = parse(&["nps", "score", "a.csv"]);
    assert_eq!(from_file.score_col.as_deref(), Some("rating"));
    assert_eq!(from_file.filters.len(), 2);
    // A flag replaces the file's list rather than adding to it.
    let typed = parse(&[
        "nps",
        "score",
        "a.csv",
        "--where",
        "plan=free",
        "--score-col",
        "nps",
    ]);
    assert_eq!(typed.score_col.as_deref(), Some("nps"));
    assert_eq!(typed.filters.len(), 1);
    assert_eq!(typed.filters[0].value, "free");
    let none = parse(&["nps", "score", "a.csv", "--no-config"]);
    assert_eq!(none.score_col, None);
}
