//! Order sync: every Trendyol package becomes exactly one OpenCart order.
//!
//! - [`status_map`]: Trendyol package status → OpenCart order status.

pub mod status_map;
