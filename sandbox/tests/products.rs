//! Contract: products — validation rules as item failures, request-level 400s, review with
//! approval/rejection after a delay, V2 paging caps, batch lifecycle and expiry, the updates,
//! price & inventory rules, and the reference data.

mod common;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};

fn item_of(batch: &Value, i: usize) -> &Value {
    &batch["items"][i]
}

fn reasons(item: &Value) -> String {
    item["failureReasons"].to_string()
}

#[tokio::test]
async fn each_validation_rule_is_an_item_failure() {
    let sb = start_default().await;
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut bad_chars = v2_item("AB/12");
    bad_chars["productMainId"] = json!("M1");
    cases.push((bad_chars, "barcode"));
    cases.push((v2_item(&"X".repeat(41)), "barcode"));
    let mut long_title = v2_item("T1");
    long_title["title"] = json!("x".repeat(101));
    cases.push((long_title, "title"));
    let mut vat = v2_item("V1");
    vat["vatRate"] = json!(18);
    cases.push((vat, "vatRate"));
    let mut parent = v2_item("C1");
    parent["categoryId"] = json!(403);
    cases.push((parent, "leaf"));
    let mut prices = v2_item("P1");
    prices["listPrice"] = json!(90.0);
    cases.push((prices, "listPrice"));
    let mut http = v2_item("I1");
    http["images"] = json!([{"url": "http://127.0.0.1/a.jpg"}]);
    cases.push((http, "https"));
    let mut nine = v2_item("I2");
    nine["images"] = json!((0..9)
        .map(|i| json!({"url": format!("https://127.0.0.1/{i}.jpg")}))
        .collect::<Vec<_>>());
    cases.push((nine, "at most 8"));
    let mut stock = v2_item("Q1");
    stock["quantity"] = json!(20_001);
    cases.push((stock, "quantity"));
    let mut brand = v2_item("B1");
    brand["brandId"] = json!(999_999_999);
    cases.push((brand, "brand"));

    let mut items: Vec<Value> = vec![v2_item("VALID-1")];
    items.extend(cases.iter().map(|(i, _)| i.clone()));
    let batch = sb.create_v2(json!(items)).await;
    assert_eq!(batch["status"], "COMPLETED");
    assert_eq!(batch["batchRequestType"], "ProductV2OnBoarding");
    assert_eq!(
        item_of(&batch, 0)["status"],
        "SUCCESS",
        "{}",
        item_of(&batch, 0)
    );
    for (i, (_, needle)) in cases.iter().enumerate() {
        let it = item_of(&batch, i + 1);
        assert_eq!(it["status"], "FAILED", "case {i}: {it}");
        assert!(
            reasons(it).contains(needle),
            "case {i} should mention {needle}: {it}"
        );
    }
    assert_eq!(batch["failedItemCount"], cases.len() as u64);
    assert_eq!(batch["itemCount"], cases.len() as u64 + 1);
}

#[tokio::test]
async fn barcode_spaces_are_stripped_and_the_stripped_form_is_the_key() {
    let sb = start_default().await;
    let batch = sb.create_v2(json!([v2_item(" SP 12 34 ")])).await;
    assert_eq!(item_of(&batch, 0)["status"], "SUCCESS");
    assert_eq!(item_of(&batch, 0)["requestItem"]["barcode"], "SP1234");
    let v = sb
        .get_json(&format!(
            "/integration/product/sellers/{SELLER}/products?barcode=SP1234"
        ))
        .await;
    assert_eq!(v["totalElements"], 1);
    assert_eq!(v["content"][0]["barcode"], "SP1234");
    // Creating the same barcode again fails per item.
    let again = sb.create_v2(json!([v2_item("SP1234")])).await;
    assert_eq!(item_of(&again, 0)["status"], "FAILED");
}

