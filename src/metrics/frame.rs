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
    fn an_empty_frame_has_an_empty_distribution() {
        let d = distribution(frame(&[])).unwrap();
        assert_eq!(d.n(), 0);
    }
}
