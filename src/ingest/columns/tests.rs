//! Role detection on small headers and samples.

use super::*;

fn cols(names: &[&str]) -> Vec<Column> {
    names
        .iter()
        .map(|n| Column {
            name: n.to_string(),
            label: None,
        })
        .collect()
}

fn rows(rows: &[&[&str]]) -> Vec<StringRecord> {
    rows.iter()
        .map(|r| StringRecord::from(r.to_vec()))
        .collect()
}

fn decide(names: &[&str], sample: &[&[&str]]) -> Vec<RoleChoice> {
    detect(
        &cols(names),
        &rows(sample),
        &Overrides::default(),
        false,
        &Missing::default(),
    )
    .unwrap()
}

#[test]
fn words_fold_case_accents_and_camel_case() {
    assert_eq!(words("LikelyToRecommend"), ["likely", "to", "recommend"]);
    assert_eq!(words("Q1_NPS_GROUP"), ["q1", "nps", "group"]);
    assert_eq!(
        words("Probabilité de recommandation"),
        ["probabilite", "de", "recommandation"]
    );
}

#[test]
fn a_likert_recommend_column_loses_to_the_numeric_one() {
    let c = decide(
        &["Recommend", "LikelyToRecommend"],
        &[&["Agree", "9"], &["Strongly Agree", "10"], &["", ""]],
    );
    assert_eq!(c[0].column.as_deref(), Some("LikelyToRecommend"));
    assert_eq!(c[0].decided_by, Decision::Name);
}

#[test]
fn two_strong_candidates_are_ambiguous() {
    let c = decide(&["nps", "recommend_score"], &[&["9", "7"], &["3", "10"]]);
    assert_eq!(c[0].decided_by, Decision::Ambiguous);
    assert_eq!(c[0].candidates, ["nps", "recommend_score"]);
}

#[test]
fn derived_and_comment_columns_are_not_scores() {
    let c = decide(
        &[
            "Q1_NPS_GROUP",
            "NPS comment",
            "Quelle note donneriez-vous ?",
        ],
        &[&["3", "great", "9"], &["1", "bad", "4"]],
    );
    assert_eq!(c[0].column.as_deref(), Some("Quelle note donneriez-vous ?"));
    assert_eq!(c[4].column.as_deref(), Some("NPS comment"));
}

#[test]
fn content_alone_needs_enough_varied_answers() {
    let sample: Vec<Vec<String>> = (0..12)
        .map(|i| vec![format!("{}", i % 11), "1".into()])
        .collect();
    let sample: Vec<StringRecord> = sample
        .iter()
        .map(|r| StringRecord::from(r.clone()))
        .collect();
    let c = detect(
        &cols(&["Q7", "Finished"]),
        &sample,
        &Overrides::default(),
        false,
        &Missing::default(),
    )
    .unwrap();
    assert_eq!(c[0].column.as_deref(), Some("Q7"));
    assert_eq!(c[0].decided_by, Decision::Content);
    let few = decide(&["Q7"], &[&["9"], &["7"]]);
    assert_eq!(few[0].decided_by, Decision::NotFound);
}

#[test]
fn a_score_name_with_only_bad_values_is_still_the_score_column() {
    let c = decide(&["id", "score"], &[&["1", "11"], &["2", "ten"]]);
    assert_eq!(
        (c[0].column.as_deref(), c[0].decided_by),
        (Some("score"), Decision::Name)
    );
    assert!(c[0].reason.contains("only 0% of 2"), "{}", c[0].reason);
}

#[test]
fn other_roles_by_name_most_specific_first() {
    let c = decide(
        &[
            "Start Date (UTC)",
            "Submit Date (UTC)",
            "customer_id",
            "email",
            "score",
            "Why?",
            "channel",
        ],
        &[&[
            "2025-01-01",
            "2025-01-01",
            "C1",
            "a@x",
            "9",
            "fast",
            "email",
        ]],
    );
    let col = |r: Role| c.iter().find(|x| x.role == r).unwrap().column.clone();
    assert_eq!(col(Role::Date).as_deref(), Some("Submit Date (UTC)"));
    assert_eq!(col(Role::RespondentId).as_deref(), Some("customer_id"));
    assert_eq!(col(Role::Email).as_deref(), Some("email"));
    assert_eq!(col(Role::Comment).as_deref(), Some("Why?"));
    assert_eq!(col(Role::Channel).as_deref(), Some("channel"));
}

