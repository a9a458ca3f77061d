//! The trend's charts: the NPS per period with its interval band, and the categories' shares per
//! period as stacked columns.

use super::{line, r, rect, text, Chart, Scale, Shape, CATEGORY_CLASS};
use crate::commands::report::bundle::Trend;
use crate::output::numbers::{p_value, points, signed};

/// The plot's left and right edges, top and bottom.
const LEFT: f64 = 50.0;
const RIGHT: f64 = 630.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 180.0;

/// The x of each period's centre, and one label in every `step` periods (at most 12 labels).
fn columns(n: usize) -> (Vec<f64>, usize) {
    let slot = (RIGHT - LEFT) / n.max(1) as f64;
    let xs = (0..n).map(|i| LEFT + slot * (i as f64 + 0.5)).collect();
    (xs, n.div_ceil(12).max(1))
}

/// Period names and n under the plot.
fn period_labels(t: &Trend, xs: &[f64], step: usize, shapes: &mut Vec<Shape>) {
    for (i, (p, &x)) in t.periods.iter().zip(xs).enumerate() {
        if i % step == 0 || i + 1 == t.periods.len() {
            shapes.push(text(x, BOTTOM + 16.0, "middle", "tick", p.period.clone()));
            shapes.push(text(x, BOTTOM + 30.0, "middle", "n", format!("n={}", p.n)));
        }
    }
}

/// The NPS per period: a dot per period with responses (hollow below `min_n`), the interval as a
/// band, ▲ or ▼ where the change from the previous period is significant after Holm.
pub fn trend(t: &Trend, min_n: u64) -> Chart {
    let filled: Vec<(usize, &crate::metrics::GroupStats)> = t
        .periods
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.stats.as_ref().map(|s| (i, s)))
        .collect();
    let low = filled
        .iter()
        .map(|(_, s)| s.interval.low)
        .fold(0.0, f64::min);
    let high = filled
        .iter()
        .map(|(_, s)| s.interval.high)
        .fold(0.0, f64::max);
    // The axis takes in every interval and zero, in whole tens.
    let (d0, d1) = (
        ((low - 5.0) / 10.0).floor() * 10.0,
        ((high + 5.0) / 10.0).ceil() * 10.0,
    );
    let (d0, d1) = (d0.max(-100.0), d1.min(100.0));
    let y = Scale {
        domain: (d0, d1),
        range: (BOTTOM, TOP),
    };
    let (xs, step) = columns(t.periods.len());
    let mut shapes = Vec::new();
    let grid = if d1 - d0 > 100.0 { 50.0 } else { 20.0 };
    let mut v = (d0 / grid).ceil() * grid;
    while v <= d1 {
        shapes.push(line(
            LEFT,
            y.at(v),
            RIGHT,
            y.at(v),
            if v == 0.0 { "zero" } else { "grid" },
        ));
        shapes.push(text(LEFT - 6.0, y.at(v) + 4.0, "end", "tick", points(v, 0)));
        v += grid;
    }
    // A band and a line for each run of consecutive periods with responses.
    let mut runs: Vec<Vec<(usize, &crate::metrics::GroupStats)>> = Vec::new();
    for &(i, s) in &filled {
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|&(j, _)| j + 1 == i) => run.push((i, s)),
            _ => runs.push(vec![(i, s)]),
        }
    }
    for run in &runs {
        let upper = run
            .iter()
            .map(|&(i, s)| format!("{},{}", r(xs[i]), r(y.at(s.interval.high))));
        let lower = run
            .iter()
            .rev()
            .map(|&(i, s)| format!("{},{}", r(xs[i]), r(y.at(s.interval.low))));
        let points: Vec<String> = upper.chain(lower).collect();
        shapes.push(Shape::Path {
            d: format!("M{}Z", points.join("L")),
            class: "band",
            tip: "the interval".into(),
        });
        if run.len() > 1 {
            let path: Vec<String> = run
                .iter()
                .map(|&(i, s)| format!("{},{}", r(xs[i]), r(y.at(s.nps))))
                .collect();
            shapes.push(Shape::Path {
                d: format!("M{}", path.join("L")),
                class: "line",
                tip: String::new(),
            });
        }
    }
    let mut desc = Vec::new();
    for &(i, s) in &filled {
        let p = &t.periods[i];
        let (cx, cy) = (xs[i], y.at(s.nps));
        let words = format!("{}: {}", p.period, super::nps_words(s));
        shapes.push(Shape::Circle {
            cx: r(cx),
            cy: r(cy),
            r: 5.0,
            class: if s.n < min_n { "point small" } else { "point" },
            tip: words.clone(),
        });
        let mut sentence = words;
        if let (true, Some(d)) = (p.significant, p.vs_previous) {
            let (dy, class) = if d.delta > 0.0 {
                (-1.0, "marker up")
            } else {
                (1.0, "marker down")
            };
            let tip = format!(
                "{} points from the period before (Holm-adjusted p = {})",
                signed(d.delta, 1),
                p_value(p.p_holm.unwrap_or(d.p_value))
            );
            let (tx, ty) = (cx, cy + dy * 12.0);
            shapes.push(Shape::Path {
                d: format!(
                    "M{},{}L{},{}L{},{}Z",
                    r(tx - 5.0),
                    r(ty - dy * 4.0),
                    r(tx + 5.0),
                    r(ty - dy * 4.0),
                    r(tx),
                    r(ty + dy * 4.0)
                ),
                class,
                tip: tip.clone(),
            });
            sentence = format!("{sentence}, {tip}");
        }
        desc.push(sentence);
    }
    period_labels(t, &xs, step, &mut shapes);
    let empty = t.periods.len() - filled.len();
    Chart {
        id: "chart-trend",
        title: format!(
            "NPS per {} with its interval",
            crate::cli::value_name(&t.every)
        ),
        desc: format!(
            "{}.{}",
            desc.join("; "),
            if empty > 0 {
                format!(" {empty} periods have no responses.")
            } else {
                String::new()
            }
        ),
        width: 640.0,
        height: BOTTOM + 40.0,
        shapes,
    }
}

