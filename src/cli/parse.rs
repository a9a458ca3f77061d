//! From the process's arguments to a [`Cli`]: settings files and `NPS_*` variables become the
//! flags' defaults ([`super::settings`]), clap parses, and `-o -` is made standard output.

use super::{Cli, Command, ConfigAction, ConfigArgs, OutputArgs};

/// Why a command line was not parsed.
#[derive(Debug)]
pub enum ParseFailure {
    /// clap's own error, help or version text: print it with [`clap::Error::exit`].
    Clap(clap::Error),
    /// A settings file or variable is wrong (exit 2, naming the file and line or the variable).
    Settings(crate::Error),
}

/// Parse a command line (program name first) with the settings files and `NPS_*` variables as
/// the flags' defaults (see [`super::settings`]).
pub fn parse(args: Vec<std::ffi::OsString>) -> Result<Cli, ParseFailure> {
    use clap::{CommandFactory, FromArgMatches};
    let cwd = std::env::current_dir().unwrap_or_default();
    let (command, settings) =
        super::settings::apply(Cli::command(), &args, &cwd).map_err(ParseFailure::Settings)?;
    let mut matches = command
        .try_get_matches_from(args)
        .map_err(ParseFailure::Clap)?;
    let mut cli = Cli::from_arg_matches_mut(&mut matches).map_err(ParseFailure::Clap)?;
    cli.settings = settings;
    // `-o -` is standard output, as `-` is standard input (finding F44), not a file named `-`.
    // (`nps report` has its own `-o`: it writes HTML and Markdown besides JSON.)
    if let Command::Report(report) = &mut cli.command {
        if report.output.as_deref() == Some(std::path::Path::new("-")) {
            report.output = None;
        }
    }
    if let Some(output) = cli.command.output_mut() {
        if output.output.as_deref() == Some(std::path::Path::new("-")) {
            output.output = None;
        }
        output.quiet |= cli.global.quiet;
    }
    if let Command::Report(report) = &mut cli.command {
        report.quiet |= cli.global.quiet;
    }
    Ok(cli)
}

impl Command {
    /// The command's output options, for the commands that write a report.
    pub fn output_mut(&mut self) -> Option<&mut OutputArgs> {
        match self {
            Command::Score(a) => Some(&mut a.output),
            Command::Segment(a) => Some(&mut a.output),
            Command::Trend(a) => Some(&mut a.output),
            Command::Compare(a) => Some(&mut a.output),
            Command::Check(a) => Some(&mut a.output),
            Command::Inspect(a) => Some(&mut a.output),
            Command::Themes(a) => Some(&mut a.output),
            Command::Followup(a) => Some(&mut a.output),
            Command::Risk(a) => Some(&mut a.output),
            Command::Plan(a) => Some(&mut a.output),
            Command::Version(a) => Some(&mut a.output),
            Command::Config(ConfigArgs {
                action: ConfigAction::Show(a),
            }) => Some(&mut a.output),
            Command::Report(_) | Command::Completions(_) | Command::Man => None,
        }
    }
}
