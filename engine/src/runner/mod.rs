//! Running jobs: the context a job gets, the outcome it reports.
//!
//! See [`context`] for the contract every job follows.

pub mod context;

pub use context::{
    current_rss_bytes, peak_rss_bytes, JobContext, JobOutcome, Progress, StopReason,
};
