//! Order sync: every Trendyol package becomes exactly one OpenCart order.
//!
//! - [`package`]: a package checked and cut to OpenCart's columns;
//! - [`shop`]: the shop facts an order row needs, read once per run;
//! - [`products`]: order lines → OpenCart products (barcode, stock code);
//! - [`totals`]: a package's amounts as OpenCart keeps an order's (net, tax, rows that add up);
//! - [`new_order`]: a new package as the rows OpenCart keeps for an order;
//! - [`write`]: those rows written with one multi-row INSERT per table;
//! - [`import`]: one package → one order, in one transaction;
//! - [`batch`]: a chunk of packages → their orders, in one transaction;
//! - [`stock`]: stock taken exactly once per order line, whatever the arrival order;
//! - [`status_map`]: Trendyol package status → OpenCart order status.

pub mod batch;
pub mod import;
pub mod new_order;
pub mod outbound;
pub mod package;
pub mod poll;
pub mod products;
pub mod shop;
pub mod status_map;
pub mod stock;
pub mod totals;
pub mod write;

pub use import::{ImportOutcome, Importer};
pub use poll::{run, ImportCounts, OrderImport};
pub use products::ProductIndex;
pub use shop::ShopFacts;
pub use status_map::StatusMap;
