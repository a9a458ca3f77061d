//! The arguments of the commands around the analysis: `version`, `completions`, `man`, `config`,
//! and the flags every command takes (`--config`, `--no-config`, `-v`, and `-q` before the command).

use std::path::PathBuf;

use clap::{ArgAction, Args, Subcommand, ValueHint};

use super::OutputArgs;

/// Flags of every command.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Read settings from this file only, instead of the nearest nps.toml and the user's
    /// config.toml.
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Settings")]
    pub config: Option<PathBuf>,

    /// Read no settings file (NPS_* environment variables still apply).
    #[arg(
        long,
        global = true,
        conflicts_with = "config",
        help_heading = "Settings"
    )]
    pub no_config: bool,

    /// Write what was decided (settings files, formats, columns) and how long each stage took
    /// to stderr; -vv adds more detail.
    #[arg(short = 'v', long = "verbose", action = ArgAction::Count, global = true, help_heading = "Settings")]
    pub verbose: u8,

    /// Silence notes on stderr, as the command's own -q does (`nps -q score …` as well as
    /// `nps score -q …`).
    #[arg(
        short = 'q',
        long = "quiet",
        id = "quiet_before_command",
        help_heading = "Settings"
    )]
    pub quiet: bool,
}

/// `nps version`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

/// `nps completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `nps config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ConfigAction,
}

/// The `nps config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// The effective settings of every command (from flags' defaults, settings files and NPS_*
    /// variables), and with --origin where each came from.
    #[command(after_help = examples!(
        "nps config show",
        "nps config show --origin",
        "nps config show --format json",
    ))]
    Show(ConfigShowArgs),
}

/// `nps config show`.
#[derive(Debug, Args)]
pub struct ConfigShowArgs {
    /// Say where each value came from: a file and its line, an environment variable, or the
    /// built-in default.
    #[arg(long)]
    pub origin: bool,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}
