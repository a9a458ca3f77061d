//! Comments inside the passes (`nps themes`): which columns make a response's comment and give
//! its language, and what a pass keeps of each used response's comment — its key among the
//! carried cells (so responses are counted per key like any `--by` value), its evidence (each
//! theme's scores and intents, quotes, counts per term), and, for `--per-response`, one row per
//! response handed to a sink in input order.

use std::sync::{Arc, Mutex};

use super::whole::{Batch, Head, Source};
use crate::error::Location;
use crate::text::Lang;
use crate::themes::evidence::Evidence;
use crate::themes::{signature, Tagged, Tagger};

/// The name of the carried column holding each response's comment key. It is never a user's
/// column: keys are carried after every `--by` column.
pub const KEY_NAME: &str = "(comment themes)";

/// One used response's comment, as `--per-response` writes it. Rows are made for every response
/// of a file, so they are kept compact: themes and terms are indices into the tagger's lexicon,
/// and the input's name is shared. (Whole responses, for `nps followup` and `nps risk`, are
/// [`super::whole`]'s.)
#[derive(Debug, Clone)]
pub struct TaggedRow {
    /// The input's name.
    pub source: Source,
    /// Where the response is in it.
    pub location: Location,
    /// The respondent id, when the input has one.
    pub id: Option<String>,
    /// The 0–10 score.
    pub score: u8,
    /// The comment's language, `und` when undetermined, empty without a comment.
    pub lang: &'static str,
    /// `problem`, `request`, `praise`, `none`; empty without a comment.
    pub intent: &'static str,
    /// Themes (indices into the lexicon's themes), in lexicon order.
    pub themes: Vec<u16>,
    /// Each counted term with its byte span in the comment.
    pub terms: Vec<TermHit>,
}

/// A counted term: its index in the lexicon's terms (whose `theme` gives its theme) and its
/// byte span in the comment (several comment columns: in their text joined by line feeds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermHit {
    /// Index into the lexicon's terms.
    pub term: u32,
    /// Start of the byte span.
    pub start: u32,
    /// End of the byte span.
    pub end: u32,
}

/// A cell that `nps followup` and `nps risk` want of each response besides its score, date and
/// comment: a role's column (found like the other roles; a missing one gives empty cells) or a
/// column named by a flag (a missing one is an error naming the flag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowCell {
    /// The column playing this role, if any.
    Role(crate::ingest::columns::Role),
    /// The column with this name, named by `flag`.
    Column {
        /// The column's name.
        name: String,
        /// The flag that named it (`--by`, `--value`), for errors.
        flag: &'static str,
    },
}

/// A term that counted, and where, by name (as `--per-response` writes it).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TermSpan {
    /// The theme's key.
    pub theme: String,
    /// The term as written in the themes file.
    pub term: String,
    /// Byte span in the comment (several comment columns: in their text joined by line feeds).
    pub start: usize,
    /// End of the byte span.
    pub end: usize,
}

/// Where `--per-response` rows go, in input order. The sink keeps its own first write error
/// (a closed pipe, a full disk) and ignores the rows after it; its owner reports it.
pub type RowSink = Arc<Mutex<dyn FnMut(TaggedRow) + Send>>;

/// Hand `row` to `sink`.
pub(crate) fn send(sink: &RowSink, row: TaggedRow) {
    let mut write = sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    (*write)(row)
}

/// What the plan says about comments.
#[derive(Clone)]
pub(crate) struct CommentPlan {
    /// The comment columns (`--comment-col a,b`: one text per response, joined by line breaks).
    pub(crate) columns: Vec<usize>,
    /// The language column, when the export has one.
    pub(crate) lang: Option<usize>,
    pub(crate) tagger: Arc<Tagger>,
    /// The respondent id column, for `--per-response` rows.
    pub(crate) id: Option<usize>,
    /// Keys name the themes (`--eval`, `--dedupe`, `--weight`: figures come from the responses
    /// kept); otherwise the pass counts each theme's scores in the evidence.
    pub(crate) sets: bool,
    /// The input's name, shared by its rows.
    pub(crate) source: Source,
    /// Whole responses carry their id, comment and these cells ([`RowCell`], resolved; `None`:
    /// the input has no such column) — set for `nps followup` and `nps risk`, whose comments the
    /// pass does not tag (a row's language is the language column's).
    pub(crate) whole: Option<Vec<Option<usize>>>,
    /// Which comments' n-grams the evidence counts, if any.
    pub(crate) grams: Option<crate::themes::grams::Counting>,
}

/// A response's comment, tagged: the key, and what `--per-response` needs.
pub(crate) struct CommentCell {
    pub(crate) key: String,
    pub(crate) tagged: Tagged,
    pub(crate) themes: Vec<usize>,
}

