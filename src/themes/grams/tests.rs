use super::*;
use crate::themes::lexicon::Lexicon;
use crate::themes::Tagger;

fn tagger() -> Tagger {
    Tagger::new(Lexicon::default(), None)
}

/// Count `comments` (text, score) one after the other into one table.
fn counted(tagger: &Tagger, comments: &[(&str, u8)]) -> Grams {
    let mut grams = Grams::default();
    for (text, score) in comments {
        let tagged = tagger.tag_words(Some(text), None);
        let slot = Slot::of(Category::of(*score));
        grams.count(&tagged.words, text, (&[slot], &[]), *score, None);
    }
    grams.seal();
    grams
}

fn find<'a>(grams: &'a Grams, text: &str) -> Option<Counted<'a>> {
    grams.iter(1).find(|g| g.text() == text)
}

#[test]
fn ngrams_are_counted_once_per_comment_by_stem_and_never_across_punctuation() {
    let t = tagger();
    let g = counted(
        &t,
        &[
            ("The export CSV fails. Export csv fails again!", 2),
            ("exports CSV failing, slow", 3),
            ("Love it, the app is not working now and too slow", 10),
        ],
    );
    // "export csv" in both detractor comments, once each, whatever the case or the plural.
    let export = find(&g, "export csv").expect("export csv counted");
    assert_eq!(export.count(Slot::Detractor), 2);
    assert_eq!(export.total(), 2);
    // Stop words alone are not n-grams, nor at either end of one, except a negation or an
    // intensifier at the start; inside one they are kept.
    assert!(find(&g, "the").is_none() && find(&g, "it").is_none());
    assert!(find(&g, "love it").is_none() && find(&g, "the app").is_none());
    assert!(find(&g, "love").is_some() && find(&g, "app").is_some());
    assert!(find(&g, "not working").is_some() && find(&g, "too slow").is_some());
    assert!(find(&g, "app is not").is_none() && find(&g, "export csv fails").is_some());
    assert!(find(&g, "working now and").is_none());
    let p = counted(&t, &[("It logs me out and the screen greys out", 1)]);
    assert!(find(&p, "logs me out").is_some() && find(&p, "greys out").is_some());
    assert!(find(&p, "out").is_none() && find(&p, "out and").is_none());
    // A tab or a line break ends a phrase: an n-gram's text is always one printable line.
    let q = counted(&t, &[("way too expensive\tnow\r\nreally", 1)]);
    assert!(q.iter(1).all(|x| !x.text().chars().any(char::is_control)));
    assert!(find(&q, "too expensive").is_some() && find(&q, "expensive now").is_none());
    // A comma or a full stop ends a phrase.
    assert!(g
        .iter(1)
        .all(|x| x.text() != "failing, slow" && x.text() != "fails. export"));
    assert!(g.iter(1).all(|x| x.words() <= MAX_WORDS));
    assert_eq!(g.comments(Slot::Detractor), 2);
    assert_eq!(g.comments(Slot::Promoter), 1);
}

#[test]
fn the_quote_and_the_counts_do_not_depend_on_chunks() {
    let t = tagger();
    let comments: Vec<(String, u8)> = (0..300)
        .map(|i| {
            let body = [
                "the export to csv breaks",
                "slow sync",
                "great support team",
            ][i % 3];
            (
                format!(
                    "{body} on {} {}",
                    ["monday", "friday"][i % 2],
                    "very ".repeat(i % 7)
                ),
                (i % 11) as u8,
            )
        })
        .collect();
    let refs: Vec<(&str, u8)> = comments.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    let whole = counted(&t, &refs);
    let mut merged = Grams::default();
    for chunk in refs.chunks(37) {
        merged.merge(counted(&t, chunk));
    }
    let view = |g: &Grams| {
        let mut v: Vec<(String, u64, u64, String, String)> = g
            .iter(1)
            .map(|x| {
                (
                    x.text(),
                    x.count(Slot::Detractor),
                    x.total(),
                    x.quote(QuoteOf::Any).0.to_string(),
                    x.quote(QuoteOf::Detractors).0.to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(view(&whole), view(&merged));
    assert_eq!(whole.pruned(), 0, "under the cap nothing is pruned");
}

#[test]
fn the_table_is_capped_and_each_count_carries_how_short_it_may_be() {
    let t = tagger();
    // "rare thing" once, then comments of distinct words with one common phrase (the table
    // fills and the rare phrase is dropped), then "rare thing" three more times.
    let mut comments = vec!["rare thing".to_string()];
    comments.extend((0..200).map(|i| format!("zq{i}x shipping delay")));
    comments.extend((0..3).map(|_| "rare thing".to_string()));
    let refs: Vec<(&str, u8)> = comments.iter().map(|c| (c.as_str(), 3)).collect();
    let check = |g: &Grams, cap: usize| {
        assert!(g.table.len() <= cap, "{} n-grams kept", g.table.len());
        let common = find(g, "shipping delay").expect("the common phrase survives pruning");
        assert_eq!((common.count(Slot::Detractor), common.short(g)), (200, 0));
        // True count 4; counted 3 since it came back; the bound covers the one dropped.
        let rare = find(g, "rare thing").expect("counted again after it was dropped");
        assert_eq!(rare.total(), 3);
        assert!(rare.short(g) >= 1, "{}", rare.short(g));
        assert!(g.pruned() >= 1);
    };
    check(&counted(&t, &refs), CHUNK_CAP);
    // Chunks pruned on their own, then merged: the bounds still hold.
    let mut merged = Grams::default();
    for chunk in refs.chunks(70) {
        merged.merge(counted(&t, chunk));
    }
    check(&merged, CAP);
}

#[test]
fn overlapping_ngrams_are_recognised() {
    let t = tagger();
    let g = counted(&t, &[("export csv fails", 1)]);
    let (a, b, c) = (
        find(&g, "export csv").unwrap(),
        find(&g, "export csv fails").unwrap(),
        find(&g, "fails").unwrap(),
    );
    assert!(a.overlaps(&b) && b.overlaps(&a) && c.overlaps(&b));
    // "export csv" and "csv fails" share an edge: parts of one phrase.
    let d = find(&g, "csv fails").unwrap();
    assert!(a.overlaps(&d) && d.overlaps(&a));
    let e = find(&g, "export").unwrap();
    assert!(!e.overlaps(&c) && !e.overlaps(&d));
}

/// An n-gram's sort key holds its own words only, whatever follows it in the comment it was
/// first met in (the sort key must not depend on which comment that was).
#[test]
fn an_ngram_keeps_only_its_own_words() {
    let t = tagger();
    let g = counted(&t, &[("export csv fails", 1), ("csv export", 2)]);
    let export = find(&g, "export").unwrap().order().1;
    assert_ne!(export[0], 0);
    assert_eq!(export[1..], [0, 0]);
    let pair = find(&g, "export csv").unwrap().order().1;
    assert_eq!((pair[0], pair[2]), (export[0], 0));
}
