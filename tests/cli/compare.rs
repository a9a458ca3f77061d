//! `nps compare` end to end: two inputs, a date split, two values of a column, paired
//! respondents, weights.

use super::segments::filtered;
use super::*;

pub(super) fn compare_json(args: &[&str]) -> Value {
    let mut all = vec!["compare"];
    all.extend_from_slice(args);
    all.extend(["--format", "json"]);
    let run = nps(&all);
    run.expect(0);
    run.json()
}

#[test]
fn compare_two_inputs_a_date_split_and_two_values() {
    // formats/responses.csv NPS 20 (n 20) vs presets/qualtrics_nps.csv NPS 25 (n 12): B − A = 5.
    let j = compare_json(&[
        &fixture("formats/responses.csv"),
        &fixture("presets/qualtrics_nps.csv"),
    ]);
    assert_eq!(
        (j["a"]["n"].clone(), j["b"]["n"].clone()),
        (20.into(), 12.into())
    );
    close(&j["difference"]["delta"], 5.0, 1e-9);
    assert!(
        j["verdict"]
            .as_str()
            .unwrap()
            .starts_with("+5.0 points, not significant at 95%"),
        "{j}"
    );

    // example.csv split at Feb 1: Jan 3/4/6 (NPS 300/13) vs Feb–Mar 6/4/14 (NPS 800/24).
    let j = compare_json(&[&fixture("example.csv"), "--split-date", "2025-02-01"]);
    assert_eq!(j["a"]["label"], "before 2025-02-01");
    assert_eq!(
        (j["a"]["n"].clone(), j["b"]["n"].clone()),
        (13.into(), 24.into())
    );
    close(&j["difference"]["delta"], 800.0 / 24.0 - 300.0 / 13.0, 1e-9);

    // free (2/2/9) vs pro (4/3/6): B − A = 600/13 − 700/13; enterprise's 11 are in neither.
    let j = compare_json(&[
        &fixture("example.csv"),
        "--by",
        "plan",
        "--groups",
        "free,pro",
    ]);
    close(&j["difference"]["delta"], -100.0 * 5.0 / 13.0, 1e-9);
    assert_eq!(j["in_neither"], 11);
    assert_eq!(j["b"]["label"], "plan = pro");
}

#[test]
fn compare_paired_matches_respondents() {
    // fixtures/paired: C1–C5 answered twice (3→9, 9→9, 7→10, 10→6, 8→8), C6 only before, C7
    // only after. Unpaired: A 2/2/2 (NPS 0), B 1/1/4 (NPS 50). Paired (hand-worked in
    // metrics::compare): Δ 20, t 0.30151 on 4 df, p 0.778.
    let j = compare_json(&[
        &fixture("paired/before.csv"),
        &fixture("paired/after.csv"),
        "--paired",
    ]);
    close(&j["difference"]["delta"], 50.0, 1e-9);
    let p = &j["paired"];
    assert_eq!(
        (
            p["pairs"].clone(),
            p["only_in_a"].clone(),
            p["only_in_b"].clone()
        ),
        (5.into(), 1.into(), 1.into())
    );
    close(&p["difference"]["delta"], 20.0, 1e-9);
    close(&p["difference"]["z"], 0.30151, 1e-5);
    close(&p["difference"]["df"], 4.0, 0.0);
    close(&p["difference"]["p_value"], 0.778, 0.001);
    assert_eq!(
        j["verdict"],
        "+20.0 points, not significant at 95% (p = 0.778, paired)"
    );
}

#[test]
fn compare_usage_errors() {
    let file = fixture("example.csv");
    nps(&["compare", &file]).expect(2);
    nps(&["compare", &file, &file, "--split-date", "2025-02-01"]).expect(2);
    nps(&["compare", &file, "--by", "plan", "--groups", "free"]).expect(2);
    nps(&["compare", &file, "--by", "plan"]).expect(2);
    let none = nps(&["compare", &file, "--by", "plan", "--groups", "free,gold"]);
    none.expect(3);
    assert!(
        none.stderr.contains("plan = gold has no valid responses"),
        "{none:?}"
    );
}

#[test]
fn weights_give_weighted_shares_and_kish_standard_errors() {
    // fixtures/weighted.csv: scores 10, 9, 3, 8 with weights 1, 1, 4, 2 (rows 5 and 6 have a
    // blank and a negative weight: set aside and counted). Unweighted the four give NPS +25;
    // weighted, Σw = 8: promoters 2/8, detractors 4/8 → NPS −25. Σw² = 22 → effective n =
    // 64/22; V = 0.75 − 0.0625 = 0.6875; SE = √(0.6875·22/64) = 0.486136 → 48.61 points.
    let file = fixture("weighted.csv");
    let j = score_json(&file, &["--weight", "arr"]);
    assert_eq!(j["n"], 4);
    close(&j["nps"], -25.0, 1e-9);
    // Relative weights (divided by the largest, 4): (1 + 1 + 4 + 2) / 4 = 2.
    close(&j["weight"]["total"], 2.0, 1e-12);
    close(&j["weight"]["effective_n"], 64.0 / 22.0, 1e-12);
    close(&j["standard_error"], 48.6136, 0.0001);
    close(&j["detractors"]["share"], 0.5, 1e-12);
    // Counts stay counts of responses; only shares are weighted.
    assert_eq!(j["detractors"]["count"], 1);
    assert_eq!(j["promoters"]["count"], 2);
    assert_eq!(
        filtered(&j),
        [(
            "no usable --weight value (blank, negative or not a number)".to_string(),
            2
        )]
    );
    let table = nps(&["score", &file, "--weight", "arr"]);
    assert!(
        table
            .expect(0)
            .stdout
            .contains("n = 4, weighted, effective n = 2.9)"),
        "{table:?}"
    );
    let unweighted = score_json(&file, &[]);
    close(&unweighted["nps"], 100.0 * 3.0 / 6.0 - 100.0 / 6.0, 1e-9); // all six rows: R3 D1
    nps(&["score", &file, "--weight", "revenue"]).expect(3);
}
