//! What a report says, as data: one struct per section, in the order the page shows them. The
//! JSON format is this bundle; the HTML page carries it in a `<script type="application/json">`
//! block and draws its charts from it; the Markdown report writes it as tables. Nothing here is
//! rounded but [`CategoryShare::shown`], whose one-decimal shares add up to 100.

use serde::Serialize;

use crate::commands::followup::LoopSummary;
use crate::commands::segment::SegmentRow;
use crate::commands::themes::report::ThemeRow;
use crate::commands::trend::PeriodRow;
use crate::ingest::RowAccounting;
use crate::metrics::compare::Difference;
use crate::metrics::period::Every;
use crate::metrics::themes::Coverage;
use crate::metrics::waterfall::Waterfall;
use crate::metrics::GroupStats;
use crate::output::numbers::{p_value, points};

/// The whole report (JSON schema version 1). A section that was not asked for (no `--every`,
/// no `--by`) is `null`.
#[derive(Debug, Clone, Serialize)]
pub struct Bundle {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `report`.
    pub command: &'static str,
    /// The report's title.
    pub title: String,
    /// 1. The NPS, its interval, and its changes, in words.
    pub verdict: Verdict,
    /// 2. What a reader should know before trusting the numbers.
    pub alerts: Vec<Alert>,
    /// 3. Promoters, passives and detractors, and the 0–10 histogram.
    pub breakdown: Breakdown,
    /// 4. The NPS per period (`--every`).
    pub trend: Option<Trend>,
    /// 5. The NPS per segment (`--by`).
    pub segments: Option<Segments>,
    /// 6. Why: themes and distinctive terms.
    pub why: Why,
    /// 7. What moved the NPS from the previous period to the last (`--by` and `--every`).
    pub changes: Option<Changes>,
    /// 8. The follow-up list in numbers; `null` when the inputs cannot give it (without a date
    ///    column there is no deadline), and an alert says why.
    pub close_the_loop: Option<LoopSummary>,
    /// 9. How the numbers were made, from which files.
    pub method: Method,
}

/// The verdict card.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Every used response.
    pub overall: GroupStats,
    /// The interval method's name.
    pub interval_method: &'static str,
    /// The confidence level (0–1).
    pub confidence: f64,
    /// The level as written: `95%`, `99.5%`.
    pub level: String,
    /// The change from the previous period, then from the baseline, when there are.
    pub changes: Vec<Change>,
}

/// The NPS against an earlier one.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// What it is compared with: `2025-08, the previous period`, `baseline last.json`.
    pub against: String,
    /// The NPS compared with, and its n.
    pub from_nps: f64,
    /// Responses behind `from_nps`.
    pub from_n: u64,
    /// The NPS compared, and its n.
    pub to_nps: f64,
    /// Responses behind `to_nps`.
    pub to_n: u64,
    /// to − from, with its interval and p-value.
    pub difference: Difference,
    /// Whether p < 1 − confidence.
    pub significant: bool,
    /// The change in words: `up 6.0 points, not a detectable change (p = 0.210)`.
    pub words: String,
    /// Its mark, as the words say it: ▲/▼ a detectable rise/fall (as in the trend table), △/▽
    /// one that is not detectable, ■ unchanged at the shown precision.
    pub mark: &'static str,
}

impl Change {
    /// The change from `(from, from_n)` to `(to, to_n)` tested by `difference` (to − from).
    pub fn new(
        against: String,
        (from_nps, from_n): (f64, u64),
        (to_nps, to_n): (f64, u64),
        difference: Difference,
        confidence: f64,
    ) -> Change {
        let significant = difference.p_value < 1.0 - confidence;
        let size = points(difference.delta.abs(), 1);
        let (direction, mark) = if size == "0.0" {
            ("unchanged".to_string(), "■")
        } else if difference.delta > 0.0 {
            (
                format!("up {size} points"),
                if significant { "▲" } else { "△" },
            )
        } else {
            (
                format!("down {size} points"),
                if significant { "▼" } else { "▽" },
            )
        };
        let detectable = if significant {
            "a detectable change"
        } else {
            "not a detectable change"
        };
        let words = format!(
            "{direction}, {detectable} (p = {})",
            p_value(difference.p_value)
        );
        Change {
            against,
            from_nps,
            from_n,
            to_nps,
            to_n,
            difference,
            significant,
            words,
            mark,
        }
    }
}

/// Something a reader should know before trusting the numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    /// `small_n`, `set_aside`, `small_segments`, `small_periods`, `repeat_respondents`,
    /// `close_the_loop`, `response_rate`.
    pub kind: &'static str,
    /// `warning` or `info`.
    pub level: &'static str,
    /// The alert, a sentence.
    pub message: String,
}

/// One answer category's share.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryShare {
    /// `detractors`, `passives`, `promoters`.
    pub category: &'static str,
    /// Responses.
    pub count: u64,
    /// Share of the responses (0–1), unrounded (weighted with `--weight`).
    pub share: f64,
    /// The share in percent with one decimal, the three adding up to exactly 100.0.
    pub shown: f64,
}

