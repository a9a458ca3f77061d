//! The polars side of the metrics: aggregate a frame of valid responses into counts.
//!
//! Ingest hands over a frame whose `score` column (UInt8, 0–10) holds one valid response per row.
//! The 0–10 distribution is eleven conditional sums computed in one lazy query, so the same
//! expressions serve a whole file today and every group of a `group_by` tomorrow.

use polars::prelude::*;

use super::tally::{Distribution, Weights};

/// Name of the column holding valid 0–10 scores in every frame ingest produces.
pub const SCORE: &str = "score";

/// Name of the Float64 column of response weights, present with `--weight`.
pub const WEIGHT: &str = "weight";

/// Name of the UInt64 column saying how many identical responses a row stands for. Frames
/// without it hold one response per row.
pub const COUNT: &str = "count";

/// The eleven expressions `responses with score == k` (`s0` … `s10`); with `weighted`, also the
/// weight sum per score (`w0` … `w10`) and Σw² (`wsq`). `counted` frames have a [`COUNT`] column.
pub fn distribution_exprs(weighted: bool, counted: bool) -> Vec<Expr> {
    let many = || {
        if counted {
            col(COUNT).cast(DataType::UInt64)
        } else {
            lit(1u64)
        }
    };
    let mut exprs: Vec<Expr> = (0..=10u8)
        .map(|k| {
            when(col(SCORE).eq(lit(k)))
                .then(many())
                .otherwise(lit(0u64))
                .sum()
                .cast(DataType::UInt64)
                .alias(format!("s{k}"))
        })
        .collect();
    if weighted {
        let times = || many().cast(DataType::Float64);
        exprs.extend((0..=10u8).map(|k| {
            when(col(SCORE).eq(lit(k)))
                .then(col(WEIGHT) * times())
                .otherwise(lit(0.0))
                .sum()
                .alias(format!("w{k}"))
        }));
        exprs.push((col(WEIGHT) * col(WEIGHT) * times()).sum().alias("wsq"));
    }
    exprs
}

/// Read row `row` of an aggregated frame back into a distribution.
fn read_distribution(out: &DataFrame, row: usize, weighted: bool) -> PolarsResult<Distribution> {
    let mut d = Distribution::default();
    for (k, slot) in d.counts.iter_mut().enumerate() {
        *slot = out.column(&format!("s{k}"))?.u64()?.get(row).unwrap_or(0);
    }
    if weighted {
        let f = |name: &str| -> PolarsResult<f64> {
            Ok(out.column(name)?.f64()?.get(row).unwrap_or(0.0))
        };
        let mut w = Weights::default();
        for (k, slot) in w.sums.iter_mut().enumerate() {
            *slot = f(&format!("w{k}"))?;
        }
        w.sum_sq = f("wsq")?;
        d.weights = Some(w);
    }
    Ok(d)
}

/// Whether `frame` carries weights, and whether it carries counts.
fn shape(frame: &mut LazyFrame) -> PolarsResult<(bool, bool)> {
    let schema = frame.collect_schema()?;
    Ok((schema.contains(WEIGHT), schema.contains(COUNT)))
}

/// The 0–10 distribution of all rows of `frame` (weighted when it has a `weight` column).
pub fn distribution(mut frame: LazyFrame) -> PolarsResult<Distribution> {
    let (weighted, counted) = shape(&mut frame)?;
    let out = frame
        .select(distribution_exprs(weighted, counted))
        .collect()?;
    read_distribution(&out, 0, weighted)
}

/// One group's key values (`None` for a null key) and distribution.
pub type Group = (Vec<Option<String>>, Distribution);

/// One group's key values, its day (`None` for undated responses) and distribution.
pub type DayGroup = (Vec<Option<String>>, Option<i32>, Distribution);

