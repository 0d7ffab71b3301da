//! Fields Trendyol documents that the sandbox keeps no state for.
//!
//! Trendyol's answers carry fields MesChain does not use — the delivery type and window, the
//! discount details of a line, the claim's id under a second name, whether the seller accepted
//! a claim item — and empty strings where an address has no company or second line. The
//! sandbox's answers carry them too, with plausible values, so a client tried against the
//! sandbox meets the documented shape rather than a trimmed one (`tests/goldens.rs` holds the
//! answers to the goldens written from Trendyol's documentation).

use serde_json::{json, Map, Value};

/// A day in ms.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn fill(o: &mut Map<String, Value>, key: &str, value: Value) {
    match o.get(key) {
        None | Some(Value::Null) => {
            o.insert(key.to_string(), value);
        }
        Some(_) => {}
    }
}

fn address(v: Option<&mut Value>) {
    let Some(Value::Object(a)) = v else {
        return;
    };
    fill(a, "company", json!(""));
    fill(a, "address2", json!(""));
    let district = a
        .get("cityCode")
        .and_then(Value::as_i64)
        .map_or(1, |c| c * 100 + 1);
    fill(a, "districtId", json!(district));
}

/// One package (new field names) with its documented extras.
pub fn package(v: &mut Value) {
    let Value::Object(p) = v else {
        return;
    };
    if let Some(status) = p.get("status").cloned() {
        fill(p, "shipmentPackageStatus", status);
    }
    if !p.contains_key("taxNumber") {
        p.insert("taxNumber".into(), Value::Null);
    }
    fill(p, "deliveryType", json!("normal"));
    let ordered = p.get("orderDate").and_then(Value::as_i64).unwrap_or(0);
    fill(p, "estimatedDeliveryStartDate", json!(ordered + DAY_MS));
    fill(p, "estimatedDeliveryEndDate", json!(ordered + 3 * DAY_MS));
    address(p.get_mut("shipmentAddress"));
    address(p.get_mut("invoiceAddress"));
    if let Some(Value::Array(lines)) = p.get_mut("lines") {
        for line in lines.iter_mut().filter_map(Value::as_object_mut) {
            let price = line.get("lineUnitPrice").cloned().unwrap_or(json!(0));
            let discount = ["lineSellerDiscount", "lineTyDiscount"]
                .iter()
                .filter_map(|k| line.get(*k).and_then(Value::as_f64))
                .sum::<f64>();
            fill(
                line,
                "discountDetails",
                json!([{"lineItemPrice": price, "lineItemDiscount": discount}]),
            );
        }
    }
}

/// Every package of a page (`content`) or of a bare list.
pub fn packages(v: &mut Value) {
    let list = match v {
        Value::Array(a) => a,
        Value::Object(o) => match o.get_mut("content") {
            Some(Value::Array(a)) => a,
            _ => return,
        },
        _ => return,
    };
    list.iter_mut().for_each(package);
}

/// Every claim of a claims page with its documented extras.
pub fn claims(v: &mut Value) {
    let Some(Value::Array(list)) = v.get_mut("content") else {
        return;
    };
    for claim in list.iter_mut().filter_map(Value::as_object_mut) {
        if let Some(id) = claim.get("id").cloned() {
            fill(claim, "claimId", id);
        }
        let Some(Value::Array(items)) = claim.get_mut("items") else {
            continue;
        };
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::Object(line)) = item.get_mut("orderLine") {
                let price = line.get("price").and_then(Value::as_f64).unwrap_or(0.0);
                // The sandbox sells at 20 % VAT.
                fill(
                    line,
                    "vatBaseAmount",
                    json!((price / 1.2 * 100.0).round() / 100.0),
                );
                fill(line, "salesCampaignId", json!(0));
                fill(line, "productCategory", json!("Giyim"));
            }
            if let Some(Value::Array(claim_items)) = item.get_mut("claimItems") {
                for ci in claim_items.iter_mut().filter_map(Value::as_object_mut) {
                    let accepted = ci
                        .get("claimItemStatus")
                        .and_then(|s| s.get("name"))
                        .and_then(Value::as_str)
                        == Some("Accepted");
                    fill(ci, "note", json!(""));
                    fill(ci, "autoAccepted", json!(false));
                    fill(ci, "acceptedBySeller", json!(accepted));
                }
            }
        }
    }
}
