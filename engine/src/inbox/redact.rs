//! Masking customer data in a delivery body before it is logged.
//!
//! A package carries the customer's name, e-mail, phones, addresses and tax numbers. The log
//! table keeps bodies for diagnosis, and a log must not become a second copy of the customer
//! base. Values are kept by *key* while walking the JSON: what a package is and what it holds
//! (ids, statuses, dates, lines, amounts, cargo) stays readable, customer keys are masked, and so
//! is every other text or number — a key nobody foresaw, or one garbled in transit, does not
//! carry a tax number into the log. The result goes through [`telemetry::redact::scrub`] as well
//! (a safety net for e-mails, phones and secrets).

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

/// Keys (lower case, letters and digits only) whose text and numbers stay readable in a logged
/// body: the package's identity, state, lines, amounts and cargo, under the current and the
/// legacy field names, and the page around them. No key here names a person.
const KEPT_KEYS: &[&str] = &[
    // the package and its page
    "id",
    "shipmentpackageid",
    "packageid",
    "ordernumber",
    "orderdate",
    "lastmodifieddate",
    "status",
    "shipmentpackagestatus",
    "createdby",
    "originpackageids",
    "agreeddeliverydate",
    "fastdelivery",
    "createddate",
    "page",
    "size",
    "totalpages",
    "totalelements",
    // amounts
    "currencycode",
    "packagegrossamount",
    "packagesellerdiscount",
    "packagetydiscount",
    "packagetotalprice",
    "grossamount",
    "totaldiscount",
    "totaltydiscount",
    "totalprice",
    // cargo
    "cargotrackingnumber",
    "cargotrackinglink",
    "cargoprovidername",
    "cargosendernumber",
    // lines
    "lineid",
    "orderlineid",
    "barcode",
    "stockcode",
    "merchantsku",
    "sku",
    "productname",
    "productcode",
    "productcontentid",
    "contentid",
    "productcolor",
    "productsize",
    "quantity",
    "lineunitprice",
    "linegrossamount",
    "linesellerdiscount",
    "linetydiscount",
    "price",
    "amount",
    "discount",
    "tydiscount",
    "vatrate",
    "vatbaseamount",
    "orderlineitemstatusname",
    "orderlinestatus",
];

/// A key as compared with the lists: lower case, letters and digits only.
fn normalized(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Whether a key's value is masked whatever it is (whole objects and lists included).
pub fn is_customer_field(key: &str) -> bool {
    if telemetry::redact::is_sensitive_field(key) {
        return true;
    }
    let key = normalized(key);
    CUSTOMER_KEYS.iter().any(|needle| key.contains(needle))
}

/// Whether a key's text and numbers stay readable.
fn is_kept_field(key: &str) -> bool {
    KEPT_KEYS.contains(&normalized(key).as_str())
}

fn mask(item: &mut Value) {
    *item = Value::String(MASK.to_string());
}

/// Masks customer keys whole, and every text and number whose key is not a kept one.
pub fn mask_value(value: &mut Value) {
    walk(value, false);
}

/// `readable`: whether a text or number here stays (it sits under a kept key, directly or in a
/// list). Objects and lists are walked whatever their key.
fn walk(value: &mut Value, readable: bool) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if item.is_null() {
                    continue;
                }
                if is_customer_field(key) {
                    mask(item);
                } else {
                    walk(item, is_kept_field(key));
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, readable)),
        Value::String(_) | Value::Number(_) if !readable => mask(value),
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

    #[test]
    fn values_under_unknown_or_garbled_keys_are_masked() {
        let body = json!({
            "shipmentPackageId": 3291832133u64,
            "taxNumbfr": "12345678901",
            "invoiceAddrss": {"idNo": 98765432109u64, "city": "Ankara"},
            "extra": ["55566677788", {"lineId": 7}],
            "originPackageIds": [3291832100u64],
            "lines": [{"barcode": "8690000000011", "quantity": 2, "giftMessage": "Ayşe'ye"}],
            "fastDelivery": true
        });
        let out = loggable(&body);
        for gone in [
            "12345678901",
            "98765432109",
            "Ankara",
            "55566677788",
            "Ayşe",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        for kept in [
            "3291832133",
            "3291832100",
            "8690000000011",
            "\"quantity\":2",
            "\"lineId\":7",
            "true",
        ] {
            assert!(out.contains(kept), "{kept} missing from {out}");
        }
    }
}