/// Group `frame` by `keys` (String columns) and, when given, the Int32 column `day`; return each
/// group's keys, day and distribution, in no particular order: callers sort explicitly.
fn grouped(
    mut frame: LazyFrame,
    keys: &[String],
    day: Option<&str>,
) -> PolarsResult<Vec<DayGroup>> {
    let (weighted, counted) = shape(&mut frame)?;
    let mut by: Vec<Expr> = keys.iter().map(|k| col(k.as_str())).collect();
    by.extend(day.map(col));
    let out = frame
        .group_by(by)
        .agg(distribution_exprs(weighted, counted))
        .collect()?;
    let key_columns = keys
        .iter()
        .map(|k| out.column(k).and_then(|c| c.str().cloned()))
        .collect::<PolarsResult<Vec<_>>>()?;
    let day_column = match day {
        Some(d) => Some(out.column(d)?.i32()?.clone()),
        None => None,
    };
    let mut groups = Vec::with_capacity(out.height());
    for row in 0..out.height() {
        let key = key_columns
            .iter()
            .map(|c| c.get(row).map(str::to_string))
            .collect();
        let d = read_distribution(&out, row, weighted)?;
        groups.push((key, day_column.as_ref().and_then(|c| c.get(row)), d));
    }
    Ok(groups)
}

/// The 0–10 distribution of every group of `keys` (String columns).
pub fn distribution_by(frame: LazyFrame, keys: &[String]) -> PolarsResult<Vec<Group>> {
    Ok(grouped(frame, keys, None)?
        .into_iter()
        .map(|(k, _, d)| (k, d))
        .collect())
}

/// The 0–10 distribution of every group of `keys` and day (the Int32 column `day`).
pub fn distribution_by_day(
    frame: LazyFrame,
    keys: &[String],
    day: &str,
) -> PolarsResult<Vec<DayGroup>> {
    grouped(frame, keys, Some(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(scores: &[u8]) -> LazyFrame {
        let column = Column::new(SCORE.into(), scores);
        DataFrame::new(scores.len(), vec![column]).unwrap().lazy()
    }

    #[test]
    fn counts_every_score_once() {
        let d = distribution(frame(&[0, 7, 7, 9, 9, 9, 10])).unwrap();
        // By hand: 0 once, 7 twice, 9 three times, 10 once.
        assert_eq!(d.counts, [1, 0, 0, 0, 0, 0, 0, 2, 0, 3, 1]);
    }

    #[test]
    fn groups_by_string_keys_with_nulls_as_their_own_group() {
        let scores = Column::new(SCORE.into(), [9u8, 10, 3, 7, 9]);
        let plan = Column::new(
            "plan".into(),
            [Some("pro"), Some("pro"), None, Some("free"), None],
        );
        let lf = DataFrame::new(5, vec![scores, plan]).unwrap().lazy();
        let mut groups = distribution_by(lf, &["plan".to_string()]).unwrap();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let summary: Vec<(Option<String>, u64)> =
            groups.iter().map(|(k, d)| (k[0].clone(), d.n())).collect();
        assert_eq!(
            summary,
            vec![(None, 2), (Some("free".into()), 1), (Some("pro".into()), 2)]
        );
        assert_eq!(groups[0].1.counts[3], 1);
        assert_eq!(groups[0].1.counts[9], 1);
    }

    #[test]
    fn weights_are_summed_per_score() {
        let scores = Column::new(SCORE.into(), [10u8, 9, 3, 8]);
        let weights = Column::new(WEIGHT.into(), [2.0f64, 1.0, 1.0, 4.0]);
        let lf = DataFrame::new(4, vec![scores, weights]).unwrap().lazy();
        let d = distribution(lf).unwrap();
        let w = d.weights.unwrap();
        assert_eq!(
            (w.sums[10], w.sums[9], w.sums[3], w.sums[8]),
            (2.0, 1.0, 1.0, 4.0)
        );
        assert_eq!(w.sum_sq, 22.0);
        assert_eq!(d.n(), 4);
    }

    #[test]
    fn counted_rows_stand_for_that_many_responses() {
        let scores = Column::new(SCORE.into(), [10u8, 3, 10]);
        let counts = Column::new(COUNT.into(), [4u64, 2, 1]);
        let lf = DataFrame::new(3, vec![scores, counts]).unwrap().lazy();
        let d = distribution(lf).unwrap();
        // By hand: five 10s (4 + 1) and two 3s.
        assert_eq!(d.counts, [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 5]);
    }

    #[test]
    fn an_empty_frame_has_an_empty_distribution() {
        let d = distribution(frame(&[])).unwrap();
        assert_eq!(d.n(), 0);
    }
}