/// The breakdown: the three categories and the 0–10 histogram.
#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    /// Detractors, passives, promoters.
    pub categories: Vec<CategoryShare>,
    /// Responses per score 0–10.
    pub histogram: Vec<u64>,
}

impl Breakdown {
    /// The breakdown of `overall`.
    pub fn of(overall: &GroupStats) -> Breakdown {
        let counts = overall.distribution.counts;
        let shares = [
            overall.detractors.share,
            overall.passives.share,
            overall.promoters.share,
        ];
        let shown = tenths_adding_to_100(shares);
        let names = ["detractors", "passives", "promoters"];
        let count = [
            overall.detractors.count,
            overall.passives.count,
            overall.promoters.count,
        ];
        Breakdown {
            categories: (0..3)
                .map(|i| CategoryShare {
                    category: names[i],
                    count: count[i],
                    share: shares[i],
                    shown: shown[i],
                })
                .collect(),
            histogram: counts.to_vec(),
        }
    }
}

/// Shares (0–1, adding to 1) as percentages with one decimal that add up to exactly 100.0: each
/// rounded down to a tenth, then the tenths left over go to the largest remainders (Hamilton's
/// method; ties to the earlier category).
pub fn tenths_adding_to_100(shares: [f64; 3]) -> [f64; 3] {
    let raw = shares.map(|s| s * 1000.0);
    let mut tenths = raw.map(|r| r.floor() as i64);
    let left = 1000 - tenths.iter().sum::<i64>();
    let mut order = [0usize, 1, 2];
    order.sort_by(|&a, &b| (raw[b] - raw[b].floor()).total_cmp(&(raw[a] - raw[a].floor())));
    for &i in order.iter().take(left.clamp(0, 3) as usize) {
        tenths[i] += 1;
    }
    tenths.map(|t| t as f64 / 10.0)
}

/// The trend section.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    /// The period length.
    pub every: Every,
    /// Every period from the first dated response to the last, empty ones with n = 0.
    pub periods: Vec<PeriodRow>,
    /// Responses with no readable date (in no period).
    pub undated: u64,
    /// The periods' NPS as a Unicode sparkline.
    pub sparkline: String,
}

/// The segments section.
#[derive(Debug, Clone, Serialize)]
pub struct Segments {
    /// The segment columns.
    pub by: Vec<String>,
    /// Segments with fewer responses are small samples, shown greyed and last.
    pub min_n: u64,
    /// Segments: the others by n (largest first), then the small ones.
    pub rows: Vec<SegmentRow>,
    /// Segments whose weights are all zero (not analysed).
    pub zero_weight: u64,
}

/// The "why" section.
#[derive(Debug, Clone, Serialize)]
pub struct Why {
    /// How many comments there are, in which language, how many tagged.
    pub coverage: Coverage,
    /// The themes someone mentions, the biggest drag on the NPS first.
    pub themes: Vec<ThemeRow>,
    /// Distinctive words and phrases (absent with `--dedupe` or `--weight`).
    pub discovery: Option<crate::commands::themes::discover::Discovery>,
}

/// What moved the NPS.
#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    /// The period before.
    pub from_period: String,
    /// The last period.
    pub to_period: String,
    /// The change split by segment into mix and rate.
    pub waterfall: Waterfall,
}

/// One input, as read.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// The file as named on the command line (`-` for standard input).
    pub file: String,
    /// Its SHA-256 (hex), when it is a file.
    pub sha256: Option<String>,
    /// Its size in bytes, when it is a file.
    pub bytes: Option<u64>,
    /// The score column used.
    pub score_column: String,
    /// Its row accounting.
    pub rows: RowAccounting,
}

/// Method and provenance.
#[derive(Debug, Clone, Serialize)]
pub struct Method {
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<Provenance>,
    /// The command line that made the report.
    pub command_line: String,
    /// `nps` version (and commit, when known).
    pub version: String,
    /// The interval method and level, in words.
    pub interval: String,
    /// The small-sample threshold.
    pub min_n: u64,
    /// The day the follow-up statuses are computed for (`null` without a follow-up list).
    pub as_of: Option<String>,
    /// Definitions and how to read the report, one paragraph each.
    pub notes: Vec<String>,
}

/// Set-aside rows above this share of the rows read are a warning, below it a note.
const SET_ASIDE_WARNING: f64 = 0.05;

/// A margin of error above this many points is a warning.
const WIDE_MARGIN: f64 = 10.0;

