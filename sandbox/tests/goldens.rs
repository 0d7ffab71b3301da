//! The sandbox held to Trendyol's documentation: every endpoint with a golden in
//! `wire/tests/golden/` is called on a running sandbox over HTTP, and the answer must have every
//! key the golden shows, with the golden's JSON type (null only where the golden shows null),
//! nested objects and arrays compared the same way. The comparison works on `serde_json::Value`
//! only — never through the wire structs the sandbox itself serialises — so a field the sandbox
//! names or types differently from Trendyol fails here even when the engine's client agrees with
//! it. The sandbox's error answers (400, 401, 404, 429, 500) are held to the golden error
//! envelope the same way.

mod common;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[path = "../../wire/tests/support/json_kind.rs"]
mod json_kind;
use json_kind::kind;
use std::path::PathBuf;

fn golden(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../wire/tests/golden")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// The documented element of an array: the keys every golden element has (an element shown
/// in two forms — an attribute by value id or by free text — needs only what both share),
/// each with the first documented value.
fn element_template(elements: &[Value]) -> Option<Value> {
    let first = elements.first()?;
    let Value::Object(_) = first else {
        return Some(first.clone());
    };
    let mut shared = serde_json::Map::new();
    for (k, v) in first.as_object().into_iter().flatten() {
        if elements.iter().all(|e| e.get(k).is_some()) {
            // A key null in one golden element and typed in another is nullable: the typed
            // form is what is checked, null is accepted below through `nullable`.
            let typed = elements
                .iter()
                .filter_map(|e| e.get(k))
                .find(|x| !x.is_null())
                .unwrap_or(v);
            shared.insert(k.clone(), typed.clone());
        }
    }
    Some(Value::Object(shared))
}

/// A number and a string holding one are the same amount: Trendyol sends some amounts as
/// strings, and the client reads both forms.
fn compatible(golden: &Value, got: &Value) -> bool {
    let numeric = |v: &Value| match v {
        Value::Number(_) => true,
        Value::String(s) => s.trim().parse::<f64>().is_ok(),
        _ => false,
    };
    kind(golden) == kind(got) || (numeric(golden) && numeric(got))
}

/// The path of a field with element indexes left out: `content[].lines[].productSize`.
fn field_path(at: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for ch in at.chars() {
        match ch {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(ch),
        }
    }
    out
}

/// Every key of `golden` is in `got` with a compatible JSON type, recursively. A golden null
/// accepts anything (the documentation shows the field as nullable), as does a field the
/// golden lists in `_nullable` (shown with a value, optional on a real account: a product
/// without a colour has none); any other null in `got` is a difference.
fn covers(golden: &Value, got: &Value, at: &str, nullable: &[String], problems: &mut Vec<String>) {
    match (golden, got) {
        (Value::Null, _) => {}
        (_, Value::Null)
            if nullable
                .iter()
                .any(|n| field_path(at).ends_with(&format!(".{n}"))) => {}
        (Value::Object(g), Value::Object(s)) => {
            for (k, gv) in g {
                match s.get(k) {
                    None => problems.push(format!("{at}.{k}: missing")),
                    Some(sv) => covers(gv, sv, &format!("{at}.{k}"), nullable, problems),
                }
            }
        }
        (Value::Array(g), Value::Array(s)) => {
            if let Some(template) = element_template(g) {
                for (i, e) in s.iter().enumerate() {
                    covers(&template, e, &format!("{at}[{i}]"), nullable, problems);
                }
            }
        }
        (g, s) if !compatible(g, s) => problems.push(format!(
            "{at}: {} where the documentation has {} ({s})",
            kind(s),
            kind(g)
        )),
        _ => {}
    }
}

/// The fields a golden marks as nullable.
fn nullable(g: &Value) -> Vec<String> {
    g["_nullable"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// `{sellerId}`-style path segments filled in.
fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut path = template.replace("{sellerId}", &SELLER.to_string());
    for (k, v) in args {
        path = path.replace(&format!("{{{k}}}"), v);
    }
    assert!(!path.contains('{'), "unfilled segment in {path}");
    path
}

/// What one call answered.
struct Answer {
    status: u16,
    body: Value,
}

struct Check<'a> {
    sb: &'a Sb,
    problems: Vec<String>,
    checked: Vec<String>,
}

impl Check<'_> {
    async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.sb.req(method, path);
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(if text.is_empty() {
            Value::Null
        } else {
            Value::String(text)
        });
        Answer { status, body }
    }

    /// Calls the golden's endpoint on the sandbox and holds the answer to the golden's.
    async fn endpoint(
        &mut self,
        name: &str,
        args: &[(&str, String)],
        query: &str,
        body: Option<Value>,
    ) -> Value {
        let g = golden(name);
        let method = g["method"].as_str().unwrap();
        let path = fill(g["path"].as_str().unwrap(), args) + query;
        let body = body.or_else(|| (!g["request"].is_null()).then(|| g["request"].clone()));
        let a = self.send(method, &path, body.as_ref()).await;
        let want = g["status"].as_u64().unwrap_or(200) as u16;
        if a.status != want {
            self.problems.push(format!(
                "{name}: {method} {path} answered {} where the documentation has {want}: {}",
                a.status, a.body
            ));
        } else if !g["response"].is_null() {
            if is_empty_listing(&a.body) {
                self.problems.push(format!(
                    "{name}: the answer lists nothing to compare: {}",
                    a.body
                ));
            }
            covers(
                &g["response"],
                &a.body,
                name,
                &nullable(&g),
                &mut self.problems,
            );
        }
        self.checked.push(name.to_string());
        a.body
    }

    /// An error answer held to the golden error envelope.
    fn error(&mut self, what: &str, a: &Answer, status: u16, envelope: &str) {
        if a.status != status {
            self.problems.push(format!(
                "{what}: answered {} not {status}: {}",
                a.status, a.body
            ));
            return;
        }
        covers(
            &golden(envelope)["response"],
            &a.body,
            what,
            &[],
            &mut self.problems,
        );
        let entry = &a.body["errors"][0];
        for k in ["key", "message"] {
            if entry[k].as_str().is_none_or(|s| s.is_empty()) {
                self.problems
                    .push(format!("{what}: errors[0].{k} is empty: {}", a.body));
            }
        }
    }
}

