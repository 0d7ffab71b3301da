//! Contract: orders — generator (splits, cancellations, unsupplied, awaiting), list caps,
//! stream cursor rules, seller status rules, unsupplied, tracking number, invoice link 409,
//! legacy field names, determinism; and claims.

mod common;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;

fn orders_path() -> String {
    format!("/integration/order/sellers/{SELLER}/orders")
}

fn stream_path() -> String {
    format!("/integration/order/sellers/{SELLER}/orders/stream")
}

fn package_path(id: u64) -> String {
    format!("/integration/order/sellers/{SELLER}/shipment-packages/{id}")
}

#[tokio::test]
async fn generated_orders_come_from_the_catalog_and_list_and_stream_agree() {
    let sb = start_default().await;
    let barcodes: HashSet<String> = sb.seed(20).await.into_iter().collect();
    let ids = sb.generate(json!({"count": 120})).await;
    assert_eq!(ids.len(), 120);

    let v = sb.get_json(&format!("{}?size=200", orders_path())).await;
    assert_eq!(v["totalElements"], 120);
    for p in v["content"].as_array().unwrap() {
        assert_eq!(p["status"], "Created");
        assert!(p["shipmentPackageId"].is_u64());
        assert!(p["orderNumber"].is_string());
        for l in p["lines"].as_array().unwrap() {
            assert!(barcodes.contains(l["barcode"].as_str().unwrap()));
            assert!(l["lineId"].is_u64());
        }
        // orderDate is GMT+3: 3 hours ahead of the UTC history date.
        let od = p["orderDate"].as_i64().unwrap();
        let hd = p["packageHistories"][0]["createdDate"].as_i64().unwrap();
        assert_eq!(od - hd, 3 * 3600 * 1000);
    }

    // Stream everything with a cursor, 50 at a time.
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("{}?size=50&nextCursor={c}", stream_path()),
            None => format!("{}?size=50", stream_path()),
        };
        let v = sb.get_json(&path).await;
        pages += 1;
        for p in v["content"].as_array().unwrap() {
            assert!(seen.insert(p["shipmentPackageId"].as_u64().unwrap()));
        }
        if v["hasMore"] == true {
            cursor = Some(v["nextCursor"].as_str().unwrap().to_string());
        } else {
            assert!(v["nextCursor"].is_null());
            break;
        }
    }
    assert_eq!(seen.len(), 120);
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn stream_rules() {
    let sb = start_default().await;
    sb.seed(5).await;
    sb.generate(json!({"count": 5})).await;
    let now = sb
        .control(Method::GET, "/__sandbox/clock", Value::Null)
        .await["now"]
        .as_i64()
        .unwrap();
    let start = now - 60_000;
    let end = now + 60_000;
    let first = sb
        .get_json(&format!(
            "{}?size=2&lastModifiedStartDate={start}&lastModifiedEndDate={end}",
            stream_path()
        ))
        .await;
    let c = first["nextCursor"].as_str().unwrap().to_string();
    // Same filters with the cursor: fine.
    let ok = sb
        .get(&format!(
            "{}?size=2&lastModifiedStartDate={start}&lastModifiedEndDate={end}&nextCursor={c}",
            stream_path()
        ))
        .await;
    assert_eq!(ok.status(), 200);
    // Changed filters with the cursor: 400.
    let r = sb
        .get(&format!(
            "{}?size=2&lastModifiedStartDate={}&lastModifiedEndDate={end}&nextCursor={c}",
            stream_path(),
            start - 1
        ))
        .await;
    assert_eq!(r.status(), 400);
    let r = sb
        .get(&format!(
            "{}?packageItemStatuses=Picking&nextCursor={c}",
            stream_path()
        ))
        .await;
    assert_eq!(r.status(), 400);
    // A window wider than 14 days: 400.
    let r = sb
        .get(&format!(
            "{}?lastModifiedStartDate={}&lastModifiedEndDate={end}",
            stream_path(),
            end - 14 * 24 * 3600 * 1000 - 1
        ))
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        sb.get(&format!("{}?size=201", stream_path()))
            .await
            .status(),
        400
    );
    assert_eq!(
        sb.get(&format!("{}?nextCursor=bogus", stream_path()))
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn list_paging_caps() {
    let sb = start_default().await;
    assert_eq!(
        sb.get(&format!("{}?size=201", orders_path()))
            .await
            .status(),
        400
    );
    assert_eq!(
        sb.get(&format!("{}?size=200&page=50", orders_path()))
            .await
            .status(),
        400
    );
    assert_eq!(
        sb.get(&format!("{}?size=100&page=101", orders_path()))
            .await
            .status(),
        400
    );
    assert_eq!(
        sb.get(&format!("{}?size=200&page=49", orders_path()))
            .await
            .status(),
        200
    );
    let v = sb.get_json(&orders_path()).await;
    assert_eq!(v["size"], 50);
}

#[tokio::test]
async fn splits_keep_the_order_number_with_new_package_ids() {
    let sb = start_default().await;
    sb.seed(10).await;
    let ids = sb
        .generate(json!({"count": 5, "splitShare": 1.0, "maxLines": 3, "maxQuantity": 3}))
        .await;
    let v = sb.get_json(&format!("{}?size=200", orders_path())).await;
    let all = v["content"].as_array().unwrap();
    let split: Vec<&Value> = all.iter().filter(|p| p["createdBy"] == "split").collect();
    assert!(!split.is_empty());
    for s in &split {
        let origin = s["originPackageIds"][0].as_u64().unwrap();
        let orig = all
            .iter()
            .find(|p| p["shipmentPackageId"] == origin)
            .expect("origin listed");
        assert_eq!(orig["status"], "UnPacked");
        assert_eq!(orig["orderNumber"], s["orderNumber"]);
        assert_ne!(s["shipmentPackageId"], origin);
        assert_eq!(s["status"], "Created");
    }
    assert_eq!(ids.len(), all.len());
}

#[tokio::test]
async fn generator_cancellations_unsupplied_and_awaiting() {
    let sb = start_default().await;
    sb.seed(10).await;
    sb.generate(json!({"count": 10, "cancelShare": 1.0})).await;
    let v = sb
        .get_json(&format!("{}?size=200&status=Cancelled", orders_path()))
        .await;
    assert_eq!(v["totalElements"], 10);
    sb.control(Method::POST, "/__sandbox/reset", json!({}))
        .await;
    sb.seed(10).await;
    sb.generate(json!({"count": 10, "unsuppliedShare": 1.0}))
        .await;
    let v = sb
        .get_json(&format!("{}?size=200&status=UnSupplied", orders_path()))
        .await;
    assert_eq!(v["totalElements"], 10);

    sb.settings(json!({"awaitingDelayMs": 30_000})).await;
    let ids = sb.generate(json!({"count": 3, "awaitingShare": 1.0})).await;
    let p = sb.package(ids[0]).await;
    assert_eq!(p["status"], "Awaiting");
    // Awaiting cannot be processed by the seller.
    let line = p["lines"][0]["lineId"].as_u64().unwrap();
    let r = sb
        .send_json(
            Method::PUT,
            &package_path(ids[0]),
            &json!({"lines": [{"lineId": line, "quantity": 1}], "params": {}, "status": "Picking"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    sb.advance_ms(30_000).await;
    assert_eq!(sb.package(ids[0]).await["status"], "Created");
    // Unknown barcodes can be generated on purpose.
    let ids = sb
        .generate(json!({"count": 3, "unknownBarcodeShare": 1.0}))
        .await;
    let p = sb.package(ids[0]).await;
    assert!(p["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["barcode"].as_str().unwrap().starts_with("UNKNOWN-")));
}

#[tokio::test]
async fn seller_status_rules() {
    let sb = start_default().await;
    sb.seed(3).await;
    let id = sb.generate(json!({"count": 1, "maxLines": 1})).await[0];
    let p = sb.package(id).await;
    let line = p["lines"][0]["lineId"].as_u64().unwrap();
    let qty = p["lines"][0]["quantity"].as_u64().unwrap();
    let lines = json!([{"lineId": line, "quantity": qty}]);
    let put =
        |status: &str, params: Value| json!({"lines": lines, "params": params, "status": status});
    // Invoiced before Picking: 400.
    let r = sb
        .send_json(
            Method::PUT,
            &package_path(id),
            &put("Invoiced", json!({"invoiceNumber": "EME2024000000001"})),
        )
        .await;
    assert_eq!(r.status(), 400);
    // Shipped/Delivered cannot be set by the seller.
    for s in ["Shipped", "Delivered", "Cancelled"] {
        let r = sb
            .send_json(Method::PUT, &package_path(id), &put(s, json!({})))
            .await;
        assert_eq!(r.status(), 400, "{s}");
    }
    // Unknown line: 400.
    let r = sb
        .send_json(
            Method::PUT,
            &package_path(id),
            &json!({"lines": [{"lineId": 1, "quantity": 1}], "params": {}, "status": "Picking"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    // Picking, then Invoiced (invoiceNumber required).
    let r = sb
        .send_json(Method::PUT, &package_path(id), &put("Picking", json!({})))
        .await;
    assert_eq!(r.status(), 200);
    let r = sb
        .send_json(Method::PUT, &package_path(id), &put("Invoiced", json!({})))
        .await;
    assert_eq!(r.status(), 400);
    let r = sb
        .send_json(
            Method::PUT,
            &package_path(id),
            &put("Invoiced", json!({"invoiceNumber": "EME2024000000001"})),
        )
        .await;
    assert_eq!(r.status(), 200);
    let p = sb.package(id).await;
    assert_eq!(p["status"], "Invoiced");
    let hist: Vec<&str> = p["packageHistories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(hist, ["Created", "Picking", "Invoiced"]);
    // Unknown package: 404.
    let r = sb
        .send_json(Method::PUT, &package_path(42), &put("Picking", json!({})))
        .await;
    assert_eq!(r.status(), 404);
    // A bad body: 400 in Trendyol's shape.
    let r = sb
        .req(Method::PUT, &package_path(id))
        .header("content-type", "application/json")
        .body("[1,2")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"][0]["key"].is_string());
}

#[tokio::test]
async fn unsupplied_moves_the_rest_to_a_new_package() {
    let sb = start_default().await;
    sb.seed(10).await;
    let id = sb.generate(json!({"count": 1, "maxLines": 3})).await[0];
    let mut p = sb.package(id).await;
    // Make sure the package has 2+ lines for the split of quantities.
    let mut tries = 0;
    let mut pid = id;
    while p["lines"].as_array().unwrap().len() < 2 && tries < 20 {
        pid = sb.generate(json!({"count": 1, "maxLines": 3})).await[0];
        p = sb.package(pid).await;
        tries += 1;
    }
    let first = p["lines"][0].clone();
    let r = sb
        .send_json(
            Method::PUT,
            &format!("{}/items/unsupplied", package_path(pid)),
            &json!({"lines": [{"lineId": first["lineId"], "quantity": first["quantity"]}], "reasonId": 500}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(sb.package(pid).await["status"], "UnSupplied");
    let v = sb
        .get_json(&format!("{}?size=200&status=Created", orders_path()))
        .await;
    let moved: Vec<&Value> = v["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["originPackageIds"][0] == pid)
        .collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0]["orderNumber"], p["orderNumber"]);
    assert_ne!(moved[0]["shipmentPackageId"], pid);
    assert_eq!(
        moved[0]["lines"].as_array().unwrap().len(),
        p["lines"].as_array().unwrap().len() - 1
    );
    // A second unsupply of the same package: 400 (it is UnSupplied now).
    let r = sb
        .send_json(
            Method::PUT,
            &format!("{}/items/unsupplied", package_path(pid)),
            &json!({"lines": [{"lineId": first["lineId"], "quantity": 1}], "reasonId": 500}),
        )
        .await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn tracking_number_and_invoice_link() {
    let sb = start_default().await;
    sb.seed(3).await;
    let id = sb.generate(json!({"count": 1})).await[0];
    let r = sb
        .send_json(
            Method::PUT,
            &format!("{}/update-tracking-number", package_path(id)),
            &json!({"trackingNumber": "TRK-12345"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v = sb
        .get_json(&format!("{}?shipmentPackageIds={id}", orders_path()))
        .await;
    assert_eq!(v["content"][0]["cargoTrackingNumber"], "TRK-12345");
    let r = sb
        .send_json(
            Method::PUT,
            &format!("{}/update-tracking-number", package_path(id)),
            &json!({"trackingNumber": ""}),
        )
        .await;
    assert_eq!(r.status(), 400);

    let links = format!("/integration/sellers/{SELLER}/seller-invoice-links");
    let body = json!({"invoiceLink": "https://127.0.0.1/invoices/1.pdf", "shipmentPackageId": id});
    assert_eq!(
        sb.send_json(Method::POST, &links, &body).await.status(),
        201
    );
    let r = sb.send_json(Method::POST, &links, &body).await;
    assert_eq!(r.status(), 409);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["key"], "invoice.link.already.exists");
    let r = sb
        .send_json(
            Method::POST,
            &links,
            &json!({"invoiceLink": "nope", "shipmentPackageId": id}),
        )
        .await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn old_field_names_on_the_switch() {
    let sb = start_default().await;
    sb.seed(3).await;
    sb.generate(json!({"count": 2})).await;
    let v = sb.get_json(&orders_path()).await;
    let p = &v["content"][0];
    assert!(p["shipmentPackageId"].is_u64() && p.get("id").is_none());
    assert!(p["packageTotalPrice"].is_number());
    assert!(p["lines"][0]["lineId"].is_u64());

    sb.settings(json!({"legacyFieldNames": true})).await;
    for path in [orders_path(), stream_path()] {
        let v = sb.get_json(&path).await;
        let p = &v["content"][0];
        assert!(p["id"].is_u64(), "{path}: {p}");
        assert!(p.get("shipmentPackageId").is_none());
        assert!(p["totalPrice"].is_number());
        assert!(p["grossAmount"].is_number());
        assert!(p["shipmentPackageStatus"].is_string());
        let l = &p["lines"][0];
        assert!(l["id"].is_u64());
        assert!(l["merchantSku"].is_string());
        assert!(l["price"].is_number());
        assert!(l["amount"].is_number());
        assert!(l.get("lineId").is_none());
        // The wire crate reads them back.
        let back: trendyol_wire::ShipmentPackage = serde_json::from_value(p.clone()).unwrap();
        assert!(back.shipment_package_id.is_some());
    }
}

fn strip_dates(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in [
                "orderDate",
                "lastModifiedDate",
                "createdDate",
                "agreedDeliveryDate",
                "estimatedDeliveryStartDate",
                "estimatedDeliveryEndDate",
            ] {
                m.remove(k);
            }
            m.values_mut().for_each(strip_dates);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_dates),
        _ => {}
    }
}

async fn generated_with_seed(seed: u64) -> Value {
    let mut cfg = config();
    cfg.seed = seed;
    let sb = start(cfg).await;
    sb.seed(15).await;
    sb.generate(
        json!({"count": 40, "splitShare": 0.2, "cancelShare": 0.1, "unsuppliedShare": 0.1}),
    )
    .await;
    let mut v = sb
        .get_json(&format!("{}?size=200&orderByDirection=ASC", orders_path()))
        .await;
    strip_dates(&mut v);
    v
}

#[tokio::test]
async fn same_seed_same_orders() {
    let a = generated_with_seed(7).await;
    let b = generated_with_seed(7).await;
    let c = generated_with_seed(8).await;
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[tokio::test]
async fn claims_list_approve_reject_and_reasons() {
    let sb = start_default().await;
    sb.seed(5).await;
    let ids = sb.generate(json!({"count": 3, "maxQuantity": 1})).await;
    for id in &ids {
        sb.control(
            Method::POST,
            &format!("/__sandbox/packages/{id}/status"),
            json!({"status": "Delivered"}),
        )
        .await;
    }
    let gen = sb
        .control(
            Method::POST,
            "/__sandbox/claims/generate",
            json!({"count": 2}),
        )
        .await;
    assert_eq!(gen["claimIds"].as_array().unwrap().len(), 2);
    let claims_path = format!("/integration/order/sellers/{SELLER}/claims");
    let v = sb
        .get_json(&format!("{claims_path}?claimItemStatus=WaitingInAction"))
        .await;
    assert_eq!(v["totalElements"], 2);
    let c0 = &v["content"][0];
    let c1 = &v["content"][1];
    let item0 = c0["items"][0]["claimItems"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let item1 = c1["items"][0]["claimItems"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let claim0 = c0["id"].as_str().unwrap().to_string();
    let claim1 = c1["id"].as_str().unwrap().to_string();

    let approve = format!("{claims_path}/{claim0}/items/approve");
    let body = json!({"claimLineItemIdList": [item0], "params": {}});
    assert_eq!(
        sb.send_json(Method::PUT, &approve, &body).await.status(),
        200
    );
    // Only WaitingInAction items can be approved.
    assert_eq!(
        sb.send_json(Method::PUT, &approve, &body).await.status(),
        400
    );
    let v = sb
        .get_json(&format!("{claims_path}?claimItemStatus=Accepted"))
        .await;
    assert_eq!(v["totalElements"], 1);

    let reasons = sb.get_json("/integration/order/claim-issue-reasons").await;
    let reason = reasons[0]["id"].as_u64().unwrap();
    let issue = format!("{claims_path}/{claim1}/issue");
    let r = sb
        .req(
            Method::POST,
            &format!("{issue}?claimIssueReasonId=1&claimItemIdList={item1}&description=x"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "unknown reason");
    let long = "x".repeat(501);
    let r = sb
        .req(
            Method::POST,
            &format!(
                "{issue}?claimIssueReasonId={reason}&claimItemIdList={item1}&description={long}"
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "description too long");
    let r = sb
        .req(Method::POST, &format!("{issue}?claimIssueReasonId={reason}&claimItemIdList={item1}&description=Kullanilmis"))
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v = sb
        .get_json(&format!("{claims_path}?claimItemStatus=Unresolved"))
        .await;
    assert_eq!(v["totalElements"], 1);
    assert_eq!(v["content"][0]["id"], claim1.as_str());
    // Another seller's claim is not found.
    let r = sb
        .send_json(
            Method::PUT,
            &format!("{claims_path}/no-such-claim/items/approve"),
            &json!({"claimLineItemIdList": ["a"]}),
        )
        .await;
    assert_eq!(r.status(), 404);
}
