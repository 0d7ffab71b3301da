//! Orders: shipment packages, the generator that plays the customers, the list and stream
//! endpoints, and the seller-side updates with Trendyol's rules.
//!
//! - The generator draws lines from the seller's **approved** catalog (plus optional unknown
//!   barcodes), creates `Created` or `Awaiting` packages (`Awaiting` becomes `Created` after the
//!   awaiting delay), and can split (original → `UnPacked`, two new package ids, same
//!   `orderNumber`, `createdBy: split`), cancel (whole, or one line with the rest moved to a new
//!   package, `createdBy: cancel`) or unsupply packages. Stock of ordered products goes down.
//! - The seller may only set `Picking` (from `Created`) then `Invoiced` (from `Picking`, with
//!   `params.invoiceNumber`); anything else is a 400. Unsupplying lines moves what remains to a
//!   new package id. A second invoice link is a 409.
//! - List: `size ≤ 200`, `page × size ≤ 10,000` (the first 10,000 results). Stream: cursor pages
//!   over a `lastModified` window of ≤ 14 days; a cursor is bound to its filters.
//! - Every package creation and status change is a webhook event (see [`crate::webhooks`]).
//! - `orderDate` is GMT+3 epoch ms; `lastModifiedDate` and history dates are UTC.
//!
//! The state lives in this folder as `impl World` blocks, one concept per file; the HTTP
//! endpoints are in `crate::api::orders`.

mod generate;
mod lifecycle;
mod package;
mod seller;

pub use generate::GenerateOrders;
pub use package::PackageRecord;
