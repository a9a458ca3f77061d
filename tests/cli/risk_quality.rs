//! `nps risk` against the hand-labelled risk fixtures (fixtures/risk/README.md): the first tuning
//! files flagged exactly, the later tuning pairs and the held-out pairs at the level measured when
//! the churn lexicon was last tuned (README, "nps risk", gives the figures).

use std::collections::BTreeMap;

use super::*;

/// Respondent → sorted signals, from a labels file or from `nps risk --format csv`.
type Labels = BTreeMap<String, Vec<String>>;

fn labels(name: &str) -> Labels {
    let mut reader = csv::Reader::from_path(fixture(&format!("risk/{name}.labels.csv"))).unwrap();
    reader
        .records()
        .map(Result::unwrap)
        .map(|r| {
            let mut s: Vec<String> = r[1]
                .split(';')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            s.sort();
            (r[0].to_string(), s)
        })
        .collect()
}

fn flagged(name: &str) -> Labels {
    let run = nps(&[
        "risk",
        &fixture(&format!("risk/{name}.csv")),
        "--as-of",
        "2025-11-20",
        "--competitors",
        "Zendesk,Freshdesk",
        "--format",
        "csv",
        "-q",
    ]);
    let mut reader = csv::Reader::from_reader(run.expect(0).stdout.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let (id, signals) = (at("id"), at("signals"));
    reader
        .records()
        .map(Result::unwrap)
        .map(|r| {
            let mut s: Vec<String> = r[signals].split(';').map(String::from).collect();
            s.sort();
            (r[id].to_string(), s)
        })
        .collect()
}

/// Per (respondent, signal) pair: precision and recall of what `nps risk` flags against the
/// labels (a conditional signal counts as its signal), and the respondents whose signals differ.
fn agreement(name: &str) -> (f64, f64, Vec<String>) {
    let want = labels(name);
    let got = flagged(name);
    let base = |s: &String| s.split(':').next().unwrap_or("").to_string();
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    let mut wrong = Vec::new();
    for (id, expected) in &want {
        let actual = got.get(id).cloned().unwrap_or_default();
        if &actual != expected {
            wrong.push(format!("{id}: expected {expected:?}, got {actual:?}"));
        }
        let e: Vec<String> = expected.iter().map(base).collect();
        let a: Vec<String> = actual.iter().map(base).collect();
        tp += a.iter().filter(|s| e.contains(s)).count() as f64;
        fp += a.iter().filter(|s| !e.contains(s)).count() as f64;
        fn_ += e.iter().filter(|s| !a.contains(s)).count() as f64;
    }
    for id in got.keys().filter(|id| !want.contains_key(*id)) {
        wrong.push(format!("{id}: flagged but not in the labels"));
    }
    (tp / (tp + fp).max(1.0), tp / (tp + fn_).max(1.0), wrong)
}

/// The tuning fixtures: exactly the seeded respondents, with exactly their signals.
#[test]
fn risk_flags_exactly_the_seeded_respondents() {
    for name in ["en", "fr", "tune2_en", "tune2_fr"] {
        let (_, _, wrong) = agreement(name);
        assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
    }
}

/// Per signal group (churn language; score history): precision and recall of the
/// (respondent, signal) pairs on a fixture.
fn quality(name: &str) -> [(f64, f64); 2] {
    let want = labels(name);
    let got = flagged(name);
    let language = [
        "intent",
        "switching",
        "competitor",
        "refund",
        "disengagement",
    ];
    let base = |s: &String| s.split(':').next().unwrap_or("").to_string();
    let mut out = [(0.0, 0.0); 2];
    for (g, is_language) in [true, false].into_iter().enumerate() {
        let keep = |s: &String| language.contains(&base(s).as_str()) == is_language;
        let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
        for (id, expected) in &want {
            let e: Vec<String> = expected.iter().filter(|s| keep(s)).map(base).collect();
            let a: Vec<String> = got
                .get(id)
                .map(|v| v.iter().filter(|s| keep(s)).map(base).collect())
                .unwrap_or_default();
            tp += a.iter().filter(|s| e.contains(s)).count() as f64;
            fp += a.iter().filter(|s| !e.contains(s)).count() as f64;
            fn_ += e.iter().filter(|s| !a.contains(s)).count() as f64;
        }
        out[g] = (tp / (tp + fp).max(1.0), tp / (tp + fn_).max(1.0));
    }
    out
}

/// The third tuning pair (fixtures/risk/README.md): first seen at churn-language precision /
/// recall 0.78/0.70 (en) and 0.85/0.73 (fr), then tuned on. A few labels stay unmatched (a
/// labeller's call, or a phrase only one domain uses); this holds the level reached.
#[test]
fn risk_third_tuning_pair_quality() {
    holds_its_level(&[("tune3_en", (0.90, 0.96)), ("tune3_fr", (0.96, 0.92))]);
}

/// Each fixture's churn language at or above its floor (precision, recall), and its score
/// history exact.
fn holds_its_level(floors: &[(&str, (f64, f64))]) {
    for &(name, floor) in floors {
        let [language, history] = quality(name);
        assert!(
            language.0 >= floor.0 && language.1 >= floor.1,
            "{name}: churn language precision {:.3}, recall {:.3}",
            language.0,
            language.1
        );
        assert_eq!(history, (1.0, 1.0), "{name}: score history");
    }
}

/// The fourth tuning pair (fixtures/risk/README.md), written by two new labellers in new domains:
/// first seen at churn-language precision / recall 0.74/0.62 (en) and 0.76/0.54 (fr), then
/// tuned on (general forms only: README, "nps risk"). This holds the level reached.
#[test]
fn risk_fourth_tuning_pair_quality() {
    holds_its_level(&[("tune4_en", (0.94, 0.83)), ("tune4_fr", (0.93, 0.91))]);
}

/// The fifth tuning pair (fixtures/risk/README.md): new domains and registers (procurement-speak,
/// formal letters, slang, voice-to-text, franglais, Québec French), first seen at 0.85/0.62 (en)
/// and 0.87/0.61 (fr), then tuned on. This holds the level reached.
#[test]
fn risk_fifth_tuning_pair_quality() {
    holds_its_level(&[("tune5_en", (0.97, 0.99)), ("tune5_fr", (0.97, 0.90))]);
}

/// The sixth tuning pair (fixtures/risk/README.md), for precision: about 40 traps of 65
/// respondents per file, first seen at 0.62/0.82 (en) and 0.57/0.89 (fr), then tuned on. This
/// holds the level reached.
#[test]
fn risk_sixth_tuning_pair_quality() {
    holds_its_level(&[("tune6_en", (0.93, 0.99)), ("tune6_fr", (0.81, 0.99))]);
}

/// The seventh tuning pair (fixtures/risk/README.md): long comments like real exports, with many
/// conditional threats; first seen at 0.86/0.78 (en) and 0.92/0.76 (fr), then tuned on. This
/// holds the level reached.
#[test]
fn risk_seventh_tuning_pair_quality() {
    holds_its_level(&[("tune7_en", (0.99, 0.85)), ("tune7_fr", (0.99, 0.93))]);
}

/// The eighth tuning pair (fixtures/risk/README.md): writers the earlier sets lack (Nigerian,
/// Indian, Scottish, Australian English; Québec, Swiss, Belgian, West African French; chat
/// transcripts, dictation), first seen at 0.80/0.66 (en) and 0.81/0.67 (fr), then tuned on.
/// This holds the level reached.
#[test]
fn risk_eighth_tuning_pair_quality() {
    holds_its_level(&[("tune8_en", (0.97, 0.91)), ("tune8_fr", (0.91, 0.95))]);
}

/// The ninth tuning pair (fixtures/risk/README.md), for precision in realistic text: about half
/// the commented respondents use churn words innocently (a business's own customers cancelling,
/// cancellations as a topic, quoted speech); first seen at 0.46/0.83 (en) and 0.68/0.74 (fr),
/// then tuned on. This holds the level reached.
#[test]
fn risk_ninth_tuning_pair_quality() {
    holds_its_level(&[("tune9_en", (0.80, 0.99)), ("tune9_fr", (0.83, 0.99))]);
}

/// The tenth tuning pair (fixtures/risk/README.md): short everyday consumer comments, many with
/// churn words used innocently; first seen at 0.79/0.88 (en) and 0.69/0.72 (fr), then tuned on.
/// This holds the level reached.
#[test]
fn risk_tenth_tuning_pair_quality() {
    holds_its_level(&[("tune10_en", (0.96, 0.96)), ("tune10_fr", (0.92, 0.96))]);
}

/// The eleventh tuning pair (fixtures/risk/README.md): B2B software customers (seats, renewals,
/// procurement, migrations), first seen at 0.76/0.65 (en) and 0.79/0.79 (fr), then tuned on.
/// This holds the level reached.
#[test]
fn risk_eleventh_tuning_pair_quality() {
    holds_its_level(&[("tune11_en", (0.91, 0.91)), ("tune11_fr", (0.93, 0.93))]);
}

/// The held-out pairs, never read while the churn lexicon and its rules were tuned
/// (fixtures/risk/README.md). The score-history signals are exact; churn language is far from
/// it (README, "nps risk", gives the figures). This test holds the figures measured when the
/// lexicon was last tuned, so that no change makes them worse unnoticed.
#[test]
fn risk_held_out_quality() {
    holds_its_level(&[
        ("heldout_en", (0.74, 0.71)),
        ("heldout_fr", (0.70, 0.87)),
        ("heldout2_en", (0.83, 0.81)),
        ("heldout2_fr", (0.88, 0.80)),
        ("heldout3_en", (0.83, 0.81)),
        ("heldout3_fr", (0.79, 0.75)),
    ]);
}
