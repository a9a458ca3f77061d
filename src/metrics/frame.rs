//! The polars side of the metrics: aggregate a frame of valid responses into counts.
//!
//! Ingest hands over a frame whose `score` column (UInt8, 0–10) holds one valid response per row.
//! The 0–10 distribution is eleven conditional sums computed in one lazy query, so the same
//! expressions serve a whole file today and every group of a `group_by` tomorrow.

use polars::prelude::*;

use super::tally::Distribution;

/// Name of the column holding valid 0–10 scores in every frame ingest produces.
pub const SCORE: &str = "score";

/// The eleven expressions `count of score == k`, aliased `s0` … `s10`.
pub fn distribution_exprs() -> Vec<Expr> {
    (0..=10u8)
        .map(|k| {
            col(SCORE)
                .eq(lit(k))
                .sum()
                .cast(DataType::UInt64)
                .alias(format!("s{k}"))
        })
        .collect()
}

/// The 0–10 distribution of all rows of `frame`.
pub fn distribution(frame: LazyFrame) -> PolarsResult<Distribution> {
    let out = frame.select(distribution_exprs()).collect()?;
    let mut d = Distribution::default();
    for (k, slot) in d.0.iter_mut().enumerate() {
        let column = out.column(&format!("s{k}"))?;
        *slot = column.u64()?.get(0).unwrap_or(0);
    }
    Ok(d)
}

/// One group's key values (`None` for a null key) and distribution.
pub type Group = (Vec<Option<String>>, Distribution);

/// One group's key values, its day (`None` for undated responses) and distribution.
pub type DayGroup = (Vec<Option<String>>, Option<i32>, Distribution);

/// Group `frame` by `keys` (String columns) and, when given, the Int32 column `day`; return each
/// group's keys, day and distribution, in no particular order: callers sort explicitly.
fn grouped(frame: LazyFrame, keys: &[String], day: Option<&str>) -> PolarsResult<Vec<DayGroup>> {
    let mut by: Vec<Expr> = keys.iter().map(|k| col(k.as_str())).collect();
    by.extend(day.map(col));
    let out = frame.group_by(by).agg(distribution_exprs()).collect()?;
    let key_columns = keys
        .iter()
        .map(|k| out.column(k).and_then(|c| c.str().cloned()))
        .collect::<PolarsResult<Vec<_>>>()?;
    let day_column = match day {
        Some(d) => Some(out.column(d)?.i32()?.clone()),
        None => None,
    };
    let count_columns = (0..=10)
        .map(|k| out.column(&format!("s{k}")).and_then(|c| c.u64().cloned()))
        .collect::<PolarsResult<Vec<_>>>()?;
    let mut groups = Vec::with_capacity(out.height());
    for row in 0..out.height() {
        let key = key_columns
            .iter()
            .map(|c| c.get(row).map(str::to_string))
            .collect();
        let mut d = Distribution::default();
        for (slot, counts) in d.0.iter_mut().zip(&count_columns) {
            *slot = counts.get(row).unwrap_or(0);
        }
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
        assert_eq!(d.0, [1, 0, 0, 0, 0, 0, 0, 2, 0, 3, 1]);
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
        assert_eq!(groups[0].1 .0[3], 1);
        assert_eq!(groups[0].1 .0[9], 1);
    }

    #[test]
    fn an_empty_frame_has_an_empty_distribution() {
        let d = distribution(frame(&[])).unwrap();
        assert_eq!(d.n(), 0);
    }
}
