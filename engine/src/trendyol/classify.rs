//! Turning an HTTP outcome into an error class and a message.
//!
//! Messages carry Trendyol's error keys (`errors[].key`) and messages, the HTTP status and the
//! endpoint class — never a header, a URL query or credentials. Transport errors are described
//! without their URL.

use std::time::Duration;

use trendyol_wire::error::ErrorBody;

use crate::error::ApiErrorClass;

/// The class of a non-2xx answer. Writes that may have been applied (5xx, 408) are
/// `Ambiguous`: they are never re-sent blindly.
pub fn classify_status(status: u16, is_write: bool) -> ApiErrorClass {
    match status {
        401 | 403 => ApiErrorClass::Auth,
        429 => ApiErrorClass::RateLimited,
        408 | 500..=599 if is_write => ApiErrorClass::Ambiguous,
        408 | 500..=599 => ApiErrorClass::Transient,
        _ => ApiErrorClass::Permanent,
    }
}

/// A readable message from an error body: `TrendyolSystemException: generic.exception
/// (Exception Occured)`. Non-JSON bodies are described by size only (they may be an HTML page
/// of a proxy, which is noise in logs).
pub fn describe_error_body(status: u16, body: &[u8]) -> String {
    let mut out = format!("HTTP {status}");
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(parsed) => {
            if let Some(exc) = &parsed.exception {
                out.push(' ');
                out.push_str(&clip(exc, 80));
            }
            let items: Vec<String> = parsed
                .errors
                .iter()
                .take(5)
                .map(|e| match (&e.key, &e.message) {
                    (Some(k), Some(m)) => format!("{} ({})", clip(k, 80), clip(m, 200)),
                    (Some(k), None) => clip(k, 80),
                    (None, Some(m)) => clip(m, 200),
                    (None, None) => String::new(),
                })
                .filter(|s| !s.is_empty())
                .collect();
            if !items.is_empty() {
                out.push_str(": ");
                out.push_str(&items.join("; "));
                if parsed.errors.len() > 5 {
                    out.push_str(&format!("; and {} more", parsed.errors.len() - 5));
                }
            } else if let Some(m) = &parsed.message {
                out.push_str(": ");
                out.push_str(&clip(m, 200));
            }
        }
        Err(_) if body.is_empty() => out.push_str(" with an empty body"),
        Err(_) => out.push_str(&format!(" with a non-JSON body of {} bytes", body.len())),
    }
    out
}

/// The error keys of a body, for callers that branch on them (`too.many.requests`...).
pub fn error_keys(body: &[u8]) -> Vec<String> {
    serde_json::from_slice::<ErrorBody>(body)
        .map(|b| b.errors.into_iter().filter_map(|e| e.key).collect())
        .unwrap_or_default()
}

/// `Retry-After` in seconds (the HTTP-date form is not used by Trendyol's gateway and is
/// ignored, which falls back to the exponential cooldown).
pub fn parse_retry_after(value: Option<&str>) -> Option<Duration> {
    let secs: f64 = value?.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

fn clip(text: &str, max: usize) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() <= max {
        clean
    } else {
        let mut s: String = clean.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// Describes a transport error without its URL (which may carry query parameters).
pub fn describe_transport(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    clip(&text, 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_classes() {
        assert_eq!(classify_status(401, false), ApiErrorClass::Auth);
        assert_eq!(classify_status(403, true), ApiErrorClass::Auth);
        assert_eq!(classify_status(429, true), ApiErrorClass::RateLimited);
        assert_eq!(classify_status(500, false), ApiErrorClass::Transient);
        assert_eq!(classify_status(503, true), ApiErrorClass::Ambiguous);
        assert_eq!(classify_status(400, false), ApiErrorClass::Permanent);
        assert_eq!(classify_status(409, true), ApiErrorClass::Permanent);
    }

    #[test]
    fn messages_carry_keys() {
        let body = br#"{"exception":"TrendyolSystemException","errors":[{"key":"generic.exception","message":"Exception Occured"}]}"#;
        assert_eq!(
            describe_error_body(500, body),
            "HTTP 500 TrendyolSystemException: generic.exception (Exception Occured)"
        );
        assert_eq!(error_keys(body), vec!["generic.exception"]);
        assert_eq!(
            describe_error_body(502, b"<html>"),
            "HTTP 502 with a non-JSON body of 6 bytes"
        );
        assert_eq!(parse_retry_after(Some(" 7 ")), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
    }
}
