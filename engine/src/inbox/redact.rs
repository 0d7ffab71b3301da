//! Masking customer data in a delivery body before it is logged.
//!
//! A package carries the customer's name, e-mail, phones, addresses and tax numbers. The log
//! table keeps bodies for diagnosis, and a log must not become a second copy of the customer
//! base — so values are masked by *key* while walking the JSON (precise: the shape of a package is
//! known), and the result goes through [`telemetry::redact::scrub`] as well (a safety net for
//! e-mails, phones and secrets under keys nobody foresaw).

use serde_json::Value;

use crate::telemetry::{self, redact::MASK};

/// Largest logged body; longer ones are cut (the delivery itself is never cut).
pub const MAX_LOGGED_BODY: usize = 64 * 1024;

/// Key fragments (lower case) whose values are customer data, beyond the log-wide list in
/// [`telemetry::redact::is_sensitive_field`] (which already covers e-mail, phone, address).
const CUSTOMER_KEYS: &[&str] = &[
    "firstname",
    "lastname",
    "fullname",
    "customername",
    "company",
    "taxnumber",
    "taxoffice",
    "identitynumber",
    "tckn",
    "district",
    "neighborhood",
    "postalcode",
    "invoicelink",
];

/// Whether a key's value is masked.
pub fn is_customer_field(key: &str) -> bool {
    if telemetry::redact::is_sensitive_field(key) {
        return true;
    }
    let key: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect();
    CUSTOMER_KEYS.iter().any(|needle| key.contains(needle))
}

/// Replaces the values of customer keys (whole objects and lists included) with the mask.
pub fn mask_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_customer_field(key) {
                    if !item.is_null() {
                        *item = Value::String(MASK.to_string());
                    }
                } else {
                    mask_value(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_value),
        _ => {}
    }
}

/// The loggable text of a JSON value: customer keys masked, scrubbed, cut to
/// [`MAX_LOGGED_BODY`].
pub fn loggable(value: &Value) -> String {
    let mut copy = value.clone();
    mask_value(&mut copy);
    let text = serde_json::to_string(&copy).unwrap_or_default();
    crate::queue::truncate(&telemetry::redact::scrub(&text), MAX_LOGGED_BODY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn customer_values_are_masked_ids_stay() {
        let body = json!({
            "shipmentPackageId": 3291832133u64,
            "customerFirstName": "Ayşe",
            "customerLastName": "Yılmaz",
            "customerEmail": "pf+abc@trendyolmail.com",
            "taxNumber": "12345678901",
            "shipmentAddress": {"address1": "Atatürk Cd. 5", "phone": "+90 532 111 22 33"},
            "lines": [{"barcode": "8690000000011", "productName": "Mug"}],
            "note": "reach me at ayse@example.com"
        });
        let out = loggable(&body);
        for gone in [
            "Ayşe",
            "Yılmaz",
            "trendyolmail",
            "12345678901",
            "Atatürk",
            "532",
            "ayse@example.com",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        for kept in ["3291832133", "8690000000011", "Mug"] {
            assert!(out.contains(kept), "{kept} missing from {out}");
        }
    }
}
