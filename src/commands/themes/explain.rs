//! `nps themes --explain TEXT`: how the tagger reads one text — its words and stems, its
//! language and why, its intent and the cues behind it, every term that fired, and every term
//! found but not counted, with the reason.

use serde::Serialize;

use crate::cli::ThemesArgs;
use crate::error::{Error, ExitStatus};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};
use crate::themes::shown_term as shown;
use crate::themes::{Content, Intent, LangSource, Tagger};

/// One word.
#[derive(Debug, Clone, Serialize)]
pub struct Word {
    /// As written.
    pub text: String,
    /// Lower-cased, elisions expanded.
    pub word: String,
    /// Per language matched, the stem.
    pub stems: Vec<(String, String)>,
    /// Byte span.
    pub start: usize,
    /// End of the byte span.
    pub end: usize,
}

/// A term found.
#[derive(Debug, Clone, Serialize)]
pub struct Fired {
    /// The theme's key.
    pub theme: String,
    /// The term as written in the themes file.
    pub term: String,
    /// How it matches: stem, prefix, word, exact, phrase or regex.
    pub mode: &'static str,
    /// Its language.
    pub lang: &'static str,
    /// The words it matched.
    pub text: String,
    /// Byte span.
    pub start: usize,
    /// End of the byte span.
    pub end: usize,
    /// Why it does not count, when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped: Option<&'static str>,
}

/// A cue of intent.
#[derive(Debug, Clone, Serialize)]
pub struct CueRow {
    /// The intent it is written under.
    pub intent: Intent,
    /// The words.
    pub text: String,
    /// Turned round by a negation before it.
    pub negated: bool,
}

/// The result of `nps themes --explain` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct ExplainReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `themes-explain`.
    pub command: &'static str,
    /// The text.
    pub text: String,
    /// Its language (`null`: undetermined, both lexicons matched).
    pub lang: Option<&'static str>,
    /// Where the language came from.
    pub lang_source: LangSource,
    /// The intent.
    pub intent: Intent,
    /// Whether the text says anything.
    pub content: Content,
    /// The theme keys that count.
    pub themes: Vec<String>,
    /// Its words.
    pub words: Vec<Word>,
    /// Intent cues.
    pub cues: Vec<CueRow>,
    /// Terms that count, then terms found but not counted.
    pub terms: Vec<Fired>,
}

pub(super) fn run(tagger: &Tagger, text: &str, args: &ThemesArgs) -> Result<ExitStatus, Error> {
    let a = tagger.analyse(text, None);
    let lexicon = &tagger.lexicon;
    let fired = |f: &crate::themes::matcher::Found, dropped| {
        let term = &lexicon.terms[f.term as usize];
        Fired {
            theme: lexicon.themes[term.theme].key.clone(),
            term: term.text.clone(),
            mode: term.mode.name(),
            lang: term.lang.code(),
            text: text[f.start..f.end].to_string(),
            start: f.start,
            end: f.end,
            dropped,
        }
    };
    let mut terms: Vec<Fired> = a.found.iter().map(|f| fired(f, None)).collect();
    terms.extend(a.dropped.iter().map(|(f, why)| fired(f, Some(*why))));
    let mut themes: Vec<String> = a
        .found
        .iter()
        .map(|f| {
            lexicon.themes[lexicon.terms[f.term as usize].theme]
                .key
                .clone()
        })
        .collect();
    themes.sort();
    themes.dedup();
    let report = ExplainReport {
        schema_version: SCHEMA_VERSION,
        command: "themes-explain",
        text: text.to_string(),
        lang: a.lang.map(|l| l.code()),
        lang_source: a.lang_source,
        intent: a.intent,
        content: a.content,
        themes,
        words: a
            .tokens
            .iter()
            .enumerate()
            .map(|(k, t)| Word {
                text: text[t.start..t.end].to_string(),
                word: t.word.to_string(),
                stems: a
                    .stems
                    .iter()
                    .map(|(l, s)| (l.code().to_string(), s[k].to_string()))
                    .collect(),
                start: t.start,
                end: t.end,
            })
            .collect(),
        cues: a
            .cues
            .iter()
            .map(|c| CueRow {
                intent: c.intent,
                text: text[c.found.start..c.found.end].to_string(),
                negated: c.negated,
            })
            .collect(),
        terms,
    };
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

impl Report for ExplainReport {
    fn sections(&self, _decimals: u8) -> Vec<Section> {
        let mut words = Grid::new(
            &["#", "as written", "word", "stem", "bytes"],
            &[true, false, false, false, false],
        );
        for (k, w) in self.words.iter().enumerate() {
            let stems = w
                .stems
                .iter()
                .map(|(l, s)| format!("{s} ({l})"))
                .collect::<Vec<_>>()
                .join(", ");
            words.push(vec![
                (k + 1).to_string(),
                w.text.clone(),
                w.word.clone(),
                stems,
                format!("{}–{}", w.start, w.end),
            ]);
        }
        let mut terms = Grid::new(
            &["theme", "term", "lang", "matched", "bytes", "counts"],
            &[false, false, false, false, false, false],
        );
        for t in &self.terms {
            terms.push(vec![
                t.theme.clone(),
                shown(t.mode, &t.term),
                t.lang.to_string(),
                t.text.clone(),
                format!("{}–{}", t.start, t.end),
                t.dropped.map_or("yes".into(), |why| format!("no: {why}")),
            ]);
        }
        let cues = self
            .cues
            .iter()
            .map(|c| {
                format!(
                    "{} {:?}{}",
                    c.intent.name(),
                    c.text,
                    if c.negated { " (negated)" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        vec![
            Section {
                heading: Some("Text".into()),
                text: vec![
                    format!(
                        "language: {} ({})",
                        self.lang.unwrap_or("undetermined, both lexicons matched"),
                        match self.lang_source {
                            LangSource::Column => "language column",
                            LangSource::Flag => "--lang",
                            LangSource::Vote => "vote of function words",
                            LangSource::Lexicon => "words only one language's lexicon knows",
                            LangSource::Undetermined => "no majority of function words",
                        }
                    ),
                    format!(
                        "intent: {} (cues: {})",
                        self.intent.name(),
                        if cues.is_empty() {
                            // What a file's score would add (`Intent::or_score`).
                            "none; in a file, a detractor's comment without a cue counts as a \
                             problem and a promoter's as praise"
                                .into()
                        } else {
                            cues
                        }
                    ),
                    format!(
                        "themes: {}",
                        if self.themes.is_empty() {
                            "none".into()
                        } else {
                            self.themes.join(", ")
                        }
                    ),
                ],
                grid: Some(words),
                after: Vec::new(),
                code: None,
            },
            Section {
                heading: Some("Terms".into()),
                text: Vec::new(),
                grid: Some(terms),
                after: Vec::new(),
                code: None,
            },
        ]
    }

    fn csv(&self, _decimals: u8) -> Grid {
        let mut grid = Grid::new(
            &["theme", "term", "lang", "matched", "start", "end", "counts"],
            &[false, false, false, false, true, true, false],
        );
        for t in &self.terms {
            grid.push(vec![
                t.theme.clone(),
                t.term.clone(),
                t.lang.to_string(),
                t.text.clone(),
                t.start.to_string(),
                t.end.to_string(),
                t.dropped.map_or("yes".into(), |why| format!("no: {why}")),
            ]);
        }
        grid
    }
}