/// Detractors, passives and promoters per period, as stacked columns of 100%.
pub fn shares(t: &Trend) -> Chart {
    let bottom = 120.0;
    let y = Scale {
        domain: (0.0, 1.0),
        range: (bottom, 10.0),
    };
    let (xs, step) = columns(t.periods.len());
    let width = ((RIGHT - LEFT) / t.periods.len().max(1) as f64 * 0.7).min(40.0);
    let mut shapes = Vec::new();
    let mut desc = Vec::new();
    for (p, &x) in t.periods.iter().zip(&xs) {
        let Some(s) = &p.stats else { continue };
        let mut base = 0.0;
        let parts = [&s.detractors, &s.passives, &s.promoters];
        for (share, class) in parts.iter().zip(CATEGORY_CLASS) {
            let top = base + share.share;
            shapes.push(rect(
                x - width / 2.0,
                y.at(top),
                width,
                y.at(base) - y.at(top),
                class,
                format!(
                    "{}: {} {}",
                    p.period,
                    &class[4..],
                    crate::output::numbers::percent(share.share, 1)
                ),
            ));
            base = top;
        }
        desc.push(format!(
            "{}: detractors {}, passives {}, promoters {}",
            p.period,
            crate::output::numbers::percent(s.detractors.share, 1),
            crate::output::numbers::percent(s.passives.share, 1),
            crate::output::numbers::percent(s.promoters.share, 1)
        ));
    }
    for (i, (p, &x)) in t.periods.iter().zip(&xs).enumerate() {
        if i % step == 0 || i + 1 == t.periods.len() {
            shapes.push(text(x, bottom + 16.0, "middle", "tick", p.period.clone()));
        }
    }
    Chart {
        id: "chart-shares",
        title: format!(
            "Shares of detractors, passives and promoters per {}",
            crate::cli::value_name(&t.every)
        ),
        desc: format!("{}.", desc.join("; ")),
        width: 640.0,
        height: bottom + 24.0,
        shapes,
    }
}
