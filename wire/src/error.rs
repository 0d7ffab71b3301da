//! Error bodies.
//!
//! Trendyol answers errors with one loose shape: `{"timestamp", "exception", "errors":[{"key",
//! "message"}]}`. Which fields appear varies by service and by gateway (a 403 from the gateway
//! may carry none of them), so every field is optional and `timestamp` is kept as raw JSON (it
//! has been seen both as epoch ms and as an ISO string).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `exception` of a 401: wrong or missing Basic credentials.
pub const EXC_AUTHENTICATION: &str = "ClientApiAuthenticationException";
/// `exception` of a 403 for a seller id that the credentials do not own.
pub const EXC_AUTHORIZATION: &str = "ClientApiAuthorizationException";
/// `exception` of a 429.
pub const EXC_TOO_MANY_REQUESTS: &str = "TooManyRequestsException";
/// `exception` of the transient 500 (seen to last for days).
pub const EXC_SYSTEM: &str = "TrendyolSystemException";
/// `exception` of a 400 validation failure.
pub const EXC_VALIDATION: &str = "ClientApiValidationException";
/// `exception` of a 404.
pub const EXC_NOT_FOUND: &str = "NotFoundException";
/// `exception` of a 409.
pub const EXC_CONFLICT: &str = "ConflictException";

/// Error key of a 429.
pub const KEY_TOO_MANY_REQUESTS: &str = "too.many.requests";
/// Error key of the transient 500.
pub const KEY_GENERIC: &str = "generic.exception";
/// The 500's message, spelled as Trendyol spells it.
pub const MSG_GENERIC: &str = "Exception Occured";
/// The price & inventory duplicate-body message (Turkish, verbatim).
pub const MSG_DUPLICATE_PRICE_INVENTORY: &str =
    "15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!";

/// One entry of `errors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ErrorItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_params: Option<Value>,
}

/// A Trendyol error body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
    /// Some gateways answer `{"message": "..."}` instead of `errors`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ErrorBody {
    /// A body with one error.
    pub fn new(timestamp_ms: i64, exception: &str, key: &str, message: &str) -> Self {
        ErrorBody {
            timestamp: Some(Value::from(timestamp_ms)),
            exception: Some(exception.to_string()),
            errors: vec![ErrorItem {
                key: Some(key.to_string()),
                message: Some(message.to_string()),
                error_params: None,
            }],
            message: None,
        }
    }

    /// The 401 body for bad credentials.
    pub fn authentication(timestamp_ms: i64) -> Self {
        Self::new(
            timestamp_ms,
            EXC_AUTHENTICATION,
            EXC_AUTHENTICATION,
            "Full authentication is required to access this resource",
        )
    }

    /// The 429 body.
    pub fn too_many_requests(timestamp_ms: i64) -> Self {
        Self::new(
            timestamp_ms,
            EXC_TOO_MANY_REQUESTS,
            KEY_TOO_MANY_REQUESTS,
            "You have sent too many requests. Please try again later.",
        )
    }

    /// The transient 500 body.
    pub fn system(timestamp_ms: i64) -> Self {
        Self::new(timestamp_ms, EXC_SYSTEM, KEY_GENERIC, MSG_GENERIC)
    }

    /// A 400 body with one validation error.
    pub fn validation(timestamp_ms: i64, key: &str, message: &str) -> Self {
        Self::new(timestamp_ms, EXC_VALIDATION, key, message)
    }

    /// The first error key, if any.
    pub fn first_key(&self) -> Option<&str> {
        self.errors.first().and_then(|e| e.key.as_deref())
    }

    /// True when this is the transient `generic.exception` 500 (worth a retry).
    pub fn is_generic_exception(&self) -> bool {
        self.errors
            .iter()
            .any(|e| e.key.as_deref() == Some(KEY_GENERIC))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sparse_and_iso_timestamp_bodies() {
        let b: ErrorBody = serde_json::from_str(
            r#"{"timestamp":"2025-01-01T10:00:00","exception":"TrendyolSystemException","errors":[{"key":"generic.exception","message":"Exception Occured","extra":1}],"path":"/x"}"#,
        )
        .unwrap();
        assert!(b.is_generic_exception());
        let empty: ErrorBody = serde_json::from_str("{}").unwrap();
        assert!(empty.errors.is_empty());
    }

    #[test]
    fn builders_match_the_contract() {
        let v = serde_json::to_value(ErrorBody::too_many_requests(1)).unwrap();
        assert_eq!(v["errors"][0]["key"], "too.many.requests");
        let v = serde_json::to_value(ErrorBody::authentication(1)).unwrap();
        assert_eq!(v["exception"], "ClientApiAuthenticationException");
    }
}
