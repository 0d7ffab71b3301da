//! The sync jobs: what moves between OpenCart and Trendyol.
//!
//! - [`orders`]: Trendyol packages → OpenCart orders (one transaction each), statuses both ways;
//! - [`claims`]: returns polled from Trendyol, recorded as OpenCart returns, approved or rejected;
//! - [`products`]: OpenCart products → Trendyol (bulk create/update, batch tracking, approval);
//! - [`stock`]: OpenCart stock and prices → Trendyol, delta only, plus reconciliation;
//! - [`questions`]: customer questions polled from Trendyol, answered from the admin;
//! - [`catalog_batches`], [`catalog_cargo`], [`catalog_pace`], [`catalog_price`]: what the two
//!   catalog jobs share;
//! - [`shop_locale`]: the shop's TRY rate, clock, store and customer group, as OpenCart sees them;
//! - [`price_rules`]: the owner's markup, rounding and floor, per brand, category or global;
//! - [`cursor`]: named poll positions that move only after the work they cover committed.

pub mod catalog_batches;
pub mod catalog_cargo;
pub mod catalog_pace;
pub mod catalog_price;
pub mod claims;
pub mod cursor;
pub mod orders;
pub mod price_rules;
pub mod products;
pub mod questions;
pub mod shop_locale;
pub mod stock;
