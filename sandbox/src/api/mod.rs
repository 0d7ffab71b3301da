//! The HTTP endpoints of Trendyol's Seller API, one file per area.
//!
//! Handlers read a request (path, query, body), take the world's lock briefly through the app,
//! call the state's operations (`crate::products`, `crate::orders`, ...) and shape the answer.
//! The rules themselves live with the state, which never reaches up here: this layer imports
//! the state, never the other way round. The gateway (auth, limits, faults) stands in front of
//! every handler; the router in `crate::server` wires them.

pub mod batches;
pub mod catalog;
pub mod claims;
pub mod inventory;
pub mod orders;
pub mod products_list;
pub mod products_write;
pub mod questions;
pub mod webhooks;
