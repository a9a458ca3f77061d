//! Score cells that mean "no answer" (DESIGN.md §3) and the warning for a shorter scale; the
//! counts are those of fixtures/README.md.

use super::{fixture, nps};

fn rows(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["score", "--format", "json", "-q"];
    all.extend_from_slice(args);
    nps(&all).expect(0).json()
}

#[test]
fn missing_value_tokens_are_blank_answers() {
    let file = fixture("formats/missing_tokens.csv");
    let json = rows(&[&file]);
    assert_eq!(json["n"], 4);
    assert_eq!(json["nps"], 25.0);
    assert_eq!(json["rows"]["read"], 14);
    assert_eq!(json["rows"]["blank"], 9);
    assert_eq!(json["rows"]["invalid"], 1);
    // A "don't know" code added to the list; or no token at all.
    let plus = rows(&[&file, "--na", "+99"]);
    assert_eq!(
        (
            plus["rows"]["blank"].as_u64(),
            plus["rows"]["invalid"].as_u64()
        ),
        (Some(10), Some(0))
    );
    let none = rows(&[&file, "--na", ""]);
    assert_eq!(
        (
            none["rows"]["blank"].as_u64(),
            none["rows"]["invalid"].as_u64()
        ),
        (Some(1), Some(9))
    );
    assert_eq!(none["nps"], 25.0);
    // --strict stops at the code, not at the tokens (line 14).
    let strict = nps(&["score", &file, "--strict"]);
    strict.expect(3);
    assert!(
        strict.stderr.contains("line 14") && strict.stderr.contains("\"99\""),
        "{strict:?}"
    );
    nps(&["score", &file, "--strict", "--na", "+99", "-q"]).expect(0);
    // The same from stdin (the streaming pass) and from a gzip.
    let text = std::fs::read(&file).unwrap();
    let piped = super::nps_with_stdin(&["score", "-", "--format", "json", "-q"], Some(&text));
    assert_eq!(piped.expect(0).json()["rows"]["blank"], 9);
    // A token that is a score would hide answers.
    let refused = nps(&["score", &file, "--na", "NA,0"]);
    refused.expect(2);
    assert!(
        refused.stderr.contains("\"0\" reads as the score 0"),
        "{refused:?}"
    );
}

#[test]
fn a_one_to_five_scale_is_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, scores: &[u8]| {
        let path = dir.path().join(name);
        let text: String = std::iter::once("score\n".to_string())
            .chain(scores.iter().map(|s| format!("{s}\n")))
            .collect();
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let five: Vec<u8> = (0..30).map(|i| 1 + (i % 5) as u8).collect();
    let run = nps(&["score", &write("five.csv", &five), "-q"]);
    run.expect(0);
    assert!(
        run.stderr
            .contains("warning: all 30 scores lie between 1 and 5: is this a 1–5 scale?"),
        "{run:?}"
    );
    // One score throughout is said as it is.
    let run = nps(&["score", &write("sevens.csv", &[7; 30]), "-q"]);
    assert!(
        run.expect(0)
            .stderr
            .contains("warning: all 30 scores are 7: is this a 1–7 scale?"),
        "{run:?}"
    );
    // Fewer answers, a 0, or an 8 and above: a 0–10 survey, no warning.
    for (name, scores) in [
        ("few.csv", five[..29].to_vec()),
        ("zero.csv", [&five[..29], &[0]].concat()),
        ("eight.csv", [&five[..29], &[8]].concat()),
    ] {
        let run = nps(&["score", &write(name, &scores), "-q"]);
        assert!(!run.expect(0).stderr.contains("scale"), "{name}: {run:?}");
    }
}
