//! Which commands and flags settings files and `NPS_*` variables may set.

use clap::{Arg, Command};

/// Flags that say what one run asks, not how the user works: never settings. A file that set
/// one would change what every run does without a trace on its command line (`output` would
/// write over a file; `by` or `margin` would answer another question).
pub const EXCLUDED: [&str; 22] = [
    "help",
    "version",
    "config",
    "no-config",
    "verbose",
    "output",
    "by",
    "groups",
    "split-date",
    "paired",
    "every",
    "explain",
    "print-themes",
    "per-response",
    "eval",
    "margin",
    "n",
    "from",
    "expect",
    "as-of",
    "done",
    "only",
];

/// Commands without settings: they read no responses.
const WITHOUT: [&str; 5] = ["config", "completions", "man", "version", "help"];

/// Whether settings apply to this command.
pub fn command(command: &Command) -> bool {
    !WITHOUT.contains(&command.get_name())
}

/// The names of the commands with settings, for messages.
pub fn command_names(root: &Command) -> Vec<&str> {
    root.get_subcommands()
        .filter(|c| command(c))
        .map(Command::get_name)
        .collect()
}

/// The flags of `command` that are settings: those with a long name, not in [`EXCLUDED`].
pub fn args(command: &Command) -> impl Iterator<Item = &Arg> {
    command
        .get_arguments()
        .filter(|a| a.get_long().is_some_and(|l| !EXCLUDED.contains(&l)) && !a.is_positional())
}
