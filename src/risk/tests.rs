//! The risk engine on hand-built histories: points, levels, the window, and the strongest
//! instance of each signal.

use super::collector::{Collector, Outside, Respondents};
use super::history::{Dated, Respondent};
use super::language::ChurnReader;
use super::*;
use crate::error::Location;
use crate::ingest::whole::{Batch, Head, Row};
use crate::text::Lang;

/// One response, as the test writes it.
#[derive(Clone)]
struct Response {
    id: &'static str,
    day: Option<i32>,
    score: u8,
    comment: &'static str,
}

fn row(id: &'static str, day: i32, score: u8, comment: &'static str) -> Response {
    Response {
        id,
        day: Some(day),
        score,
        comment,
    }
}

/// `rows` in batches of `per`, as ingest hands them out.
fn batches(rows: &[Response], per: usize) -> Vec<Batch> {
    rows.chunks(per)
        .map(|rows| {
            let mut batch = Batch::new("t.csv".into(), 0);
            for r in rows {
                let head = Head {
                    location: Location::Line(2),
                    score: r.score,
                    day: r.day,
                    lang: Some(Lang::En),
                };
                batch.push(head, r.id, [r.comment], [""; 0]);
            }
            batch
        })
        .collect()
}

/// A response kept whole.
fn kept(r: Response) -> Row {
    batches(&[r], 1)[0].row(0).to_row()
}

/// Feed `rows` to `c` in batches of two.
fn feed(c: &mut Collector, rows: &[Response]) {
    for batch in batches(rows, 2) {
        c.add(batch);
    }
}

fn respondents(rows: Vec<Response>, window_start: i32) -> (Respondents, Outside) {
    let reader = ChurnReader::new(&[], &["Zendesk".to_string()], None).unwrap();
    let mut c = Collector::new(reader, window_start, None);
    feed(&mut c, &rows);
    c.finish()
}

#[test]
fn levels_follow_the_points() {
    assert_eq!(Level::of(0), None);
    assert_eq!(Level::of(15), Some(Level::Low));
    assert_eq!(Level::of(29), Some(Level::Low));
    assert_eq!(Level::of(30), Some(Level::Medium));
    assert_eq!(Level::of(49), Some(Level::Medium));
    assert_eq!(Level::of(50), Some(Level::High));
}

#[test]
fn score_history_signals_and_their_points() {
    // 9 then 4: a fall of 5 and a promoter turned detractor; the latest is not very low.
    let (r, _) = respondents(vec![row("a", 10, 9, ""), row("a", 20, 4, "")], 0);
    let a = r[0].assess(3);
    assert_eq!(a.keys(), "turned_detractor;score_drop");
    assert_eq!(a.points, 25 + 20);
    assert_eq!(a.level(), Some(Level::Medium));
    // Input order does not matter: the latest is by day.
    let (r, _) = respondents(vec![row("a", 20, 4, ""), row("a", 10, 9, "")], 0);
    assert_eq!(r[0].assess(3).keys(), "turned_detractor;score_drop");
    assert_eq!(r[0].latest.score, 4);
    // 5 then 5: two detractor answers, no drop; 7 then 5 with --drop 3: no drop (2 points).
    let (r, _) = respondents(vec![row("b", 1, 5, ""), row("b", 2, 5, "")], 0);
    assert_eq!(r[0].assess(3).keys(), "repeat_detractor");
    let (r, _) = respondents(vec![row("c", 1, 7, ""), row("c", 2, 5, "")], 0);
    assert_eq!(r[0].assess(3).keys(), "turned_detractor");
    // A single 2: very low, 15 points, low.
    let (r, _) = respondents(vec![row("d", 1, 2, "")], 0);
    assert_eq!(
        (r[0].assess(3).keys(), r[0].assess(3).points),
        ("very_low".into(), 15)
    );
}

