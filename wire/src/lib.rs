//! Trendyol Seller API wire models.
//!
//! One crate, two readers: MesChain's engine uses these types to talk to the real API, and
//! `trendyol-sandbox` uses them to speak the same contract offline. Only data shapes live here —
//! never behaviour — so a bug in the sandbox cannot leak into the client and hide itself.
//!
//! Reading rules, because the real API changes under our feet (Product V1 → V2, order list →
//! stream, the field renames of December 2025):
//! - unknown fields are always ignored (no `deny_unknown_fields` anywhere);
//! - anything the API may omit is an `Option` or `#[serde(default)]`;
//! - renamed order fields are read under both names (see [`orders`]);
//! - enums that come from the API carry an `Unknown(String)` arm instead of failing;
//! - the lists of orders, claims and batch items are read item by item ([`lenient`]): one
//!   unreadable item is set aside and reported, never the whole page lost.
//!
//! Conventions: money is `f64`, ids are `u64`, dates are epoch milliseconds (`i64`). Field names
//! are camelCase on the wire.

#[macro_use]
mod string_enum;

pub mod batch;
pub mod catalog;
pub mod claims;
pub mod error;
pub mod inventory;
pub mod lenient;
pub mod orders;
pub mod paths;
pub mod products;
pub mod questions;
pub mod rng;
pub mod webhooks;

pub use batch::{BatchItemResult, BatchItemStatus, BatchRequestResult, BatchStatus};
pub use error::{ErrorBody, ErrorItem};
pub use orders::{PackageLine, PackageStatus, ShipmentPackage};