/// A brand name as a query value.
fn form_urlencoded_name(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A page (`content`) or a bare array with nothing in it: the shape check would pass vacuously.
fn is_empty_listing(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o
            .get("content")
            .or_else(|| o.get("brands"))
            .or_else(|| o.get("categories"))
            .is_some_and(|c| c.as_array().is_some_and(|a| a.is_empty())),
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_answers_as_the_goldens_document() {
    let mut cfg = config();
    // Products created here stay in review until the test decides their verdict.
    cfg.settings.approval_delay_ms = 3_600_000;
    let sb = start(cfg).await;
    let approved = sb.seed(3).await;
    let mut c = Check {
        sb: &sb,
        problems: Vec::new(),
        checked: Vec::new(),
    };

    // Reference data.
    c.endpoint("product.brands", &[], "?page=0&size=100", None)
        .await;
    let brands = sb
        .get_json("/integration/product/brands?page=0&size=1")
        .await;
    let brand = brands["brands"][0]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let by_name: String = form_urlencoded_name(&brand);
    c.endpoint(
        "product.brands.by-name",
        &[],
        &format!("?name={by_name}"),
        None,
    )
    .await;
    c.endpoint("product.categories", &[], "", None).await;
    c.endpoint(
        "product.category-attributes",
        &[("categoryId", "411".into())],
        "",
        None,
    )
    .await;
    c.endpoint(
        "product.attribute-values",
        &[("categoryId", "411".into()), ("attributeId", "338".into())],
        "",
        None,
    )
    .await;
    c.endpoint("product.cargo-providers", &[], "", None).await;

    // Products: the documented bodies, then the lists and the batch of the create.
    let created = c
        .endpoint(
            "product.create.v2",
            &[],
            "",
            Some(json!({"items": [v2_item("GOLD-1"), v2_item("GOLD-2")]})),
        )
        .await;
    c.endpoint("product.create.v1", &[], "", None).await;
    sb.control(
        Method::POST,
        "/__sandbox/products/review",
        json!({"barcode": "GOLD-2", "approve": false,
               "reasons": [{"rejectReason": "Görsel", "rejectReasonDetail": "Görsel kalitesi yetersiz"}]}),
    )
    .await;
    if let Some(id) = created["batchRequestId"].as_str() {
        let _ = sb.batch(id).await;
        c.endpoint(
            "product.batch-result",
            &[("batchRequestId", id.to_string())],
            "",
            None,
        )
        .await;
    }
    c.endpoint(
        "product.filter.v1",
        &[],
        &format!("?barcode={}&page=0&size=10", approved[0]),
        None,
    )
    .await;
    c.endpoint("product.approved", &[], "?page=0&size=10", None)
        .await;
    c.endpoint("product.unapproved", &[], "?page=0&size=10", None)
        .await;
    let mut unapproved = golden("product.update.unapproved")["request"].clone();
    unapproved["items"][0]["barcode"] = json!("GOLD-2");
    c.endpoint("product.update.unapproved", &[], "", Some(unapproved))
        .await;
    let content_id = sb
        .get_json(&format!(
            "/integration/product/sellers/{SELLER}/products/approved?page=0&size=1"
        ))
        .await["content"][0]["contentId"]
        .clone();
    let mut content = golden("product.update.content")["request"].clone();
    content["items"][0]["contentId"] = content_id;
    c.endpoint("product.update.content", &[], "", Some(content))
        .await;
    let mut variant = golden("product.update.variant")["request"].clone();
    variant["items"][0]["barcode"] = json!(approved[1]);
    c.endpoint("product.update.variant", &[], "", Some(variant))
        .await;
    c.endpoint("product.update.v1", &[], "", None).await;
    let archive = json!({"items": [{"barcode": approved[2], "archived": true}]});
    c.endpoint("product.archive", &[], "", Some(archive)).await;
    c.endpoint("inventory.price-and-inventory", &[], "", None)
        .await;
    c.endpoint(
        "product.delete",
        &[],
        "",
        Some(json!({"items": [{"barcode": "GOLD-1"}]})),
    )
    .await;

    // Orders: a listing, the stream, then the writes on real packages.
    let ids = sb
        .generate(json!({"count": 4, "splitShare": 0.0, "cancelShare": 0.0, "awaitingShare": 0.0}))
        .await;
    c.endpoint("order.list", &[], "?page=0&size=50", None).await;
    c.endpoint("order.stream", &[], "?size=50", None).await;
    let lines = |p: &Value| -> Value {
        json!(p["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| json!({"lineId": l["lineId"], "quantity": l["quantity"]}))
            .collect::<Vec<_>>())
    };
    let first = sb.package(ids[0]).await;
    let picking = c
        .send(
            "PUT",
            &format!(
                "/integration/order/sellers/{SELLER}/shipment-packages/{}",
                ids[0]
            ),
            Some(&json!({"lines": lines(&first), "params": {}, "status": "Picking"})),
        )
        .await;
    assert_eq!(picking.status, 200, "{}", picking.body);
    let mut invoiced = golden("order.package.status")["request"].clone();
    invoiced["lines"] = lines(&first);
    c.endpoint(
        "order.package.status",
        &[("packageId", ids[0].to_string())],
        "",
        Some(invoiced),
    )
    .await;
    let second = sb.package(ids[1]).await;
    let mut unsupplied = golden("order.package.unsupplied")["request"].clone();
    unsupplied["lines"] = json!([{"lineId": second["lines"][0]["lineId"], "quantity": 1}]);
    c.endpoint(
        "order.package.unsupplied",
        &[("packageId", ids[1].to_string())],
        "",
        Some(unsupplied),
    )
    .await;
    c.endpoint(
        "order.package.tracking-number",
        &[("packageId", ids[2].to_string())],
        "",
        None,
    )
    .await;
    let mut link = golden("order.invoice-link")["request"].clone();
    link["shipmentPackageId"] = json!(ids[3]);
    c.endpoint("order.invoice-link", &[], "", Some(link)).await;

    // Claims: two claims, one item approved, one refused with a documented reason.
    sb.control(
        Method::POST,
        "/__sandbox/claims/generate",
        json!({"count": 2}),
    )
    .await;
    let claims = c.endpoint("claim.list", &[], "?page=0&size=50", None).await;
    let reasons = c.endpoint("claim.issue-reasons", &[], "", None).await;
    let claim = |i: usize| {
        let cl = &claims["content"][i];
        (
            cl["id"].as_str().unwrap_or_default().to_string(),
            cl["items"][0]["claimItems"][0]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    };
    let (claim_a, item_a) = claim(0);
    c.endpoint(
        "claim.approve",
        &[("claimId", claim_a)],
        "",
        Some(json!({"claimLineItemIdList": [item_a], "params": {}})),
    )
    .await;
    let (claim_b, item_b) = claim(1);
    let reason = reasons[0]["id"].as_u64().unwrap_or(1651);
    c.endpoint(
        "claim.reject",
        &[("claimId", claim_b)],
        &format!("?claimIssueReasonId={reason}&claimItemIdList={item_b}&description=kullanilmis"),
        None,
    )
    .await;

    // Customer questions: one asked, answered, then read back by id and in the answered list (a
    // waiting question has no answer yet, and the documented shape is an answered one).
    let asked = sb
        .control(
            Method::POST,
            "/__sandbox/questions/seed",
            json!({"productMainId": "MAIN-1", "productName": "Test ürünü"}),
        )
        .await;
    let question = asked["questionId"].as_u64().unwrap_or_default().to_string();
    c.endpoint(
        "qna.answer",
        &[("id", question.clone())],
        "",
        Some(json!({"text": "Evet, stokta var ve yarın kargoda."})),
    )
    .await;
    c.endpoint("qna.question", &[("id", question)], "", None)
        .await;
    c.endpoint(
        "qna.questions.filter",
        &[],
        &format!("?supplierId={SELLER}&status=ANSWERED&page=0&size=50"),
        None,
    )
    .await;

    // Webhooks: the sandbox delivers to loopback only, so the documented body gets a local URL.
    let mut hook = golden("webhook.create")["request"].clone();
    hook["url"] = json!("http://127.0.0.1:9/hook");
    let made = c
        .endpoint("webhook.create", &[], "", Some(hook.clone()))
        .await;
    let id = made["id"].as_str().unwrap_or_default().to_string();
    c.endpoint("webhook.list", &[], "", None).await;
    c.endpoint("webhook.update", &[("id", id.clone())], "", Some(hook))
        .await;
    c.endpoint("webhook.deactivate", &[("id", id.clone())], "", None)
        .await;
    c.endpoint("webhook.activate", &[("id", id.clone())], "", None)
        .await;
    c.endpoint("webhook.delete", &[("id", id)], "", None).await;

    // Error answers: the envelope of the goldens, `errors[]` with a key and a message.
    let bad_request = c
        .send(
            "POST",
            &format!("/integration/product/sellers/{SELLER}/v2/products"),
            Some(&json!({"items": []})),
        )
        .await;
    c.error(
        "a refused body (400)",
        &bad_request,
        400,
        "errors/price-inventory-duplicate-request",
    );
    let again = golden("inventory.price-and-inventory")["request"].clone();
    let duplicate = c
        .send(
            "POST",
            &format!("/integration/inventory/sellers/{SELLER}/products/price-and-inventory"),
            Some(&again),
        )
        .await;
    c.error(
        "an identical price body (400)",
        &duplicate,
        400,
        "errors/price-inventory-duplicate-request",
    );
    if duplicate.body["errors"][0]["key"]
        != golden("errors/price-inventory-duplicate-request")["response"]["errors"][0]["key"]
    {
        c.problems.push(format!(
            "the duplicate body's key differs: {}",
            duplicate.body
        ));
    }
    let missing = c
        .send(
            "GET",
            &format!("/integration/product/sellers/{SELLER}/products/batch-requests/no-such-batch"),
            None,
        )
        .await;
    c.error(
        "an unknown batch (404)",
        &missing,
        404,
        "errors/generic-500",
    );
    let unauthorised = sb
        .http
        .get(sb.url(&format!("/integration/order/sellers/{SELLER}/orders")))
        .basic_auth(KEY, Some("wrong-secret"))
        .header("user-agent", UA)
        .send()
        .await
        .unwrap();
    let a = Answer {
        status: unauthorised.status().as_u16(),
        body: unauthorised.json().await.unwrap_or(Value::Null),
    };
    c.error(
        "wrong credentials (401)",
        &a,
        401,
        "errors/unauthorized-401",
    );
    for (share, status, envelope) in [
        ("throttleShare", 429, "errors/too-many-requests-429"),
        ("errorShare", 500, "errors/generic-500"),
    ] {
        sb.faults(json!({share: 1.0})).await;
        let a = c
            .send(
                "GET",
                &format!("/integration/order/sellers/{SELLER}/orders"),
                None,
            )
            .await;
        c.error(&format!("{share} ({status})"), &a, status, envelope);
        sb.control(Method::DELETE, "/__sandbox/faults", json!({}))
            .await;
    }

    // Every endpoint with a golden was called.
    let mut documented: Vec<String> =
        std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../wire/tests/golden"))
            .unwrap()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                name.strip_suffix(".json").map(str::to_string)
            })
            .collect();
    documented.retain(|n| !c.checked.contains(n));
    assert!(
        documented.is_empty(),
        "goldens never called on the sandbox: {documented:?}"
    );
    // One line per field, however many elements show it.
    let mut problems: Vec<String> = c.problems.iter().map(|p| field_path(p)).collect();
    problems.sort();
    problems.dedup_by(|a, b| a.split(':').next() == b.split(':').next());
    assert!(
        problems.is_empty(),
        "the sandbox differs from the goldens:\n{}",
        problems.join("\n")
    );
    sb.running.shutdown().await.unwrap();
}
