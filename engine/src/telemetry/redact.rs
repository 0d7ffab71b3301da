//! Keeping secrets and customer contact data out of every log line.
//!
//! Three nets, from most to least precise: values the engine knows are secret (API key and
//! secret, database and webhook passwords, and customer e-mails and phones of the orders being
//! processed) are registered and replaced wherever they appear; fields whose *name* says they
//! are sensitive are replaced whatever their value; and anything shaped like an e-mail address
//! or an international phone number is masked as a last resort.

use std::sync::{OnceLock, RwLock};

use regex::Regex;

/// Shown instead of a sensitive value.
pub const MASK: &str = "[redacted]";

/// Values shorter than this are not registered: masking "1" or "TR" would garble every line.
const MIN_SECRET_LEN: usize = 4;
/// Bounds the registry so a long-running worker does not grow it forever (oldest go first).
const MAX_VALUES: usize = 4096;

fn registry() -> &'static RwLock<Vec<String>> {
    static VALUES: OnceLock<RwLock<Vec<String>>> = OnceLock::new();
    VALUES.get_or_init(|| RwLock::new(Vec::new()))
}

/// Registers a value that must never be written to a log.
pub fn register_secret(value: &str) {
    let value = value.trim();
    if value.chars().count() < MIN_SECRET_LEN {
        return;
    }
    let mut values = registry().write().unwrap_or_else(|p| p.into_inner());
    if values.iter().any(|v| v == value) {
        return;
    }
    if values.len() >= MAX_VALUES {
        values.remove(0);
    }
    values.push(value.to_string());
    // Longest first, so a secret that contains another is masked whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
}

/// Whether a field with this name holds something that must not be logged.
pub fn is_sensitive_field(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "api_key",
        "apikey",
        "x-api-key",
        "authorization",
        "token",
        "email",
        "e_mail",
        "phone",
        "telephone",
        "gsm",
        "address",
        "credential",
    ]
    .iter()
    .any(|needle| name.contains(needle))
}

fn email_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
            .expect("valid regex")
    })
}

fn phone_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // International numbers with a leading '+': ids and amounts never start with one.
    RE.get_or_init(|| Regex::new(r"\+\d[\d\s().\-]{7,}\d").expect("valid regex"))
}

fn basic_auth_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(basic|bearer)\s+[A-Za-z0-9+/=._\-]{6,}").expect("valid regex")
    })
}

/// Masks every known secret, e-mail address, international phone number and auth header value.
pub fn scrub(text: &str) -> String {
    let mut out = text.to_string();
    {
        let values = registry().read().unwrap_or_else(|p| p.into_inner());
        for value in values.iter() {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), MASK);
            }
        }
    }
    if out.contains('@') {
        out = email_pattern().replace_all(&out, MASK).into_owned();
    }
    if out.contains('+') {
        out = phone_pattern().replace_all(&out, MASK).into_owned();
    }
    let lower = out.to_ascii_lowercase();
    if lower.contains("basic") || lower.contains("bearer") {
        out = basic_auth_pattern()
            .replace_all(&out, "$1 [redacted]")
            .into_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_registered_values_emails_phones_and_auth() {
        register_secret("s3cr3t-value-xyz");
        register_secret("ab"); // too short to register
        let line = "key=s3cr3t-value-xyz mail=ayse.yilmaz@example.com.tr phone=+90 532 123 45 67 \
                    hdr=Basic ZGVtbzpkZW1v ab package=3291832133";
        let out = scrub(line);
        assert!(!out.contains("s3cr3t"), "{out}");
        assert!(!out.contains("ayse.yilmaz"), "{out}");
        assert!(!out.contains("532 123"), "{out}");
        assert!(!out.contains("ZGVtbzpkZW1v"), "{out}");
        assert!(
            out.contains("ab package=3291832133"),
            "ids stay readable: {out}"
        );
    }

    #[test]
    fn sensitive_field_names() {
        for name in [
            "customerEmail",
            "api_secret",
            "DB_PASSWORD",
            "phone",
            "x-api-key",
            "Authorization",
        ] {
            assert!(is_sensitive_field(name), "{name}");
        }
        for name in ["package_id", "barcode", "quantity", "status"] {
            assert!(!is_sensitive_field(name), "{name}");
        }
    }
}
