//! Products: create (V1 and V2 shapes), the V2 updates, V1 update, delete, archive, and the
//! filter / approved / unapproved lists — with Trendyol's validation rules and its review.
//!
//! Writes answer a `batchRequestId` at once; item outcomes appear in the batch result after the
//! batch delay. Validation failures are **item failures** (the request itself still succeeds),
//! except request-level problems (no items, > 1000 items, unreadable body) which are 400s.
//! Rules: barcode ≤ 40 chars of letters, digits, `.` `-` `_` (spaces stripped), title ≤ 100,
//! productMainId ≤ 40, stockCode ≤ 100, description ≤ 30,000, VAT ∈ {0,1,10,20}, a leaf
//! category, a known brand, listPrice ≥ salePrice, 1–8 https images, stock ≤ 20,000, a known
//! cargo company / provider; with `strictAttributes` also the category's required attributes.
//!
//! Review is separate from the batch, as on Trendyol: a product is *pending* for the approval
//! delay, then approved — or rejected with reasons for the configured share. Only the approved
//! and unapproved lists show the verdict.
//!
//! The state lives in this folder as `impl World` blocks, one concept per file; the HTTP
//! endpoints are in `crate::api::products_write` and `crate::api::products_list`.

mod create;
mod direct;
mod edit;
mod input;
mod model;
mod review;
mod validate;

pub use input::{Cargo, Items, ProductInput, WriteKind};
pub use model::{boxed_attributes, Attribute, Product, Review, SellerProducts};
pub use validate::{validate, validate_images, validate_vat};