impl CommentPlan {
    /// Tag the comment of a record whose cells `cell` gives; offer it as a quote.
    pub(crate) fn tag<S: AsRef<str>>(
        &self,
        cell: impl Fn(usize) -> S,
        score: u8,
        evidence: &mut Evidence,
        group: Option<&str>,
    ) -> CommentCell {
        let lang = self.lang.and_then(|i| Lang::parse(cell(i).as_ref()));
        if self.whole.is_some() {
            // Whole responses are read by their command, which tags only what it keeps
            // (followup, the comments it writes; risk reads churn language, not themes).
            return CommentCell {
                key: String::new(),
                tagged: Tagged {
                    lang,
                    ..Tagged::default()
                },
                themes: Vec::new(),
            };
        }
        let one;
        let joined;
        let text: &str = match self.columns.as_slice() {
            [i] => {
                one = cell(*i);
                one.as_ref().trim()
            }
            _ => {
                joined = self.text(&cell);
                &joined
            }
        };
        let mut tagged = match self.grams {
            Some(_) => self.tagger.tag_words(Some(text), lang),
            None => self.tagger.tag(Some(text), lang),
        };
        let themes = self.tagger.themes_of(&tagged);
        if let Some(counting) = self.grams {
            if let Some(slots) = counting.slots(&tagged, &themes, score) {
                evidence
                    .grams
                    .count(&tagged.words, text, (&slots, &themes), score, group);
            }
            tagged.words = Vec::new();
        }
        if !themes.is_empty() && tagged.content == Some(crate::themes::Content::Text) {
            evidence.offer(&themes, text, score);
            let mut terms: Vec<u32> = tagged.found.iter().map(|f| f.term).collect();
            terms.sort_unstable();
            terms.dedup();
            evidence.count_terms(&terms);
            if !self.sets {
                let intent = tagged
                    .intent
                    .unwrap_or(crate::themes::Intent::None)
                    .or_score(score);
                let at = crate::themes::Intent::ALL.iter().position(|&i| i == intent);
                evidence.count_themes(&themes, score, at.unwrap_or(3));
            }
        }
        CommentCell {
            key: signature::encode(&tagged, &themes, self.sets),
            tagged,
            themes,
        }
    }

    /// The comment of a record whose cells `cell` gives: its comment columns' trimmed texts,
    /// the blank ones left out, joined by line feeds.
    fn text<S: AsRef<str>>(&self, cell: impl Fn(usize) -> S) -> String {
        if let [i] = self.columns.as_slice() {
            return cell(*i).as_ref().trim().to_string();
        }
        let parts: Vec<String> = self
            .columns
            .iter()
            .map(|&i| cell(i).as_ref().trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        parts.join("\n")
    }

    /// The row handed to `rows_out` for a tagged response whose cells `cell` gives.
    pub(crate) fn row<S: AsRef<str>>(
        &self,
        comment: &CommentCell,
        cell: impl Fn(usize) -> S,
        location: Location,
        score: u8,
    ) -> TaggedRow {
        let id = self.id.map(|i| cell(i).as_ref().trim().to_string());
        let id = id.filter(|t| !t.is_empty());
        let t = &comment.tagged;
        let lang = match (t.lang, t.content) {
            (_, Some(crate::themes::Content::Blank)) | (_, None) => "",
            (Some(l), _) => l.code(),
            (None, _) => "und",
        };
        let intent = match (t.intent, t.content) {
            (Some(i), Some(crate::themes::Content::Text)) => i.or_score(score).name(),
            (Some(i), Some(crate::themes::Content::Empty)) => i.name(),
            _ => "",
        };
        let themes = comment.themes.iter().map(|&i| i as u16).collect();
        let terms = t
            .found
            .iter()
            .map(|f| TermHit {
                term: f.term,
                start: f.start as u32,
                end: f.end as u32,
            })
            .collect();
        TaggedRow {
            source: self.source,
            location,
            id,
            score,
            lang,
            intent,
            themes,
            terms,
        }
    }

    /// Add a whole response whose cells `cell` gives to `batch` (made for this input when
    /// `None`): its id, comment and the cells [`CommentPlan::whole`] names.
    pub(crate) fn push_whole<S: AsRef<str> + Default>(
        &self,
        batch: &mut Option<Batch>,
        cell: impl Fn(usize) -> S,
        head: Head,
    ) {
        let Some(wanted) = &self.whole else {
            return;
        };
        let batch = batch.get_or_insert_with(|| Batch::new(self.source, wanted.len()));
        let id = self.id.map(&cell).unwrap_or_default();
        let comment = self.columns.iter().map(|&i| cell(i));
        let cells = wanted.iter().map(|i| i.map(&cell).unwrap_or_default());
        batch.push(head, id.as_ref(), comment, cells);
    }
}

/// What a chunk keeps of its comments besides their keys.
#[derive(Default)]
pub(crate) struct CommentTally {
    pub(crate) evidence: Evidence,
    /// `--per-response` rows waiting for their line numbers: record offset, then the row.
    pub(crate) rows: Vec<(usize, TaggedRow)>,
    /// Whole responses waiting for their line numbers, and each one's record offset.
    pub(crate) whole: Option<Batch>,
    pub(crate) whole_at: Vec<usize>,
}
