//! The webhook inbox: taking Trendyol's order deliveries in, durably and exactly once.
//!
//! # Why it looks like this
//!
//! A Trendyol webhook is a POST of a whole shipment package whose *status* is the event
//! (Trendyol's webhook documentation). Three facts about it shape this module:
//!
//! - **Deliveries are retried, and failures are punished.** Trendyol retries a delivery that was
//!   not answered 2xx about every five minutes and deactivates the subscription after 13 failed
//!   deliveries. So the inbox answers 2xx as soon as — and only once — the delivery is committed,
//!   answers 5xx only when it could not be stored (a retry will then bring it back), and answers
//!   4xx only for what no retry can fix: a missing or wrong credential, a body that is not a
//!   package.
//! - **Webhooks are nudges.** A delivery says "this package changed"; it is not trusted as the
//!   package's state. The queue job therefore carries only identifiers
//!   (`{seller_id, package_id, status, last_modified, order_number}`); the processor re-reads the
//!   package from the API before acting, and the reconciliation poll covers lost deliveries. No
//!   customer data is copied into the queue, and the log keeps the body only with names, e-mails,
//!   phones, addresses and tax numbers masked ([`redact`]).
//! - **The same event arrives more than once.** Retries, overlapping subscriptions and the poll
//!   all report the same status change. Each package becomes one queue row under a unique dedupe
//!   key naming the event — seller, package id, status and `lastModifiedDate` ([`dedupe_key`]) —
//!   so a repeat finds the row already there and is answered 2xx as a `duplicate`. A new status of
//!   the same package is a new event and a new row.
//!
//! There is no signature to verify (Trendyol has no HMAC): authenticity is the Basic credential or
//! the `x-api-key` registered with the subscription, compared in constant time ([`auth`]). A shop
//! that has configured no webhook credential accepts nothing — an open endpoint would let anyone
//! fill the queue.
//!
//! The queue rows and their `trendyol_webhook_logs` rows are written in one short transaction, so
//! a delivery is either fully stored (and answered 2xx) or not at all (and answered 5xx).
//!
//! A log row says `processed` (with `processed_at`) once nothing is left to do for it: a repeat
//! or an empty page at once, a new event when its queue job is done — marked by the queue in the
//! statement that completes the job, so the two never disagree. A job that waits for another
//! attempt or lies in the dead letter leaves its delivery unprocessed; a refused delivery is
//! never processed.
//!
//! - [`auth`]: reading and checking the credential;
//! - [`gate`]: refusing bad credentials from memory, cool-downs, aggregated refusal rows;
//! - [`verdict`]: what the endpoint answers;
//! - [`accept`](mod@accept): the whole intake, from headers to commit;
//! - [`redact`]: masking customer data in a logged body.

pub mod accept;
pub mod auth;
pub mod gate;
mod log;
pub mod redact;
pub mod subscription;
pub mod verdict;

pub use accept::{accept, accept_screened, dedupe_key, MAX_BODY_BYTES};
pub use verdict::Verdict;

/// One HTTP delivery as the web server received it.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    /// The raw request body, byte for byte.
    pub body: &'a [u8],
    /// Request headers as `(name, value)`; names are matched ignoring case.
    pub headers: &'a [(String, String)],
    /// The peer's address: for the log and for counting failed attempts per source, never for
    /// authentication (proxies rewrite it).
    pub remote_ip: &'a str,
}

impl Delivery<'_> {
    /// The first value of header `name`, ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
