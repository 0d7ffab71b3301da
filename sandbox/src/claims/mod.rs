//! Claims (returns): list, approve, reject (issue), reasons, and a generator.
//!
//! There is no claim webhook on Trendyol, so MesChain polls; the generator plays the customers
//! who send items back. Only `WaitingInAction` items can be approved or rejected; approval makes
//! them `Accepted`, a rejection opens an issue that Trendyol reviews (`Unresolved`). The
//! rejection fields travel as query parameters (`claimIssueReasonId`, `claimItemIdList`,
//! `description` ≤ 500) on a multipart request; the sandbox reads them from the query string, or
//! from a JSON body, and ignores attached files.
//!
//! The records (`record`) are plain data the world holds; what happens to them is in
//! `ops` as `impl World` blocks, so the world's definition never reaches back into its
//! behaviour.

mod ops;
mod record;

pub use record::{issue_reasons, status_of, ClaimRecord, GenerateClaims};
