//! The arguments of `nps themes`: the lexicon, the summary's options, and its modes — one row
//! per response, `--explain`, `--eval`, and themes in context (`--discover`, `--by`, `--every`,
//! `--drill`).

use std::path::PathBuf;

use clap::{Args, ValueHint};

use super::shared::{InputArgs, OutputArgs, StatsArgs};
use super::values::parse_lang;

/// `nps themes`.
#[derive(Debug, Args)]
pub struct ThemesArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub stats: StatsArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,

    /// A themes file (TOML, the format of --print-themes): its themes are added to the built-in
    /// ones, and a theme with a built-in key gains its terms.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Themes")]
    pub themes: Vec<PathBuf>,

    /// Use only the --themes files, not the built-in themes.
    #[arg(long, requires = "themes", help_heading = "Themes")]
    pub replace: bool,

    /// Write the built-in themes file (the start of a file of your own) and exit.
    #[arg(long, help_heading = "Themes")]
    pub print_themes: bool,

    /// The language of comments whose export has no language column: en or fr. Without it,
    /// each comment's language is voted from its words.
    #[arg(long, value_name = "LANG", value_parser = parse_lang, help_heading = "Themes")]
    pub lang: Option<crate::text::Lang>,

    /// One row per response (source, line, id, score, category, lang, intent, themes, matched
    /// terms with their byte spans) instead of the summary; csv, json or ndjson, written as the
    /// input is read.
    #[arg(long, help_heading = "Themes")]
    pub per_response: bool,

    /// Show how one text is read: its words, stems, language, intent and every term that fired.
    #[arg(long, value_name = "TEXT", help_heading = "Themes")]
    pub explain: Option<String>,

    /// Precision, recall and F1 per theme against this column of human labels (theme keys
    /// joined with `;` or `,`; empty = no theme).
    #[arg(long, value_name = "COL", help_heading = "Themes")]
    pub eval: Option<String>,

    /// Quotes shown per theme (0–20), chosen deterministically: detractors first for a theme
    /// that pulls the NPS down, promoters first for one that lifts it.
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=20), help_heading = "Themes")]
    pub examples: u8,

    /// Themes mentioned by fewer responses are flagged as small samples.
    #[arg(long, default_value_t = 30, value_name = "N", help_heading = "Themes")]
    pub min_n: u64,

    /// The full list of distinctive words and phrases (detractors vs promoters, untagged vs
    /// tagged comments), with a quote each and as lines for a themes file. The table shows the
    /// first few without it; csv then lists the terms instead of the themes.
    #[arg(long, help_heading = "Themes in context")]
    pub discover: bool,

    /// Per segment of these columns: each theme's mention rate, detractor share and impact
    /// within the segment, tested against the rest, and the segment's distinctive terms.
    #[arg(long, value_name = "COL[,COL]", help_heading = "Themes in context")]
    pub by: Vec<String>,

    /// Per period: each theme's share of commented responses, its change from the previous
    /// period, and the words and phrases emerging in the last period.
    #[arg(
        long,
        value_enum,
        value_name = "PERIOD",
        help_heading = "Themes in context"
    )]
    pub every: Option<crate::metrics::period::Every>,

    /// The phrases inside one theme's comments (its key), with counts, answer categories,
    /// intents and a quote each.
    #[arg(long, value_name = "THEME", help_heading = "Themes in context")]
    pub drill: Option<String>,
}