/// The alerts of a report: small samples, rows set aside, small segments and periods, repeat
/// respondents, the response rate (`sent`: surveys sent).
pub fn alerts(b: &Bundle, sent: Option<u64>, no_loop: Option<String>) -> Vec<Alert> {
    let mut out = Vec::new();
    let mut say = |kind, level, message: String| {
        out.push(Alert {
            kind,
            level,
            message,
        })
    };
    let o = &b.verdict.overall;
    let min_n = b.method.min_n;
    let margin = o.interval.margin_of_error;
    if o.n < min_n || margin > WIDE_MARGIN {
        say(
            "small_n",
            "warning",
            format!(
                "{} responses: the NPS is known to ±{} points only ({} confidence); read it as a range, not a number",
                o.n,
                points(margin, 1),
                crate::output::numbers::level(o.interval.confidence)
            ),
        );
    }
    let r = &b.method.rows;
    let aside = r.blank + r.invalid + r.excluded_total();
    if aside > 0 {
        let share = aside as f64 / r.read.max(1) as f64;
        say(
            "set_aside",
            if share >= SET_ASIDE_WARNING { "warning" } else { "info" },
            format!(
                "{} of {} rows were set aside ({} blank, {} invalid, {} excluded): the NPS rests on the {} used",
                aside,
                r.read,
                r.blank,
                r.invalid,
                r.excluded_total(),
                r.used
            ),
        );
    }
    if let Some(s) = &b.segments {
        let small = s.rows.iter().filter(|r| r.small_sample).count();
        if small > 0 {
            say(
                "small_segments",
                "warning",
                format!(
                    "{small} of {} segments {} fewer than {min_n} responses: greyed and listed last; their NPS is too uncertain to rank",
                    s.rows.len(),
                    if small == 1 { "has" } else { "have" }
                ),
            );
        }
    }
    if let Some(t) = &b.trend {
        let small = t.periods.iter().filter(|p| p.n > 0 && p.n < min_n).count();
        if small > 0 {
            say(
                "small_periods",
                "warning",
                format!(
                    "{small} of {} periods {} fewer than {min_n} responses: drawn hollow; a change from or to them is rarely detectable",
                    t.periods.len(),
                    if small == 1 { "has" } else { "have" }
                ),
            );
        }
    }
    let repeat = b
        .close_the_loop
        .as_ref()
        .map_or(0, |l| l.repeat_respondents);
    if repeat > 0 {
        say(
            "repeat_respondents",
            "warning",
            format!(
                "{repeat} {} answered more than once: each response counts in the NPS; nps score --dedupe latest counts each respondent once",
                if repeat == 1 { "respondent" } else { "respondents" }
            ),
        );
    }
    if let Some(why) = no_loop {
        say(
            "close_the_loop",
            "info",
            format!("no follow-up list: {why}"),
        );
    }
    if let Some(sent) = sent {
        let used = r.used;
        let message = if used > sent {
            format!("{used} responses for {sent} surveys sent: more responses than surveys; check --sent")
        } else {
            format!(
                "response rate {}: {used} responses for {sent} surveys sent",
                crate::output::numbers::percent(used as f64 / sent as f64, 1)
            )
        };
        say(
            "response_rate",
            if used > sent { "warning" } else { "info" },
            message,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1/3 each: 333 tenths each, the one tenth left goes to the first (ties to the earlier).
    /// 0.1234/0.5555/0.3211: 123.4, 555.5, 321.1 → 123 + 555 + 321 = 999, the largest
    /// remainder (.5) takes the last tenth: 12.3, 55.6, 32.1.
    #[test]
    fn shares_add_up_to_100_by_largest_remainder() {
        assert_eq!(tenths_adding_to_100([1.0 / 3.0; 3]), [33.4, 33.3, 33.3]);
        assert_eq!(
            tenths_adding_to_100([0.1234, 0.5555, 0.3211]),
            [12.3, 55.6, 32.1]
        );
        assert_eq!(tenths_adding_to_100([0.0, 0.0, 1.0]), [0.0, 0.0, 100.0]);
    }

    /// The mark says what the words say: a filled triangle only for a detectable change (p
    /// below 1 − confidence), a hollow one for a change that is not, a square for a change that
    /// rounds to 0.0 (a rise of 0.04 is "unchanged", never ▲).
    #[test]
    fn a_change_is_marked_as_its_words_say() {
        let change = |delta: f64, p_value: f64| {
            let difference = Difference {
                delta,
                standard_error: 1.0,
                z: 0.0,
                df: None,
                p_value,
                low: delta - 1.0,
                high: delta + 1.0,
                note: None,
            };
            let c = Change::new(
                "previous".into(),
                (10.0, 100),
                (10.0, 100),
                difference,
                0.95,
            );
            (c.mark, c.words)
        };
        assert_eq!(change(6.0, 0.01).0, "▲");
        assert_eq!(change(-6.0, 0.01).0, "▼");
        let (mark, words) = change(6.0, 0.21);
        assert_eq!(
            (mark, words.as_str()),
            ("△", "up 6.0 points, not a detectable change (p = 0.210)")
        );
        assert_eq!(change(-6.0, 0.21).0, "▽");
        let (mark, words) = change(0.04, 0.9);
        assert!(
            mark == "■" && words.starts_with("unchanged"),
            "{mark} {words}"
        );
    }
}
