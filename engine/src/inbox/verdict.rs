//! What the webhook endpoint answers, and what its log row says.

use serde::Serialize;

/// The outcome of one delivery. `http_status` is what the endpoint must answer; the rest is for
/// the log and the caller's diagnostics. Never contains the presented credential or the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub http_status: u16,
    /// `accepted`, `duplicate`, `rejected_auth`, `throttled`, `rejected_body`, `not_configured`
    /// or `error`.
    pub verdict: String,
    pub reason: String,
    /// Packages in the delivery.
    pub packages: usize,
    /// Packages that became a new queue row.
    pub queued: usize,
    /// Packages whose event was already queued.
    pub duplicates: usize,
    /// Seconds the sender should wait before trying again (a 429's `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

pub const ACCEPTED: &str = "accepted";
pub const DUPLICATE: &str = "duplicate";
pub const REJECTED_AUTH: &str = "rejected_auth";
pub const THROTTLED: &str = "throttled";
pub const REJECTED_BODY: &str = "rejected_body";
pub const NOT_CONFIGURED: &str = "not_configured";
pub const ERROR: &str = "error";

impl Verdict {
    fn new(http_status: u16, verdict: &str, reason: impl Into<String>) -> Verdict {
        Verdict {
            http_status,
            verdict: verdict.to_string(),
            reason: reason.into(),
            packages: 0,
            queued: 0,
            duplicates: 0,
            retry_after: None,
        }
    }

    /// Stored: `accepted` if anything was new (or there was nothing to store), `duplicate` if
    /// every package was already queued. Both answer 200 OK: a repeat is a success to Trendyol,
    /// and Trendyol's webhook documentation names no other success code, so the plainest one
    /// is the safest (the body says which of the two it was).
    pub fn stored(packages: usize, queued: usize, duplicates: usize) -> Verdict {
        let verdict = if packages > 0 && queued == 0 {
            DUPLICATE
        } else {
            ACCEPTED
        };
        Verdict {
            packages,
            queued,
            duplicates,
            ..Verdict::new(200, verdict, "")
        }
    }

    /// 401: no retry can fix a credential, and the reason names no value.
    pub fn unauthorized(reason: impl Into<String>) -> Verdict {
        Verdict::new(401, REJECTED_AUTH, reason)
    }

    /// 429: the source failed too often and is cooling down; nothing was checked or stored.
    pub fn too_many(reason: impl Into<String>, retry_after: u64) -> Verdict {
        Verdict {
            retry_after: Some(retry_after),
            ..Verdict::new(429, THROTTLED, reason)
        }
    }

    /// 400 (or 413 for an oversized body): the body is not something a retry could fix.
    pub fn bad_body(http_status: u16, reason: impl Into<String>) -> Verdict {
        Verdict::new(http_status, REJECTED_BODY, reason)
    }

    /// 500 because the module's settings are unusable: Trendyol retries until they are fixed.
    pub fn not_configured(reason: impl Into<String>) -> Verdict {
        Verdict::new(500, NOT_CONFIGURED, reason)
    }

    /// 500 because the delivery could not be stored: Trendyol retries.
    pub fn error(reason: impl Into<String>) -> Verdict {
        Verdict::new(500, ERROR, reason)
    }

    /// Whether the delivery is safely stored (the answer is 2xx).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.http_status)
    }
}
