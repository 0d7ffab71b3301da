//! The alert e-mail itself, built with lettre: headers and a plain-text body, free of secrets.
//!
//! The subject and body are built from the stored alert (already scrubbed when it was raised)
//! and pass through the telemetry redactor once more on the way out, so a secret registered
//! since — or one that slipped into a message some other way — never leaves the shop.

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, SinglePart};
use lettre::Message;

use super::transport::MailSettings;
use crate::error::{Error, Result};
use crate::telemetry::redact::scrub;

/// What one mail says.
pub struct AlertMail<'a> {
    pub severity: &'a str,
    pub title: &'a str,
    pub message: &'a str,
    pub occurrences: u64,
    pub first_seen: &'a str,
    pub last_seen: &'a str,
}

/// `Auto-Submitted: auto-generated` (RFC 3834), so vacation responders stay quiet.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

/// The message from the shop to `to`: lettre writes the headers (RFC 2047 for the shop's name
/// and a non-ASCII subject, `Date`, `Message-ID`) and refuses an address it cannot use.
pub fn compose(settings: &MailSettings, to: &str, alert: &AlertMail<'_>) -> Result<Message> {
    let shop = if settings.shop_name.is_empty() {
        "OpenCart".to_string()
    } else {
        settings.shop_name.clone()
    };
    let subject = one_line(&scrub(&format!(
        "[MesChain] {}: {}",
        alert.severity.to_ascii_uppercase(),
        alert.title
    )));
    let repeated = if alert.occurrences > 1 {
        format!(
            "Seen {} times, first at {} UTC, last at {} UTC.\n",
            alert.occurrences, alert.first_seen, alert.last_seen
        )
    } else {
        format!("Seen at {} UTC.\n", alert.last_seen)
    };
    let body = scrub(&format!(
        "{}\n\n{}\n\n{repeated}\nShop: {shop}\nSee Extensions > MesChain > Alerts to acknowledge it; \
         while it stays open, repeats are mailed at most once per throttle period.\n",
        alert.title, alert.message
    ));
    let address = |what: &str, text: &str| {
        text.parse::<lettre::Address>()
            .map_err(|e| Error::Config(format!("{what} {text:?} is not an e-mail address: {e}")))
    };
    let from = Mailbox::new(
        Some(one_line(&shop)),
        address("the shop's e-mail", &settings.from)?,
    );
    let to = Mailbox::new(None, address("the alert e-mail", to)?);
    // lettre picks the transfer encoding: 7bit or 8bit for short lines, quoted-printable
    // otherwise, so no line breaks the 998-character limit whatever an alert says.
    let body = Body::new(body);
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(AutoSubmitted)
        .message_id(None)
        .user_agent("MesChain".to_string())
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(body),
        )
        .map_err(|e| Error::Internal(format!("composing the alert e-mail: {e}")))
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(name: &str) -> MailSettings {
        MailSettings {
            engine: super::super::transport::MailEngine::Mail {
                parameter: String::new(),
            },
            from: "shop@shop.test".into(),
            shop_name: name.into(),
        }
    }

    fn alert() -> AlertMail<'static> {
        AlertMail {
            severity: "error",
            title: "a\r\nBcc: x",
            message: "m",
            occurrences: 1,
            first_seen: "2024-01-01 00:00:00",
            last_seen: "2024-01-01 00:00:00",
        }
    }

    #[test]
    fn headers_are_one_line_and_encoded() {
        let text = String::from_utf8(
            compose(&settings("Mağaza"), "owner@shop.test", &alert())
                .unwrap()
                .formatted(),
        )
        .unwrap();
        let headers = text.split("\r\n\r\n").next().unwrap();
        assert!(
            headers.contains("Subject: [MesChain] ERROR: a  Bcc: x\r\n"),
            "{text}"
        );
        assert!(!headers.contains("\r\nBcc:"), "{text}");
        assert!(
            text.to_ascii_lowercase().contains("from: =?utf-8?b?"),
            "{text}"
        );
        assert!(
            text.contains("Auto-Submitted: auto-generated\r\n"),
            "{text}"
        );
        assert!(text.contains("Date: "), "{text}");
        assert!(text.contains("Message-ID: <"), "{text}");
    }

    #[test]
    fn a_bad_recipient_is_an_error() {
        let e = compose(&settings("Shop"), "not an address", &alert()).unwrap_err();
        assert!(e.to_string().contains("not an e-mail address"), "{e}");
    }
}