#[tokio::test]
async fn more_than_1000_items_or_a_bad_body_is_a_400() {
    let sb = start_default().await;
    let path = format!("/integration/product/sellers/{SELLER}/v2/products");
    let items: Vec<Value> = (0..1001).map(|i| v2_item(&format!("BC{i}"))).collect();
    let r = sb
        .send_json(Method::POST, &path, &json!({ "items": items }))
        .await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["key"], "items.max.size.exceeded");
    let r = sb
        .req(Method::POST, &path)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"][0]["key"].is_string());
    let r = sb
        .send_json(Method::POST, &path, &json!({ "items": [] }))
        .await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn v1_shape_with_cargo_company_id() {
    let sb = start_default().await;
    let mut ok = v2_item("V1-OK");
    let obj = ok.as_object_mut().unwrap();
    obj.remove("cargoProviders");
    obj.insert("cargoCompanyId".into(), json!(17));
    obj.insert(
        "attributes".into(),
        json!([{"attributeId": 338, "attributeValueId": 7003}, {"attributeId": 47, "customAttributeValue": "black"}]),
    );
    let mut bad = ok.clone();
    bad["barcode"] = json!("V1-BAD");
    bad["cargoCompanyId"] = json!(12345);
    let r = sb
        .send_json(
            Method::POST,
            &format!("/integration/product/sellers/{SELLER}/products"),
            &json!({"items": [ok, bad]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    let b = sb.batch(&id).await;
    assert_eq!(item_of(&b, 0)["status"], "SUCCESS", "{b}");
    assert_eq!(item_of(&b, 1)["status"], "FAILED");
    assert!(reasons(item_of(&b, 1)).contains("cargoCompanyId"));
}

#[tokio::test]
async fn approval_or_rejection_shows_after_the_review_delay() {
    let sb = start_default().await;
    sb.settings(json!({"approvalDelayMs": 60_000, "rejectShare": 0.5}))
        .await;
    let items: Vec<Value> = (0..20).map(|i| v2_item(&format!("R{i:02}"))).collect();
    let batch = sb.create_v2(json!(items)).await;
    assert_eq!(batch["failedItemCount"], 0);
    let approved_path = format!("/integration/product/sellers/{SELLER}/products/approved?size=100");
    let unapproved_path =
        format!("/integration/product/sellers/{SELLER}/products/unapproved?size=100");
    let a = sb.get_json(&approved_path).await;
    let u = sb.get_json(&unapproved_path).await;
    assert_eq!(a["totalElements"], 0);
    assert_eq!(u["totalElements"], 20);
    assert!(u["content"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["status"] == "PENDING"));

    sb.advance_ms(60_000).await;
    let a = sb.get_json(&approved_path).await;
    let u = sb.get_json(&unapproved_path).await;
    let approved: u64 = a["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["variants"].as_array().unwrap().len() as u64)
        .sum();
    let rejected = u["totalElements"].as_u64().unwrap();
    assert_eq!(approved + rejected, 20);
    assert!(
        approved > 0 && rejected > 0,
        "approved {approved}, rejected {rejected}"
    );
    for p in u["content"].as_array().unwrap() {
        assert_eq!(p["status"], "REJECTED");
        assert!(!p["rejectReasonDetails"].as_array().unwrap().is_empty());
    }
    // The V1 filter agrees.
    let f = sb
        .get_json(&format!(
            "/integration/product/sellers/{SELLER}/products?approved=true&size=100"
        ))
        .await;
    assert_eq!(f["totalElements"], approved);
}

#[tokio::test]
async fn v2_list_paging_caps_and_next_page_token() {
    let sb = start_default().await;
    sb.seed(150).await;
    let base = format!("/integration/product/sellers/{SELLER}/products/approved");
    assert_eq!(sb.get(&format!("{base}?size=101")).await.status(), 400);
    assert_eq!(
        sb.get(&format!("{base}?page=100&size=100")).await.status(),
        400
    );
    assert_eq!(
        sb.get(&format!(
            "/integration/product/sellers/{SELLER}/products/unapproved?size=101"
        ))
        .await
        .status(),
        400
    );
    // Seeded products group by productMainId (3 variants each): 50 contents.
    let first = sb.get_json(&format!("{base}?size=20")).await;
    assert_eq!(first["totalElements"], 50);
    let token = first["nextPageToken"].as_str().expect("token").to_string();
    let mut seen = first["content"].as_array().unwrap().len();
    let mut next = Some(token);
    while let Some(t) = next {
        let v = sb
            .get_json(&format!("{base}?size=20&nextPageToken={t}"))
            .await;
        seen += v["content"].as_array().unwrap().len();
        next = v["nextPageToken"].as_str().map(str::to_string);
    }
    assert_eq!(seen, 50);
    assert_eq!(
        sb.get(&format!("{base}?nextPageToken=garbage!"))
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn batch_goes_in_progress_then_completed_then_expires_after_4h() {
    let sb = start_default().await;
    sb.settings(json!({"batchDelayMs": 5_000})).await;
    let r = sb
        .send_json(
            Method::POST,
            &format!("/integration/product/sellers/{SELLER}/v2/products"),
            &json!({"items": [v2_item("B-1"), v2_item("B/2")]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/integration/product/sellers/{SELLER}/products/batch-requests/{id}");
    let v = sb.get_json(&path).await;
    assert_eq!(v["status"], "IN_PROGRESS");
    assert_eq!(v["items"][0]["status"], "IN_PROGRESS");
    sb.advance_ms(5_000).await;
    let v = sb.get_json(&path).await;
    assert_eq!(v["status"], "COMPLETED");
    assert_eq!(v["items"][0]["status"], "SUCCESS");
    assert_eq!(v["items"][1]["status"], "FAILED");
    assert!(!v["items"][1]["failureReasons"]
        .as_array()
        .unwrap()
        .is_empty());
    sb.advance_ms(4 * 3600 * 1000).await;
    let r = sb.get(&path).await;
    assert_eq!(r.status(), 404);
    let e: Value = r.json().await.unwrap();
    assert!(e["errors"][0]["key"].is_string());
    // Unknown ids are 404 too.
    assert_eq!(
        sb.get(&format!(
            "/integration/product/sellers/{SELLER}/products/batch-requests/nope"
        ))
        .await
        .status(),
        404
    );
}

#[tokio::test]
async fn batch_status_can_lag_behind_items() {
    let sb = start_default().await;
    sb.settings(json!({"batchDelayMs": 1_000, "batchStatusLagMs": 5_000}))
        .await;
    let r = sb
        .send_json(
            Method::POST,
            &format!("/integration/product/sellers/{SELLER}/v2/products"),
            &json!({"items": [v2_item("LAG-1")]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/integration/product/sellers/{SELLER}/products/batch-requests/{id}");
    sb.advance_ms(1_000).await;
    let v = sb.get_json(&path).await;
    assert_eq!(v["items"][0]["status"], "SUCCESS");
    assert_eq!(v["status"], "IN_PROGRESS");
    sb.advance_ms(5_000).await;
    assert_eq!(sb.get_json(&path).await["status"], "COMPLETED");
}

async fn price_inventory(sb: &Sb, items: Value) -> reqwest::Response {
    sb.send_json(
        Method::POST,
        &format!("/integration/inventory/sellers/{SELLER}/products/price-and-inventory"),
        &json!({ "items": items }),
    )
    .await
}

#[tokio::test]
async fn price_and_inventory_rules() {
    let sb = start_default().await;
    let barcodes = sb.seed(3).await;
    // > 1000 items: 400.
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({"barcode": format!("X{i}"), "quantity": 1}))
        .collect();
    assert_eq!(price_inventory(&sb, json!(many)).await.status(), 400);

    // Stock 20,001 fails per item; 20,000 passes; unknown barcode fails.
    let r = price_inventory(
        &sb,
        json!([
            {"barcode": barcodes[0], "quantity": 20_000},
            {"barcode": barcodes[1], "quantity": 20_001},
            {"barcode": "NOPE", "quantity": 1},
            {"barcode": barcodes[2], "salePrice": 50.0, "listPrice": 40.0}
        ]),
    )
    .await;
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    let b = sb.batch(&id).await;
    assert!(
        b.get("status").is_none(),
        "price & inventory batches have no batch status: {b}"
    );
    assert_eq!(b["items"][0]["status"], "SUCCESS");
    assert_eq!(b["items"][1]["status"], "FAILED");
    assert!(reasons(&b["items"][1]).contains("20000"));
    assert_eq!(b["items"][2]["status"], "FAILED");
    assert_eq!(b["items"][3]["status"], "FAILED");
    let f = sb
        .get_json(&format!(
            "/integration/product/sellers/{SELLER}/products?barcode={}",
            barcodes[0]
        ))
        .await;
    assert_eq!(f["content"][0]["quantity"], 20_000);

    // The same body within 15 minutes is refused; after 15 minutes it is accepted.
    let body = json!([{"barcode": barcodes[0], "quantity": 7}]);
    assert_eq!(price_inventory(&sb, body.clone()).await.status(), 200);
    let r = price_inventory(&sb, body.clone()).await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("15 dakika"));
    // A different body is fine.
    assert_eq!(
        price_inventory(&sb, json!([{"barcode": barcodes[0], "quantity": 8}]))
            .await
            .status(),
        200
    );
    sb.advance_ms(14 * 60 * 1000).await;
    assert_eq!(price_inventory(&sb, body.clone()).await.status(), 400);
    sb.advance_ms(60 * 1000).await;
    assert_eq!(price_inventory(&sb, body).await.status(), 200);
}

#[tokio::test]
async fn price_and_inventory_only_for_approved_products() {
    let sb = start_default().await;
    sb.settings(json!({"approvalDelayMs": 60_000})).await;
    sb.create_v2(json!([v2_item("PENDING-1")])).await;
    let r = price_inventory(&sb, json!([{"barcode": "PENDING-1", "quantity": 3}])).await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    let b = sb.batch(&id).await;
    assert_eq!(b["items"][0]["status"], "FAILED");
    assert!(reasons(&b["items"][0]).contains("not approved"));
}

#[tokio::test]
async fn v2_updates_delete_and_archive() {
    let sb = start_default().await;
    sb.settings(json!({"rejectShare": 1.0})).await;
    sb.create_v2(json!([v2_item("UP-1")])).await;
    let u = sb
        .get_json(&format!(
            "/integration/product/sellers/{SELLER}/products/unapproved"
        ))
        .await;
    assert_eq!(u["content"][0]["status"], "REJECTED");
    // Fix and resubmit through unapproved-bulk-update: it goes back to review and passes.
    sb.settings(json!({"rejectShare": 0.0})).await;
    let mut fixed = v2_item("UP-1");
    fixed["title"] = json!("Düzeltilmiş başlık");
    let r = sb
        .send_json(
            Method::POST,
            &format!("/integration/product/sellers/{SELLER}/products/unapproved-bulk-update"),
            &json!({"items": [fixed]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sb.batch(&id).await["items"][0]["status"], "SUCCESS");
    let a = sb
        .get_json(&format!(
            "/integration/product/sellers/{SELLER}/products/approved"
        ))
        .await;
    assert_eq!(a["content"][0]["title"], "Düzeltilmiş başlık");
    let content_id = a["content"][0]["contentId"].as_u64().unwrap();

    // Content update by contentId; variant update by barcode.
    let r = sb
        .send_json(
            Method::POST,
            &format!("/integration/product/sellers/{SELLER}/products/content-bulk-update"),
            &json!({"items": [{"contentId": content_id, "title": "Yeni başlık"}]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sb.batch(&id).await["items"][0]["status"], "SUCCESS");
    let r = sb
        .send_json(
            Method::POST,
            &format!("/integration/product/sellers/{SELLER}/products/variant-bulk-update"),
            &json!({"items": [{"barcode": "UP-1", "vatRate": 10}, {"barcode": "UP-1", "vatRate": 18}]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    let b = sb.batch(&id).await;
    assert_eq!(b["items"][0]["status"], "SUCCESS");
    assert_eq!(b["items"][1]["status"], "FAILED");
    // Unapproved update of an approved product fails.
    let r = sb
        .send_json(
            Method::POST,
            &format!("/integration/product/sellers/{SELLER}/products/unapproved-bulk-update"),
            &json!({"items": [v2_item("UP-1")]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sb.batch(&id).await["items"][0]["status"], "FAILED");
    let a = sb
        .get_json(&format!(
            "/integration/product/sellers/{SELLER}/products/approved"
        ))
        .await;
    assert_eq!(a["content"][0]["title"], "Yeni başlık");
    assert_eq!(a["content"][0]["variants"][0]["vatRate"], 10);

    // Archive, then delete.
    let r = sb
        .send_json(
            Method::PUT,
            &format!("/integration/product/sellers/{SELLER}/products/archive-state"),
            &json!({"items": [{"barcode": "UP-1", "archived": true}]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sb.batch(&id).await["items"][0]["status"], "SUCCESS");
    let f = sb
        .get_json(&format!(
            "/integration/product/sellers/{SELLER}/products?archived=true"
        ))
        .await;
    assert_eq!(f["totalElements"], 1);
    let r = sb
        .send_json(
            Method::DELETE,
            &format!("/integration/product/sellers/{SELLER}/products"),
            &json!({"items": [{"barcode": "UP-1"}, {"barcode": "GONE"}]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    let b = sb.batch(&id).await;
    assert_eq!(b["items"][0]["status"], "SUCCESS");
    assert_eq!(b["items"][1]["status"], "FAILED");
    let f = sb
        .get_json(&format!("/integration/product/sellers/{SELLER}/products"))
        .await;
    assert_eq!(f["totalElements"], 0);
}

#[tokio::test]
async fn v1_update_cannot_change_locked_fields_after_approval() {
    let sb = start_default().await;
    let barcodes = sb.seed(1).await;
    let mut item = v2_item(&barcodes[0]);
    let obj = item.as_object_mut().unwrap();
    obj.remove("cargoProviders");
    obj.insert("cargoCompanyId".into(), json!(17));
    obj.insert("attributes".into(), json!([]));
    item["categoryId"] = json!(412);
    let r = sb
        .send_json(
            Method::PUT,
            &format!("/integration/product/sellers/{SELLER}/products"),
            &json!({"items": [item]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["batchRequestId"]
        .as_str()
        .unwrap()
        .to_string();
    let b = sb.batch(&id).await;
    assert_eq!(b["items"][0]["status"], "FAILED");
    assert!(reasons(&b["items"][0]).contains("categoryId"));
}

#[tokio::test]
async fn reference_data() {
    let sb = start_default().await;
    let b = sb
        .get_json("/integration/product/brands?page=0&size=1000")
        .await;
    assert_eq!(b["brands"].as_array().unwrap().len(), 1000);
    let by = sb
        .get_json("/integration/product/brands/by-name?name=MesChain%20Demo")
        .await;
    assert_eq!(by[0]["id"], 1791);
    let by = sb
        .get_json("/integration/product/brands/by-name?name=meschain%20demo")
        .await;
    assert_eq!(
        by.as_array().unwrap().len(),
        0,
        "brand names are case-sensitive"
    );
    let tree = sb.get_json("/integration/product/product-categories").await;
    let giyim = &tree["categories"][0];
    assert!(!giyim["subCategories"].as_array().unwrap().is_empty());
    let attrs = sb
        .get_json("/integration/product/categories/411/attributes")
        .await;
    let list = attrs["categoryAttributes"].as_array().unwrap();
    assert!(list
        .iter()
        .any(|a| a["required"] == true && a["varianter"] == true));
    let vals = sb
        .get_json("/integration/product/categories/411/attributes/338/values?page=0&size=2")
        .await;
    assert_eq!(vals["content"].as_array().unwrap().len(), 2);
    assert!(vals["content"][0]["attributeValueId"].is_u64());
    assert_eq!(
        sb.get("/integration/product/categories/411/attributes/338/values?size=1001")
            .await
            .status(),
        400
    );
    let cargo = sb
        .get_json("/integration/product/lookup/cargo-providers")
        .await;
    assert!(cargo
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "YKMP" && c["id"] == 4));
    assert_eq!(sb.get("/integration/product/nowhere").await.status(), 404);
}
