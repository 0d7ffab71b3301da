//! Batch request results.
//!
//! Every product and price/stock write creates a batch. It reads `IN_PROGRESS` (items too) for
//! the batch delay, then items turn `SUCCESS`/`FAILED` with `failureReasons`; the batch-level
//! status follows after an optional lag (Trendyol's batch status trails its items). Price &
//! inventory batches carry no batch-level status at all. After the TTL (4 h) the result is gone:
//! 404. All of it runs on the sandbox clock.
//!
//! A batch (`batch`) keeps only what its answer needs: its times, its kind, the echoed request
//! items (`echoes`, frozen and deflated) and the reasons of the items that failed. Writes record
//! theirs through `record`, an `impl World` block.

mod batch;
mod echoes;
mod record;

pub use batch::{Batch, BatchAnswer};
pub use echoes::{EchoWriter, Echoes};
