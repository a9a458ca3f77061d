//! `nps plan` end to end: DESIGN.md §4's golden planning figures through the binary.

use super::*;

#[test]
fn plan_gives_the_design_golden_figures_in_every_format() {
    let run = nps(&["plan", "--margin", "5", "--format", "json"]);
    run.expect(0);
    let doc = run.json();
    assert_eq!(doc["n"], 1537);
    assert_eq!(doc["expected"], Value::Null);
    let run = nps(&["plan", "--n", "400", "--format", "json"]);
    run.expect(0);
    let doc = run.json();
    close(&doc["margin"], 9.8, 0.005);
    // (1.959964 + 0.841621) × √(2/400) × 100 = 19.81.
    close(&doc["detectable_change"], 19.81, 0.01);
    // V = 0.5 + 0.2 − 0.3² = 0.61: 1.959964² × 0.61 / 0.05² = 937.3 → 938.
    let run = nps(&[
        "plan", "--margin", "5", "--expect", "50,20", "--format", "json",
    ]);
    run.expect(0);
    assert_eq!(run.json()["n"], 938);
    let table = nps(&["plan", "--margin", "5"]);
    table.expect(0);
    assert!(
        table
            .stdout
            .contains("1537 responses give a margin of ±5.0 points at 95%"),
        "{table:?}"
    );
    let csv = nps(&["plan", "--n", "400", "--format", "csv"]);
    csv.expect(0);
    assert!(csv.stdout.starts_with("n,margin,confidence,"), "{csv:?}");
    let md = nps(&["plan", "--n", "400", "--format", "markdown"]);
    md.expect(0);
    // The observed mix of fixtures/example.csv (fixtures/README.md): D/P/R 9/8/20 of 37, so
    // V = 29/37 − (11/37)² = 0.69540; 1.959964² × V / 0.05² = 1068.5 → 1069.
    let run = nps(&[
        "plan",
        "--margin",
        "5",
        "--from",
        &fixture("example.csv"),
        "--format",
        "json",
        "-q",
    ]);
    run.expect(0);
    let doc = run.json();
    assert_eq!(doc["n"], 1069);
    assert_eq!(doc["observed_n"], 37);
    close(
        &doc["variance"],
        29.0 / 37.0 - (11.0f64 / 37.0).powi(2),
        1e-9,
    );
    let positional = nps(&[
        "plan",
        "--margin",
        "5",
        &fixture("example.csv"),
        "--format",
        "json",
        "-q",
    ]);
    positional.expect(0);
    assert_eq!(positional.json()["n"], 1069);
    nps(&[
        "plan",
        "--margin",
        "5",
        "--expect",
        "50,20",
        &fixture("example.csv"),
    ])
    .expect(2);
    for bad in [
        vec!["plan"],
        vec!["plan", "--margin", "0"],
        vec!["plan", "--margin", "5", "--n", "400"],
        vec!["plan", "--margin", "5", "--expect", "80,30"],
        vec!["plan", "--n", "0"],
    ] {
        nps(&bad).expect(2);
    }
}
