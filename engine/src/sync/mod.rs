//! The sync jobs: what moves between OpenCart and Trendyol.
//!
//! - [`orders`]: Trendyol packages → OpenCart orders (one transaction each), statuses both ways.

pub mod orders;
