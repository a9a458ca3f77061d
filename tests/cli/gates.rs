//! Gates and tests under attack (findings F5, F6, F7, F12): a failed gate exits 1 even when
//! the reader has gone, non-finite thresholds, unanimous groups, paired tests.

use super::check::check_json;
use super::compare::compare_json;
use super::segments::segment_json;
use super::*;

/// Runs nps with stdout on a pipe whose reader has gone before nps writes (`nps … | true`, or a
/// `| head` that has quit).
fn nps_into_closed_pipe(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nps"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the nps binary runs");
    drop(child.stdout.take()); // the reader goes away before nps has read its input
    let out = child.wait_with_output().unwrap();
    Run {
        cmdline: format!("nps {} | true", args.join(" ")),
        status: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_failed_gate_exits_1_even_when_the_reader_has_gone() {
    // Finding F5: `nps check … | head` made a failing gate exit 0 with no verdict on stderr.
    // example.csv: NPS 29.73 (fixtures/README.md), so --min 90 fails and --min 0 passes.
    let f = fixture("example.csv");
    let check = nps_into_closed_pipe(&["check", &f, "--min", "90"]);
    check.expect(1);
    assert!(
        check
            .stderr
            .contains("nps: check failed: 1 of 1 rules failed"),
        "{check:?}"
    );
    let score = nps_into_closed_pipe(&["score", &f, "--min", "90"]);
    score.expect(1);
    assert!(score.stderr.contains("nps: gate failed"), "{score:?}");

    // 3,000 one-response segments: far more output than a pipe holds.
    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("seg3k.csv");
    let mut text = String::from("id,score,seg\n");
    for i in 0..3000 {
        text.push_str(&format!("{i},{},s{i}\n", i % 11));
    }
    std::fs::write(&many, text).unwrap();
    let many = many.display().to_string();
    let run = nps_into_closed_pipe(&["check", &many, "--by", "seg", "--min-n", "1", "--min", "90"]);
    run.expect(1);
    assert!(run.stderr.contains("nps: check failed"), "{run:?}");

    // Everything passing: a closed pipe stays success (DESIGN.md §6), with no error text.
    for args in [
        ["check", f.as_str(), "--min", "0"],
        ["score", f.as_str(), "--min", "0"],
    ] {
        let run = nps_into_closed_pipe(&args);
        run.expect(0);
        assert!(!run.stderr.contains("error"), "{run:?}");
    }
}

#[test]
fn non_finite_thresholds_are_usage_errors_naming_where_they_came_from() {
    // Finding F6: `--max-drop NaN` (flag, NPS_MAX_DROP or TOML `nan`) made every drop pass.
    let f = fixture("example.csv");
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let base = base.to_str().unwrap();
    nps(&["score", &f, "--format", "json", "-o", base]).expect(0);

    for v in ["NaN", "nan", "inf", "-inf", "1e309", "250"] {
        let flag = format!("--max-drop={v}");
        let run = nps(&["check", &f, "--baseline", base, &flag]);
        run.expect(2);
        assert!(run.stderr.contains("--max-drop"), "{run:?}");
    }
    let run = nps_full(
        &["check", &f, "--baseline", base],
        None,
        &[("NPS_MAX_DROP", "NaN")],
    );
    run.expect(2);
    assert!(run.stderr.contains("NPS_MAX_DROP"), "{run:?}");

    // Every other threshold of check, from its flag and from its variable.
    for (flag, var) in [
        ("--min", "NPS_MIN"),
        ("--max-detractors", "NPS_MAX_DETRACTORS"),
        ("--min-promoters", "NPS_MIN_PROMOTERS"),
    ] {
        for v in ["NaN", "inf", "-inf"] {
            let run = nps(&["check", &f, &format!("{flag}={v}")]);
            run.expect(2);
            assert!(run.stderr.contains(flag), "{run:?}");
            let run = nps_full(&["check", &f], None, &[(var, v)]);
            run.expect(2);
            assert!(run.stderr.contains(var), "{run:?}");
        }
    }
    for v in ["NaN", "inf", "-inf"] {
        let run = nps(&["score", &f, &format!("--min={v}")]);
        run.expect(2);
        assert!(run.stderr.contains("--min"), "{run:?}");
        let run = nps(&["check", &f, "--min", "0", &format!("--confidence={v}")]);
        run.expect(2);
        assert!(run.stderr.contains("--confidence"), "{run:?}");
    }

    // The same from a rules file: the error names the file and the key.
    let rules = dir.path().join("rules.toml");
    for (key, value) in [
        ("max-drop", "nan"),
        ("max-drop", "inf"),
        ("max-drop", "-inf"),
        ("min", "nan"),
        ("min", "inf"),
        ("max-detractors", "nan"),
        ("min-promoters", "inf"),
    ] {
        let baseline = if key == "max-drop" {
            format!("baseline = {base:?}\n")
        } else {
            String::new()
        };
        std::fs::write(&rules, format!("{key} = {value}\n{baseline}")).unwrap();
        let run = nps(&["check", &f, "--rules", rules.to_str().unwrap()]);
        run.expect(2);
        assert!(
            run.stderr.contains("rules.toml") && run.stderr.contains(&format!("{key} ")),
            "{run:?}"
        );
    }
}

/// Writes a one-column CSV of `count` copies of `score` and returns its path.
fn unanimous(dir: &std::path::Path, name: &str, score: u8, count: usize) -> String {
    let path = dir.join(name);
    let mut text = String::from("score\n");
    for _ in 0..count {
        text.push_str(&format!("{score}\n"));
    }
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn wald_on_unanimous_groups_tests_on_adjusted_counts_not_p_1() {
    // Finding F7: 20 detractors against 20 promoters under --ci wald gave z = 0, p = 1 (both
    // Wald SEs are 0) and passed `check --significant`. Both groups have zero variance, so the
    // test falls back on the adjusted-Wald counts (README, Statistics). By hand:
    //   A = 20 D → 20.75 D, 1.5 P, 0.75 R, n 23: net −20/23, V = 21.5/23 − (20/23)² = 94.5/529;
    //   B = 20 R → the mirror image: net +20/23, V = 94.5/529.
    //   SE = √(2 · 94.5/529 / 23) = √(189/12167) = 0.124635; Δ′ = 40/23 = 1.739130;
    //   z = Δ′/SE = 40·√(23/189) = 13.9538; p ≈ 3·10⁻⁴⁴ (below the f64 resolution of 1 − Φ: 0).
    let dir = tempfile::tempdir().unwrap();
    let all_d = unanimous(dir.path(), "alld.csv", 0, 20);
    let all_r = unanimous(dir.path(), "allr.csv", 10, 20);
    let j = compare_json(&[&all_d, &all_r, "--ci", "wald"]);
    let d = &j["difference"];
    close(&d["delta"], 200.0, 1e-9);
    close(&d["z"], 40.0 * (23.0f64 / 189.0).sqrt(), 1e-9);
    assert!(d["p_value"].as_f64().unwrap() < 1e-9, "{j}");
    assert!(d["note"].as_str().unwrap().contains("adjusted-Wald"), "{j}");
    assert!(
        j["verdict"]
            .as_str()
            .unwrap()
            .starts_with("+200.0 points, significant at 95% (p < 0.001"),
        "{j}"
    );
    let table = nps(&["compare", &all_d, &all_r, "--ci", "wald", "-q"]);
    table.expect(0);
    assert!(
        table.stdout.contains("z = 13.954") && !table.stdout.contains("p = 1.0"),
        "{table:?}"
    );

    // The gate: a 200-point drop under --significant now fails.
    let (status, j, run) = check_json(&[
        &all_d,
        "--baseline",
        &all_r,
        "--max-drop",
        "5",
        "--significant",
        "--ci",
        "wald",
    ]);
    assert_eq!(status, 1, "{run:?}");
    assert_eq!(j["rules"][0]["passed"], false);

    // Segments and periods share the test: a unanimous segment against a unanimous rest.
    let seg = dir.path().join("seg.csv");
    let mut text = String::from("score,plan\n");
    for i in 0..40 {
        text.push_str(if i < 20 { "0,a\n" } else { "10,b\n" });
    }
    std::fs::write(&seg, text).unwrap();
    let j = segment_json(
        seg.to_str().unwrap(),
        &["--by", "plan", "--ci", "wald", "--min-n", "1"],
    );
    for s in j["segments"].as_array().unwrap() {
        assert!(s["vs_rest"]["p_value"].as_f64().unwrap() < 1e-9, "{j}");
    }
}

#[test]
fn paired_tests_read_t_and_never_print_an_infinite_statistic() {
    // Finding F12: three pairs gave z = ∞ and a zero-width interval.
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    // Changes +2, +2, +1 (0→9, 6→10, 7→10): mean 5/3, sd √(1/3), SE = 1/3, t = 5 on 2 df;
    // two-sided p = 1 − t/√(t² + 2) = 1 − 5/√27 = 0.037750 (the t distribution with 2 df has
    // that closed form); t₀.₉₇₅(2) = 4.302653, so 166.67 ± 143.42 → 23.24 to 200 (clamped).
    let c = write("pc.csv", "customer_id,score\nA,0\nB,6\nC,7\n");
    let d = write("pd.csv", "customer_id,score\nA,9\nB,10\nC,10\n");
    let j = compare_json(&[&c, &d, "--paired"]);
    let p = &j["paired"]["difference"];
    close(&p["z"], 5.0, 1e-9);
    close(&p["df"], 2.0, 0.0);
    close(&p["p_value"], 1.0 - 5.0 / 27f64.sqrt(), 1e-9);
    close(&p["low"], 100.0 * (5.0 / 3.0 - 4.302653 / 3.0), 1e-4);
    close(&p["high"], 200.0, 0.0);
    let table = nps(&["compare", &c, &d, "--paired", "-q"]);
    table.expect(0);
    assert!(table.stdout.contains("t = 5.000 (2 df)"), "{table:?}");

    // Every pair changed by +2 (0→10): no spread, so no t. The same respondents' answers are
    // tested as two groups on adjusted-Wald counts. By hand:
    //   A = 3 D → 3.75 D, 1.5 P, 0.75 R, n 6: net −0.5, V = 4.5/6 − 0.25 = 0.5;
    //   B = 3 R → net +0.5, V = 0.5.  SE = √(0.5/6 + 0.5/6) = √(1/6) = 0.408248;
    //   z = 1/0.408248 = 2.449490, p = 0.014306; Δ′ ± 1.959964·SE = 100 ± 80.015, its upper
    //   end 180.015 moved to the observed Δ, 200 (finding F27).
    let a = write("pa.csv", "customer_id,score\nA,0\nB,0\nC,0\n");
    let b = write("pb.csv", "customer_id,score\nA,10\nB,10\nC,10\n");
    let j = compare_json(&[&a, &b, "--paired"]);
    let p = &j["paired"]["difference"];
    close(&p["delta"], 200.0, 1e-9);
    close(&p["z"], 6f64.sqrt(), 1e-9);
    close(&p["p_value"], 0.014306, 1e-6);
    close(&p["low"], 100.0 - 1.959964 * 100.0 / 6f64.sqrt(), 1e-3);
    close(&p["high"], 200.0, 0.0);
    assert!(p["note"].as_str().unwrap().contains("same amount"), "{j}");
    let table = nps(&["compare", &a, &b, "--paired", "-q"]);
    table.expect(0);
    assert!(
        !table.stdout.contains("inf") && !table.stdout.contains("NaN"),
        "{table:?}"
    );
}