#[test]
fn the_previous_score_is_the_second_latest_by_day_then_input_order() {
    // Days 5, 9, 7 and an undated one, in every input order: latest is day 9, previous day 7.
    let rows = [(5, 1), (9, 2), (7, 3), (i32::MIN, 4)];
    let orders = [
        [0, 1, 2, 3],
        [3, 2, 1, 0],
        [1, 0, 3, 2],
        [2, 3, 0, 1],
        [1, 2, 0, 3],
    ];
    for order in orders {
        let mut r = row("a", 1, 0, "");
        r.day = None;
        let dated = |(day, score): (i32, u8), seq: u64| {
            Dated::new((day != i32::MIN).then_some(day), seq, score)
        };
        let mut window = Vec::new();
        for (seq, &i) in order.iter().enumerate() {
            window.push(dated(rows[i], seq as u64));
        }
        let mut one = Respondent::new(kept(r), 0, None);
        one.window = window.into();
        assert_eq!(one.previous_score(), Some(3), "{order:?}");
        let ordered: Vec<u8> = one.ordered().iter().map(|d| d.score).collect();
        assert_eq!(ordered, [4, 1, 3, 2], "{order:?}");
    }
    // Two responses on one day: the later in the input is the latest.
    let (r, _) = respondents(vec![row("b", 3, 8, ""), row("b", 3, 6, "")], 0);
    assert_eq!(r[0].previous_score(), Some(8));
    let (r, _) = respondents(vec![row("c", 3, 8, "")], 0);
    assert_eq!(r[0].previous_score(), None);
}

#[test]
fn responses_after_the_last_day_are_left_out() {
    let reader = ChurnReader::new(&[], &[], None).unwrap();
    let mut c = Collector::new(reader, 10, None).until(40);
    let mut undated = row("a", 0, 3, "");
    undated.day = None;
    let rows = [
        row("a", 20, 9, ""),
        row("a", 41, 1, "I will cancel"),
        undated,
    ];
    feed(&mut c, &rows);
    let (r, outside) = c.finish();
    assert_eq!(
        outside,
        Outside {
            expired: 0,
            after: 1
        }
    );
    // The day-41 answer is gone: the latest is the 9, and nothing fired.
    assert_eq!((r[0].latest.score, r[0].window.len()), (9, 2));
    assert_eq!(r[0].assess(3).keys(), "");
}

#[test]
fn responses_before_the_window_expire() {
    // The 9 is before the window: no drop, though it stays out of the history only.
    let (r, expired) = respondents(
        vec![
            row("a", 5, 9, "I will cancel my subscription"),
            row("a", 20, 4, ""),
        ],
        10,
    );
    assert_eq!(
        expired,
        Outside {
            expired: 1,
            after: 0
        }
    );
    assert_eq!(r[0].window.len(), 1);
    assert_eq!(r[0].assess(3).keys(), "");
    assert_eq!(r[0].previous_score(), None);
}

#[test]
fn a_conditional_signal_weighs_half_and_gives_way_to_an_unconditional_one() {
    let conditional = "If this isn't fixed by Friday I will cancel my subscription.";
    let (r, _) = respondents(vec![row("a", 1, 8, conditional)], 0);
    let a = r[0].assess(3);
    assert_eq!(a.keys(), "intent:conditional");
    assert_eq!(a.points, 25);
    let (r, _) = respondents(
        vec![
            row("a", 1, 8, conditional),
            row("a", 2, 8, "I am cancelling my subscription today."),
        ],
        0,
    );
    let a = r[0].assess(3);
    assert_eq!(a.keys(), "intent");
    assert_eq!(a.points, 50);
    assert_eq!(a.level(), Some(Level::High));
}

/// A respondent as the shard test compares them: key, latest score and day, the window's
/// scores, the signals.
type Seen = (String, u8, Option<i32>, Vec<u8>, String);

