//! The sync jobs: what moves between OpenCart and Trendyol.
//!
//! - [`orders`]: Trendyol packages → OpenCart orders (one transaction each), statuses both ways;
//! - [`claims`]: returns polled from Trendyol, recorded as OpenCart returns, approved or rejected;
//! - [`cursor`]: named poll positions that move only after the work they cover committed.

pub mod claims;
pub mod cursor;
pub mod orders;
