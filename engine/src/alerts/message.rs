//! The alert e-mail itself: headers and a plain-text body, free of secrets.
//!
//! The subject and body are built from the stored alert (already scrubbed when it was raised)
//! and pass through the telemetry redactor once more on the way out, so a secret registered
//! since — or one that slipped into a message some other way — never leaves the shop.

use base64::Engine as _;

use super::transport::MailSettings;
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

/// A complete message (CRLF line ends) from the shop to `to`.
pub fn compose(settings: &MailSettings, to: &str, alert: &AlertMail<'_>) -> String {
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
    let date = httpdate_now();
    let id = format!(
        "<meschain.{}.{:016x}@{}>",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0),
        rand::random::<u64>(),
        settings.from.rsplit('@').next().unwrap_or("localhost")
    );
    let mut out = String::new();
    out.push_str(&format!(
        "From: {} <{}>\r\n",
        encode_header(&shop),
        settings.from
    ));
    out.push_str(&format!("To: <{to}>\r\n"));
    out.push_str(&format!("Subject: {}\r\n", encode_header(&subject)));
    out.push_str(&format!("Date: {date}\r\n"));
    out.push_str(&format!("Message-ID: {id}\r\n"));
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str("Content-Type: text/plain; charset=UTF-8\r\n");
    out.push_str("Content-Transfer-Encoding: 8bit\r\n");
    out.push_str("Auto-Submitted: auto-generated\r\n");
    out.push_str("X-Mailer: MesChain\r\n\r\n");
    for line in body.lines() {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// RFC 2047 for non-ASCII header text; ASCII stays readable.
fn encode_header(text: &str) -> String {
    let text = one_line(text);
    if text.is_ascii() {
        text
    } else {
        format!(
            "=?UTF-8?B?{}?=",
            base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
        )
    }
}

/// `Tue, 15 Nov 1994 08:12:31 +0000`.
fn httpdate_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m - 1) as usize];
    format!(
        "{weekday}, {d:02} {month} {y} {:02}:{:02}:{:02} +0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_right() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn headers_are_one_line_and_encoded() {
        assert_eq!(encode_header("a\r\nBcc: x"), "a  Bcc: x");
        assert!(encode_header("Mağaza").starts_with("=?UTF-8?B?"));
    }
}
