//! The score's charts: the verdict strip, the 100% bar and the 0–10 histogram.

use super::{line, nps_axis, nps_words, r, rect, text, Chart, Scale, Shape, CATEGORY_CLASS};
use crate::commands::report::bundle::Breakdown;
use crate::metrics::GroupStats;
use crate::output::numbers::points;

/// The verdict: the NPS as a dot on its interval, on the whole −100…100 scale.
pub fn verdict(s: &GroupStats) -> Chart {
    let x = Scale {
        domain: (-100.0, 100.0),
        range: (20.0, 580.0),
    };
    let mut shapes = vec![
        rect(
            20.0,
            18.0,
            560.0,
            12.0,
            "track",
            "the NPS scale, −100 to 100".into(),
        ),
        rect(
            x.at(s.interval.low),
            14.0,
            x.at(s.interval.high) - x.at(s.interval.low),
            20.0,
            "interval",
            format!(
                "interval {} to {}",
                points(s.interval.low, 1),
                points(s.interval.high, 1)
            ),
        ),
        line(x.at(0.0), 10.0, x.at(0.0), 38.0, "zero"),
        Shape::Circle {
            cx: r(x.at(s.nps)),
            cy: 24.0,
            r: 7.0,
            class: "estimate",
            tip: nps_words(s),
        },
    ];
    nps_axis(x, 44.0, &mut shapes);
    Chart {
        id: "chart-verdict",
        title: "The NPS and its interval on the −100 to 100 scale".into(),
        desc: format!(
            "{}; the interval runs from {} to {} at {} confidence.",
            nps_words(s),
            points(s.interval.low, 1),
            points(s.interval.high, 1),
            crate::output::numbers::level(s.interval.confidence)
        ),
        width: 600.0,
        height: 66.0,
        shapes,
    }
}

/// The three categories as one bar of 100%.
pub fn breakdown(b: &Breakdown) -> Chart {
    let mut shapes = Vec::new();
    let mut left = 20.0;
    let mut desc = Vec::new();
    for (c, class) in b.categories.iter().zip(CATEGORY_CLASS) {
        let w = 560.0 * c.shown / 100.0;
        let words = format!("{} {}% ({})", c.category, points(c.shown, 1), c.count);
        shapes.push(rect(left, 10.0, w, 30.0, class, words.clone()));
        if w >= 70.0 {
            shapes.push(text(
                left + w / 2.0,
                30.0,
                "middle",
                "inside",
                format!("{}%", points(c.shown, 1)),
            ));
        }
        desc.push(words);
        left += w;
    }
    Chart {
        id: "chart-breakdown",
        title: "Detractors, passives and promoters, as shares of all responses".into(),
        desc: format!("{}.", desc.join("; ")),
        width: 600.0,
        height: 50.0,
        shapes,
    }
}

/// The 0–10 histogram, each bar coloured by its category.
pub fn histogram(b: &Breakdown) -> Chart {
    let max = b.histogram.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (top, bottom) = (20.0, 160.0);
    let mut shapes = vec![line(20.0, bottom, 580.0, bottom, "axis")];
    let slot = 560.0 / 11.0;
    for (score, &n) in b.histogram.iter().enumerate() {
        let class = CATEGORY_CLASS[match score {
            0..=6 => 0,
            7 | 8 => 1,
            _ => 2,
        }];
        let h = (bottom - top) * n as f64 / max;
        let x = 20.0 + slot * score as f64;
        shapes.push(rect(
            x + 4.0,
            bottom - h,
            slot - 8.0,
            h,
            class,
            format!("score {score}: {n}"),
        ));
        shapes.push(text(
            x + slot / 2.0,
            bottom - h - 4.0,
            "middle",
            "value",
            n.to_string(),
        ));
        shapes.push(text(
            x + slot / 2.0,
            bottom + 16.0,
            "middle",
            "tick",
            score.to_string(),
        ));
    }
    let counts: Vec<String> = b
        .histogram
        .iter()
        .enumerate()
        .map(|(s, n)| format!("{s}: {n}"))
        .collect();
    Chart {
        id: "chart-histogram",
        title: "Responses per score, 0 to 10 (0–6 detractors, 7–8 passives, 9–10 promoters)".into(),
        desc: format!("Responses per score: {}.", counts.join(", ")),
        width: 600.0,
        height: 184.0,
        shapes,
    }
}