#[test]
fn a_loosely_named_channel_column_needs_answers_that_name_a_channel() {
    let channel = |names: &[&str], values: &[&str]| {
        let rows: Vec<Vec<&str>> = values.iter().map(|v| vec!["9", *v]).collect();
        let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        let c = decide(names, &rows);
        c.into_iter().find(|x| x.role == Role::Channel).unwrap()
    };
    // Formbricks' export: "delivery" is the hosting plan.
    let c = channel(&["score", "delivery"], &["cloud", "", "cloud"]);
    assert_eq!((c.column, c.decided_by), (None, Decision::NotFound));
    assert!(
        c.reason.contains("\"delivery\" has a channel name")
            && c.reason.contains("(first: \"cloud\";"),
        "{}",
        c.reason
    );
    let c = channel(&["score", "source"], &["", "", ""]);
    assert!(
        c.reason.contains("its sampled answers are blank"),
        "{}",
        c.reason
    );
    // A source that names channels is the channel.
    let c = channel(&["score", "source"], &["campaign-7", "Email", "sms"]);
    assert_eq!(c.column.as_deref(), Some("source"));
    // The exact name is enough: a sales channel is listed as given, and replies go by e-mail.
    let c = channel(&["score", "Channel"], &["retail", "online"]);
    assert_eq!(c.column.as_deref(), Some("Channel"));
}

#[test]
fn a_column_named_for_the_respondent_alone_is_the_id() {
    for name in ["respondent", "Répondant", "participant"] {
        let c = decide(&[name, "score"], &[&["R1", "9"], &["R2", "3"]]);
        let id = c.iter().find(|x| x.role == Role::RespondentId).unwrap();
        assert_eq!(id.column.as_deref(), Some(name));
    }
}

#[test]
fn flags_win_and_missing_flag_columns_are_reported() {
    let o = Overrides {
        score: Some("rating".into()),
        ..Overrides::default()
    };
    let c = detect(
        &cols(&["nps", "rating"]),
        &rows(&[&["9", "4"]]),
        &o,
        false,
        &Missing::default(),
    )
    .unwrap();
    assert_eq!(
        (c[0].column.as_deref(), c[0].decided_by),
        (Some("rating"), Decision::Flag)
    );
    let o = Overrides {
        score: Some("nope".into()),
        ..Overrides::default()
    };
    let err = detect(
        &cols(&["nps"]),
        &rows(&[&["9"]]),
        &o,
        false,
        &Missing::default(),
    )
    .unwrap_err();
    assert_eq!((err.flag, err.wanted.as_str()), ("--score-col", "nope"));
}

/// `name_match` as it was before the phrase index: every phrase of the role scanned.
fn name_match_by_scan(role: Role, w: &[String]) -> Option<(u32, String)> {
    if names::exact_name(role, w) {
        return Some((1000 + 200 + 1, w.join(" ")));
    }
    names::phrases(role)
        .iter()
        .filter(|(_, p)| {
            w.windows(p.len())
                .any(|win| win.iter().zip(*p).all(|(a, b)| a == b))
        })
        .map(|(weight, p)| {
            let exact = w.len() == p.len();
            (
                (p.len() as u32) * 1000 + weight * 2 + u32::from(exact),
                p.join(" "),
            )
        })
        .max()
}

