//! The delivery's credential: Basic auth or `x-api-key`, whichever the settings choose.
//!
//! Trendyol signs nothing, so the credential is the only proof a delivery came from Trendyol.
//! Comparisons run in constant time over SHA-256 digests of both sides: the digests have equal
//! length whatever was presented, so neither the position of the first wrong byte nor the
//! length of the secret shows in the response time.

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::Delivery;
use crate::config::settings::{Secret, WebhookAuth, MIN_SECRET_CHARS};
use crate::config::Settings;
use trendyol_wire::webhooks::API_KEY_HEADER;

/// Why a delivery was (not) let in. The reasons never contain the presented value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthOutcome {
    Granted,
    /// The shop has no webhook credential: nothing is accepted.
    NotConfigured,
    Missing,
    Wrong,
}

impl AuthOutcome {
    pub fn reason(self) -> &'static str {
        match self {
            AuthOutcome::Granted => "",
            AuthOutcome::NotConfigured => "webhook credentials are not configured",
            AuthOutcome::Missing => "missing credentials",
            AuthOutcome::Wrong => "wrong credentials",
        }
    }
}

/// The configured credential: what a delivery is checked against. Kept apart from [`Settings`]
/// so the intake's gate can hold it between requests without holding every setting. Its
/// `Debug` shows no secret ([`Secret`] hides itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    auth: WebhookAuth,
    username: String,
    password: Secret,
    api_key: Secret,
}

impl Credential {
    pub fn from_settings(settings: &Settings) -> Credential {
        Credential {
            auth: settings.webhook_auth,
            username: settings.webhook_username.clone(),
            password: settings.webhook_password.clone(),
            api_key: settings.webhook_api_key.clone(),
        }
    }

    /// Whether the secret in use meets the length rule for new secrets: such a secret cannot
    /// be guessed even at flood rates, so a source that failed may still present it.
    pub fn is_strong(&self) -> bool {
        let secret = match self.auth {
            WebhookAuth::Basic => &self.password,
            WebhookAuth::ApiKey => &self.api_key,
        };
        secret.expose().chars().count() >= MIN_SECRET_CHARS
    }
}

/// Checks the delivery's credential against the configured one.
pub fn check(settings: &Settings, delivery: &Delivery<'_>) -> AuthOutcome {
    check_credential(&Credential::from_settings(settings), delivery)
}

/// Checks the delivery's credential against `credential`.
pub fn check_credential(credential: &Credential, delivery: &Delivery<'_>) -> AuthOutcome {
    match credential.auth {
        WebhookAuth::Basic => {
            let user = credential.username.as_str();
            let password = credential.password.expose();
            if user.is_empty() || password.is_empty() {
                return AuthOutcome::NotConfigured;
            }
            let Some(header) = delivery.header("authorization").map(str::trim) else {
                return AuthOutcome::Missing;
            };
            let Some((given_user, given_password)) = basic_credentials(header) else {
                return if header.is_empty() {
                    AuthOutcome::Missing
                } else {
                    AuthOutcome::Wrong
                };
            };
            // `&`, not `&&`: both halves are compared whatever the first one says.
            let ok = constant_time_eq(given_user.as_bytes(), user.as_bytes())
                & constant_time_eq(given_password.as_bytes(), password.as_bytes());
            if ok {
                AuthOutcome::Granted
            } else {
                AuthOutcome::Wrong
            }
        }
        WebhookAuth::ApiKey => {
            let key = credential.api_key.expose();
            if key.is_empty() {
                return AuthOutcome::NotConfigured;
            }
            match delivery.header(API_KEY_HEADER).map(str::trim) {
                None | Some("") => AuthOutcome::Missing,
                Some(given) if constant_time_eq(given.as_bytes(), key.as_bytes()) => {
                    AuthOutcome::Granted
                }
                Some(_) => AuthOutcome::Wrong,
            }
        }
    }
}

/// `Basic base64(user:password)` → `(user, password)`; the scheme name ignores case.
fn basic_credentials(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// Equality that takes the same time wherever the inputs differ, and whatever their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let da = Sha256::digest(a);
    let db = Sha256::digest(b);
    let diff = da
        .iter()
        .zip(db.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Read through a volatile-ish barrier so the fold is not turned into an early exit.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret-longer"));
        assert!(!constant_time_eq(b"", b"x"));
    }

    #[test]
    fn basic_header_is_decoded() {
        // "trendyol:p@ss:word" — the password may contain ':'.
        let header = format!(
            "basic {}",
            base64::engine::general_purpose::STANDARD.encode("trendyol:p@ss:word")
        );
        assert_eq!(
            basic_credentials(&header),
            Some(("trendyol".into(), "p@ss:word".into()))
        );
        assert_eq!(basic_credentials("Bearer abc"), None);
        assert_eq!(basic_credentials("Basic !!!"), None);
    }
}
