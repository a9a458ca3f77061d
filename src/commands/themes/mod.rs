//! `nps themes`: why people answered as they did.
//!
//! - the summary (`report`): per theme, mentions per answer category, NPS with and without,
//!   impact with its interval, Holm-adjusted p, intent mix, top terms and quotes; plus coverage;
//! - `--per-response` (`rows`): one row per response, written as the input is read;
//! - `--eval COL` (`eval`): precision, recall and F1 against human labels;
//! - `--explain TEXT` (`explain`): how one text is read;
//! - `--print-themes`: the built-in themes file.
//!
//! Tagging runs inside the passes (`ingest::comments`): each response's comment becomes a short
//! key counted like a `--by` value, so the summary and the evaluation come from counts.

pub mod discover;
mod drill;
mod eval;
mod explain;
mod periods;
pub mod report;
mod rows;
mod segments;

use std::sync::Arc;

use polars::prelude::IntoLazy;

use super::{inputs_label, load, no_valid_responses};
use crate::cli::ThemesArgs;
use crate::error::{Error, ExitStatus};
use crate::ingest::{key_column, Dataset};
use crate::metrics::frame;
use crate::metrics::tally::Distribution;
use crate::themes::grams::{Counting, Groups};
use crate::themes::lexicon::{Lexicon, BUILTIN};
use crate::themes::signature::{decode, Signature};
use crate::themes::Tagger;

/// Run `nps themes`.
pub fn run(args: &ThemesArgs) -> Result<ExitStatus, Error> {
    // Themes files are inputs too: never written over.
    crate::output::check_output_path(args.output.output.as_deref(), &args.themes)?;
    crate::ingest::check_stdin_read_once(&args.input.files, &args.themes)?;
    let has_files = !args.input.files.is_empty();
    let modes = [
        (args.print_themes, "--print-themes"),
        (args.explain.is_some(), "--explain"),
        (args.per_response, "--per-response"),
        (args.eval.is_some(), "--eval"),
        (args.discover, "--discover"),
        (!args.by.is_empty(), "--by"),
        (args.every.is_some(), "--every"),
        (args.drill.is_some(), "--drill"),
    ];
    let chosen: Vec<&str> = modes.iter().filter(|m| m.0).map(|m| m.1).collect();
    if chosen.len() > 1 {
        return Err(Error::usage(format!(
            "{} cannot be combined; choose one",
            chosen.join(" and ")
        )));
    }
    if args.print_themes || args.explain.is_some() {
        if has_files {
            return Err(Error::usage(format!(
                "{} reads no input files; remove them",
                chosen[0]
            )));
        }
    } else if !has_files {
        return Err(Error::usage(
            "nps themes needs input files (or --explain TEXT, or --print-themes)",
        ));
    }
    if args.print_themes {
        crate::output::write(BUILTIN, args.output.output.as_deref())?;
        return Ok(ExitStatus::Success);
    }
    let context =
        args.discover || !args.by.is_empty() || args.every.is_some() || args.drill.is_some();
    if context && (args.input.dedupe.is_some() || args.input.weight.is_some()) {
        return Err(Error::usage(format!(
            "{} counts every comment as it is read, so it cannot follow --dedupe or --weight; remove one",
            chosen[0]
        )));
    }
    let tagger = Arc::new(tagger(args)?);
    if let Some(text) = &args.explain {
        return explain::run(&tagger, text, args);
    }
    if args.per_response {
        return rows::run(args, tagger);
    }
    if let Some(theme) = &args.drill {
        return drill::run(args, tagger, theme);
    }
    if let Some(every) = args.every {
        return periods::run(args, tagger, every);
    }
    if !args.by.is_empty() {
        return segments::run(args, tagger);
    }
    if let Some(column) = &args.eval {
        return eval::run(args, tagger, column);
    }
    report::run(args, tagger)
}

/// The lexicon the flags ask for, ready to tag.
pub fn tagger(args: &ThemesArgs) -> Result<Tagger, Error> {
    let stemmers = crate::text::Stemmers::default();
    let mut lexicon = if args.replace {
        Lexicon::default()
    } else {
        Lexicon::builtin(&stemmers)
    };
    for path in &args.themes {
        lexicon.add_path(path, &stemmers)?;
    }
    Ok(Tagger::new(lexicon, args.lang))
}

/// Columns carried before the comment key, and the flag that named them (for the error when the
/// input lacks one).
pub struct Keep(Vec<String>, &'static str);

impl Keep {
    /// No column.
    pub fn none() -> Keep {
        Keep::by(Vec::new())
    }

    /// The `--by` columns.
    pub fn by(columns: Vec<String>) -> Keep {
        Keep(columns, "--by")
    }

    /// The `--eval` label column.
    pub fn eval(column: &str) -> Keep {
        Keep(vec![column.to_string()], "--eval")
    }
}

/// Read the inputs with comments tagged, carrying `keep` first; `grams` counts n-grams.
pub fn load_tagged(
    args: &ThemesArgs,
    tagger: Arc<Tagger>,
    Keep(keep, keep_flag): Keep,
    sets: bool,
    grams: Option<Counting>,
) -> Result<Dataset, Error> {
    load(&args.input, &args.output, |o| {
        o.keep = keep;
        o.keep_flag = keep_flag;
        o.themes = Some(tagger);
        o.theme_sets = sets;
        o.grams = grams;
        o.need_dates = grams.is_some_and(|g| matches!(g.groups, Groups::Every(_)));
    })
}

/// One group of a tagged dataset: its carried cells (before the comment key), the comment key
/// read back, and its responses.
pub type Group = (Vec<Option<String>>, Signature, Distribution);

/// The groups of a tagged dataset, sorted by carried cells and key.
pub fn groups(data: &Dataset) -> Result<Vec<Group>, Error> {
    let keys: Vec<String> = (0..data.key_names.len()).map(key_column).collect();
    let groups = frame::distribution_by(data.frame.clone().lazy(), &keys).map_err(|source| {
        Error::Engine {
            file: inputs_label(data),
            doing: "counting responses per comment theme".into(),
            source,
        }
    })?;
    if data.rows.used == 0 {
        return Err(no_valid_responses(data));
    }
    let mut keyed: Vec<(Vec<Option<String>>, String, Distribution)> = groups
        .into_iter()
        .map(|(mut cells, d)| {
            let key = cells.pop().flatten().unwrap_or_default();
            (cells, key, d)
        })
        .collect();
    // Sorted: sums of weights are added in the same order every run.
    keyed.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    keyed
        .into_iter()
        .map(|(cells, key, d)| match decode(&key) {
            Some(sig) => Ok((cells, sig, d)),
            None => Err(Error::data(
                inputs_label(data),
                format!("unreadable comment key {key:?}; this is a bug in nps, please report it"),
            )),
        })
        .collect()
}