#[test]
fn what_is_kept_does_not_depend_on_the_shards() {
    // Ids repeated across the rounds rows wait for (3 rows in unit tests; ingest's batches of two
    // here), an undated response,
    // two responses on one day (input order breaks the tie), one before the window.
    let rows = || {
        vec![
            row("a", 20, 9, "great"),
            row("b", 5, 3, "I will cancel"),
            row("a", 30, 4, "I am switching to Zendesk"),
            row("c", 12, 8, ""),
            row("b", 25, 6, "refund please"),
            row("a", 30, 2, "never again"),
            row("d", 11, 10, ""),
            row("c", 12, 7, "meh"),
            row("b", 26, 1, ""),
            row("e", 40, 5, ""),
        ]
    };
    let mut undated = row("c", 0, 0, "");
    undated.day = None;
    let kept = |shards: usize| {
        let reader = ChurnReader::new(&[], &["Zendesk".to_string()], None).unwrap();
        let mut c = Collector::with_shards(reader, 10, None, shards);
        let all: Vec<Response> = rows().into_iter().chain([undated.clone()]).collect();
        feed(&mut c, &all);
        let (respondents, outside) = c.finish();
        let expired = outside.expired;
        let seen: Vec<Seen> = respondents
            .iter()
            .map(|r| {
                (
                    r.key.to_string(),
                    r.latest.score,
                    r.latest.day,
                    r.window.iter().map(|d| d.score).collect(),
                    r.assess(3).keys(),
                )
            })
            .collect();
        (seen, expired)
    };
    let (one, expired) = kept(1);
    assert_eq!(expired, 1, "b's 5 March answer is before day 10");
    let keys: Vec<&str> = one.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(keys, ["id:a", "id:b", "id:c", "id:d", "id:e"]);
    // a: the 2 and the 4 are both on day 30; the 2 came later in the input.
    assert_eq!((one[0].1, one[0].2), (2, Some(30)));
    assert_eq!(one[0].3, [9, 4, 2]);
    // c: the undated answer counts as the oldest; the latest is the second day-12 answer.
    assert_eq!((one[2].1, one[2].3.clone()), (7, vec![8, 7, 0]));
    for shards in [2, 3, 7, 64] {
        assert_eq!(kept(shards), (one.clone(), expired), "{shards} shards");
    }
}

/// A respondent known by their id in one response and by their e-mail address alone in another
/// is one person: one history, their latest answer, their id. An address that two ids gave (a
/// team mailbox) joins neither; the result does not depend on the shards.
#[test]
fn an_address_alone_joins_the_id_that_gave_it() {
    // (id, e-mail, day, score, comment)
    let rows = [
        ("C1", "C1@x.com", 10, 9, "great"),
        ("A", "team@x.com", 10, 8, ""),
        ("", "c1@x.com", 20, 3, "I will cancel"),
        ("B", "team@x.com", 11, 2, ""),
        ("", "team@x.com", 12, 1, ""),
        ("", "solo@x.com", 12, 5, ""),
    ];
    let kept = |shards: usize| {
        let reader = ChurnReader::new(&[], &[], None).unwrap();
        let mut c = Collector::with_shards(reader, 0, Some(0), shards);
        for pair in rows.chunks(2) {
            let mut batch = Batch::new("t.csv".into(), 1);
            for &(id, email, day, score, comment) in pair {
                let head = Head {
                    location: Location::Line(2),
                    score,
                    day: Some(day),
                    lang: Some(Lang::En),
                };
                batch.push(head, id, [comment], [email]);
            }
            c.add(batch);
        }
        let (respondents, _) = c.finish();
        respondents
            .iter()
            .map(|r| {
                let mut scores: Vec<u8> = r.window.iter().map(|d| d.score).collect();
                scores.sort_unstable();
                (
                    r.key.to_string(),
                    r.id().map(String::from),
                    r.latest.score,
                    scores,
                    r.assess(3).keys(),
                )
            })
            .collect::<Vec<_>>()
    };
    let one = kept(1);
    let keys: Vec<&str> = one.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        keys,
        [
            "email:solo@x.com",
            "email:team@x.com",
            "id:A",
            "id:B",
            "id:C1"
        ]
    );
    let c1 = &one[4];
    assert_eq!(c1.1.as_deref(), Some("C1"), "the id, from the key");
    assert_eq!(
        (c1.2, c1.3.clone()),
        (3, vec![3, 9]),
        "the later answer, both scores"
    );
    assert!(c1.4.contains("turned_detractor"), "{}", c1.4);
    assert!(c1.4.contains("intent"), "{}", c1.4);
    assert_eq!(one[1].1, None, "the team mailbox stays apart");
    for shards in [2, 3, 7] {
        assert_eq!(kept(shards), one, "{shards} shards");
    }
}