#[test]
fn the_phrase_index_matches_as_a_scan_of_every_phrase() {
    // The index is built from `Role::ALL`. A compile-time guard, not a check: a new role does not
    // compile here until it is added to this list, next to which `Role::ALL` must grow too.
    for role in Role::ALL {
        let () = match role {
            Role::Score
            | Role::Date
            | Role::RespondentId
            | Role::Email
            | Role::Comment
            | Role::Channel
            | Role::Language
            | Role::Phone
            | Role::FirstName
            | Role::LastName
            | Role::Company => (),
        };
    }
    assert_eq!(Role::ALL.len(), 11);
    // Headers made of the phrases' own words, in every order a small generator gives, plus noise.
    let mut vocabulary: Vec<&str> = Role::ALL
        .iter()
        .flat_map(|&r| {
            names::phrases(r)
                .iter()
                .flat_map(|(_, p)| p.iter().copied())
        })
        .collect();
    vocabulary.extend(["x", "nom", "of", "the", "2"]);
    vocabulary.sort_unstable();
    vocabulary.dedup();
    let mut state = 1u64;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    };
    for _ in 0..20_000 {
        let len = 1 + next(5);
        let w: Vec<String> = (0..len)
            .map(|_| vocabulary[next(vocabulary.len())].to_string())
            .collect();
        for role in Role::ALL {
            assert_eq!(
                names::name_match(role, &w),
                name_match_by_scan(role, &w),
                "{role:?} {w:?}"
            );
        }
    }
    // And every phrase alone, and inside a longer header.
    for role in Role::ALL {
        for (_, p) in names::phrases(role) {
            let alone: Vec<String> = p.iter().map(|s| s.to_string()).collect();
            let inside: Vec<String> = ["the"]
                .iter()
                .chain(p.iter())
                .chain(["x"].iter())
                .map(|s| s.to_string())
                .collect();
            for w in [alone, inside] {
                assert_eq!(
                    names::name_match(role, &w),
                    name_match_by_scan(role, &w),
                    "{w:?}"
                );
            }
        }
    }
}

/// Found by a review as a user: columns named like a comment that hold something else give
/// way to the free text.
#[test]
fn a_comment_name_on_codes_statuses_or_a_closed_list_is_not_the_comment() {
    let free = [
        "The app keeps logging me out",
        "Trop cher pour ce que c'est",
        "Support answered within the hour, great",
        "Missing an export to Excel, please add it",
        "Delivery took three weeks this time",
    ];
    let comment = |names: &[&str], other: &dyn Fn(usize) -> String| {
        let records: Vec<StringRecord> = (0..40)
            .map(|k| vec!["9".to_string(), other(k), format!("{} ({k})", free[k % 5])])
            .map(StringRecord::from)
            .collect();
        let c = detect(
            &cols(names),
            &records,
            &Overrides::default(),
            false,
            &Missing::default(),
        )
        .unwrap();
        let choice = c.into_iter().find(|x| x.role == Role::Comment).unwrap();
        (choice.column, choice.decided_by)
    };
    let q5 = (Some("Q5".to_string()), Decision::Content);
    // Names that say code, status or company.
    for name in ["Comment status", "Reason code", "Raison sociale"] {
        let cells = |k: usize| format!("value {k}");
        assert_eq!(comment(&["score", name, "Q5"], &cells), q5, "{name}");
    }
    // A Likert scale under a feedback name (the Carpentries export).
    let likert = |k: usize| ["Some knowledge of topic", "More motivated", "Agree"][k % 3].into();
    assert_eq!(
        comment(&["score", "KnowledgeFeedbackPost", "Q5"], &likert),
        q5
    );
    // A comment column left blank in every sampled row.
    assert_eq!(
        comment(&["score", "Commentaire interne", "Q5"], &|_| String::new()),
        q5
    );
    // Without free text elsewhere, a single named column is the comment whatever it holds (a
    // made-up file: one comment repeated), but two closed lists tied are no comment at all.
    let c = decide(
        &["score", "comment"],
        &(0..30)
            .map(|_| &["3", "Way too expensive"][..])
            .collect::<Vec<_>>(),
    );
    let found = c.iter().find(|x| x.role == Role::Comment).unwrap();
    assert_eq!(found.column.as_deref(), Some("comment"), "{found:?}");
    let likert_rows: Vec<[&str; 3]> = (0..30)
        .map(|k| {
            [
                ["Agree", "Disagree"][k % 2],
                ["More motivated", "Less"][k % 2],
                "9",
            ]
        })
        .collect();
    let rows: Vec<&[&str]> = likert_rows.iter().map(|r| &r[..]).collect();
    // As in the export, the score comes after them.
    let names = [
        "KnowledgeFeedbackPost",
        "MotivationFeedbackPost",
        "LikelyToRecommend",
    ];
    let c = decide(&names, &rows);
    let found = c.iter().find(|x| x.role == Role::Comment).unwrap();
    assert_eq!(found.decided_by, Decision::NotFound, "{found:?}");
    assert!(found.reason.contains("closed list"), "{found:?}");
    // A real comment column of varied answers keeps its name.
    let varied = |k: usize| format!("{} ({k})", free[(k + 1) % 5]);
    assert_eq!(
        comment(&["score", "Comment", "Q5"], &varied),
        (Some("Comment".to_string()), Decision::Name)
    );
}
