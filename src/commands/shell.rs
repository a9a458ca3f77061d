//! `nps completions SHELL` and `nps man`: what a shell and `man` need, generated from the same
//! clap definition as `--help`, so they cannot drift from the flags. Both are written to stdout,
//! to be redirected where the shell or `man` looks (the README says where).

use std::io::Write;

use clap::CommandFactory;
use roff::{bold, roman, Roff};

use crate::cli::settings::PROJECT_FILE;
use crate::cli::Cli;
use crate::error::{Error, ExitStatus};

/// Run `nps completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitStatus, Error> {
    let mut cmd = Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut cmd, "nps", &mut bytes);
    write_stdout(&bytes)
}

/// Run `nps man`.
pub fn man() -> Result<ExitStatus, Error> {
    write_stdout(page().as_bytes())
}

fn write_stdout(bytes: &[u8]) -> Result<ExitStatus, Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|source| Error::Write {
            target: "stdout".into(),
            source,
        })?;
    Ok(ExitStatus::Success)
}

/// The whole manual page: the program, then one section per command (its synopsis,
/// description and options), then exit status, environment and files.
pub fn page() -> String {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let man = clap_mangen::Man::new(root.clone()).date(env!("NPS_COMMIT_DATE"));
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
    let _ = man.render_subcommands_section(&mut out);
    for (path, command) in leaves(&root, "nps") {
        out.extend(
            Roff::new()
                .control("SH", [path.to_uppercase().as_str()])
                .render()
                .bytes(),
        );
        let mut part = Vec::new();
        let sub = clap_mangen::Man::new(command.clone());
        let _ = sub.render_synopsis_section(&mut part);
        let _ = sub.render_description_section(&mut part);
        let _ = sub.render_options_section(&mut part);
        // The command's own sections become subsections of its section.
        for line in String::from_utf8_lossy(&part).lines() {
            match line.strip_prefix(".SH ") {
                Some(rest) => out.extend(format!(".SS {rest}\n").bytes()),
                None => out.extend(format!("{line}\n").bytes()),
            }
        }
        if let Some(examples) = command.get_after_help() {
            out.extend(examples_section(&examples.to_string()).bytes());
        }
    }
    out.extend(epilogue().bytes());
    let _ = man.render_version_section(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A command's examples (its `after_help`: a heading line, then one indented command line
/// each) as an EXAMPLES subsection, line for line.
fn examples_section(text: &str) -> String {
    let mut roff = Roff::new();
    roff.control("SS", ["EXAMPLES"]).control("nf", []);
    for line in text.lines().skip(1) {
        roff.text([roman(line.trim())]);
    }
    roff.control("fi", []).render()
}

/// Every command that runs something (`config show`, not `config`), with its full name.
fn leaves<'a>(cmd: &'a clap::Command, path: &str) -> Vec<(String, &'a clap::Command)> {
    let mut found = Vec::new();
    for sub in cmd.get_subcommands() {
        let name = format!("{path} {}", sub.get_name());
        if sub.has_subcommands() {
            found.extend(leaves(sub, &name));
        } else {
            found.push((name, sub));
        }
    }
    found
}

/// EXIT STATUS (DESIGN.md §6), ENVIRONMENT and FILES: the same page on every machine (the user's
/// settings file is named by its rule, not by this machine's path).
fn epilogue() -> String {
    let mut roff = Roff::new();
    let user = if cfg!(windows) {
        "%APPDATA%\\nps\\config.toml"
    } else {
        "$XDG_CONFIG_HOME/nps/config.toml (default ~/.config/nps/config.toml)"
    };
    let project = format!("{PROJECT_FILE} (in the working directory or a parent)");
    for (heading, items) in [
        ("EXIT STATUS", vec![
            ("0", "Success; also --help, --version, and a reader downstream that closed the pipe."),
            ("1", "A gate failed: the analysis ran and a nps check rule (or --min on nps score) was not met."),
            ("2", "Usage error: a bad flag or value, an impossible combination, a bad settings file or NPS_* variable."),
            ("3", "Input or data error: an unreadable file, an unknown format, a missing or ambiguous column, no valid responses, invalid scores under --strict."),
            ("4", "Output error: the output could not be written."),
        ]),
        ("ENVIRONMENT", vec![
            ("NPS_*", "A setting, named NPS_ and the flag's long name in capitals with - as _ (NPS_SCORE_COL, NPS_MIN_N, NPS_FORMAT). It overrides settings files; a flag overrides it."),
            ("NO_COLOR", "Any non-empty value: no colour, whatever the terminal (--color always still asks for it)."),
            ("CLICOLOR_FORCE", "Any value but 0: colour even when stdout is not a terminal (NO_COLOR wins over it)."),
            ("CLICOLOR", "0: no colour."),
            ("TERM", "dumb: no colour."),
            ("POLARS_MAX_THREADS", "Threads of the query engine; a value it cannot use is ignored with a warning."),
        ]),
        ("FILES", vec![
            (project.as_str(), "Settings of a project: the first found going up from the working directory. Keys are the flags' long names; a table named after a command ([check]) holds that command's own. See nps config show --origin."),
            (user, "The user's settings, below the project's."),
        ]),
    ] {
        roff.control("SH", [heading]);
        for (tag, text) in items {
            roff.control("TP", []).text([bold(tag)]).text([roman(text)]);
        }
    }
    roff.render()
}
