//! NPS maths (DESIGN.md §4) and the polars expressions that feed it.
//!
//! Everything is computed exactly from counts and returned as plain structs; nothing here rounds
//! (rounding is the renderers' job). [`tally`] turns 0–10 scores into counts, [`interval`] holds
//! the confidence interval methods, [`frame`] computes the distribution with polars.

pub mod compare;
pub mod distinctive;
pub mod frame;
pub mod interval;
pub mod period;
pub mod plan;
pub mod summary;
pub mod tally;
pub mod themes;
pub mod waterfall;

pub use interval::{interval, Interval};
pub use summary::{GroupStats, Share};
pub use tally::{effective_n, Distribution, Estimate, Tally};
