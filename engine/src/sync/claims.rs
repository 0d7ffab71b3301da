//! Returns: Trendyol claims, polled (there is no claim webhook), recorded on the OpenCart order.
//!
//! Each claim seen for the first time becomes, in one transaction: a `trendyol_claims` row, an
//! `oc_return` row per returned line (status Pending, so it shows under Sales > Returns), an
//! `order_history` note on the order, and a RETURN_INITIATED event in the queue. A claim seen
//! again only has its status and items refreshed. The shop owner approves or rejects from the
//! admin ([`approve`], [`reject`]); Trendyol is told first, then the return is closed or noted.

use std::collections::HashMap;

use mysql_async::prelude::*;
use mysql_async::{IsolationLevel, Value};
use serde::Serialize;
use trendyol_wire::claims::{Claim, RejectClaimRequest};

use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::{begin, enqueue_in, retry_conflicts, EventType, NewJob};
use crate::sync::cursor;
use crate::sync::orders::package::clip;
use crate::sync::shop_locale::ShopClock;
use crate::trendyol::{ClaimsQuery, TrendyolClient};

/// OpenCart's return statuses of a fresh install.
const RETURN_PENDING: u32 = 1;
const RETURN_COMPLETE: u32 = 3;
/// OpenCart's return reason "Order Error" and action none (the owner picks one in the admin).
const RETURN_REASON: u32 = 3;

/// What a claims poll did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ClaimsReport {
    pub seen: u64,
    pub new: u64,
    pub updated: u64,
    pub returns_created: u64,
    /// Claims Trendyol sent that could not be read (each logged with its id and field); the
    /// others of their page are recorded.
    pub unreadable: u64,
    /// The first few of them, as the run's details show them.
    pub errors: Vec<String>,
}

/// Polls claims changed since the claims cursor (first time: `lookback_days`) and records them.
pub async fn poll(
    db: &Database,
    client: &TrendyolClient,
    lookback_days: u32,
    now_ms: i64,
) -> Result<ClaimsReport> {
    let position = cursor::position(db, cursor::CLAIMS).await?;
    let start = if position > 0 {
        position - 3_600_000
    } else {
        now_ms - i64::from(lookback_days) * 86_400_000
    };
    let clock = ShopClock::load(db).await?;
    let mut report = ClaimsReport::default();
    let mut page = 0;
    loop {
        let result = client
            .claims(&ClaimsQuery {
                start_date: Some(start),
                end_date: Some(now_ms + 3_600_000),
                page: Some(page),
                size: Some(50),
                ..ClaimsQuery::default()
            })
            .await?;
        for u in result.content.unreadable() {
            tracing::warn!("a Trendyol claim could not be read and was left out: {u}");
            report.unreadable += 1;
            if report.errors.len() < 10 {
                report.errors.push(format!("unreadable claim, {u}"));
            }
        }
        for claim in &result.content {
            report.seen += 1;
            match record(db, &clock, client.seller_id(), claim).await? {
                Recorded::New { returns } => {
                    report.new += 1;
                    report.returns_created += returns;
                }
                Recorded::Updated => report.updated += 1,
                Recorded::Same => {}
            }
        }
        page += 1;
        if page >= result.total_pages || result.content.is_empty() {
            break;
        }
    }
    cursor::advance(db, cursor::CLAIMS, now_ms).await?;
    Ok(report)
}

enum Recorded {
    New { returns: u64 },
    Updated,
    Same,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StoredItem {
    claim_item_id: String,
    line_id: Option<u64>,
    barcode: String,
    product_name: String,
    status: String,
    reason: String,
}

fn items_of(claim: &Claim) -> Vec<StoredItem> {
    let mut out = Vec::new();
    for line in &claim.items {
        let order_line = line.order_line.clone().unwrap_or_default();
        for item in &line.claim_items {
            out.push(StoredItem {
                claim_item_id: item.id.clone(),
                line_id: order_line.id,
                barcode: order_line.barcode.clone().unwrap_or_default(),
                product_name: order_line.product_name.clone().unwrap_or_default(),
                status: item
                    .claim_item_status
                    .as_ref()
                    .map(|s| s.name.as_str().to_string())
                    .unwrap_or_default(),
                reason: item
                    .customer_claim_item_reason
                    .as_ref()
                    .and_then(|r| r.name.clone())
                    .unwrap_or_default(),
            });
        }
    }
    out
}

fn claim_status(items: &[StoredItem]) -> String {
    // The claim's status is its items' when they agree, else the one needing action first.
    for wanted in ["WaitingInAction", "Created", "InAnalysis", "Unresolved"] {
        if items.iter().any(|i| i.status == wanted) {
            return wanted.into();
        }
    }
    items.first().map(|i| i.status.clone()).unwrap_or_default()
}

async fn record(
    db: &Database,
    clock: &ShopClock,
    seller_id: u64,
    claim: &Claim,
) -> Result<Recorded> {
    if claim.id.trim().is_empty() || claim.id.len() > 64 {
        return Err(Error::Config("a claim without a usable id".into()));
    }
    let items = items_of(claim);
    let status = claim_status(&items);
    let items_json = serde_json::to_string(&items).unwrap_or_else(|_| "[]".into());
    let order_number = clip(claim.order_number.as_deref().unwrap_or(""), 32);
    retry_conflicts(|| async {
        let mut conn = db.conn().await?;
        let mut tx = begin(&mut conn, IsolationLevel::ReadCommitted, "recording a claim").await?;
        let existing: Option<(String, String)> = tx
            .exec_first(
                format!(
                    "SELECT claim_status, items FROM {} WHERE claim_id = ? FOR UPDATE",
                    db.table("trendyol_claims")
                ),
                (&claim.id,),
            )
            .await
            .map_err(Error::db("reading a claim"))?;
        if let Some((old_status, old_items)) = existing {
            if old_status == status && old_items == items_json {
                tx.rollback().await.map_err(Error::db("ending a claim read"))?;
                return Ok(Recorded::Same);
            }
            tx.exec_drop(
                format!(
                    "UPDATE {} SET claim_status = ?, items = ?, last_modified_ms = ?, updated_at = NOW() \
                     WHERE claim_id = ?",
                    db.table("trendyol_claims")
                ),
                (&status, &items_json, claim.last_modified_date.unwrap_or(0), &claim.id),
            )
            .await
            .map_err(Error::db("updating a claim"))?;
            tx.commit().await.map_err(Error::db("committing a claim"))?;
            return Ok(Recorded::Updated);
        }
        // The OpenCart order: the claim's package if imported, else any package of the order.
        let order: Option<(u32, Option<u64>)> = tx
            .exec_first(
                format!(
                    "SELECT order_id, package_id FROM {} WHERE seller_id = ? AND order_number = ? \
                     ORDER BY (package_id = ?) DESC, package_id DESC LIMIT 1",
                    db.table("trendyol_orders")
                ),
                (seller_id, &order_number, claim.order_shipment_package_id.unwrap_or(0)),
            )
            .await
            .map_err(Error::db("finding the claim's order"))?;
        let (order_id, package_id) = match order {
            Some((o, p)) => (Some(o), p),
            None => (None, claim.order_shipment_package_id),
        };
        let mut returns = 0u64;
        let mut first_return = None;
        if let Some(order_id) = order_id {
            let customer: Option<(String, String, String, String, String)> = tx
                .exec_first(
                    format!(
                        "SELECT firstname, lastname, email, telephone, DATE_FORMAT(date_added, '%Y-%m-%d') FROM {} WHERE order_id = ?",
                        db.table("order")
                    ),
                    (order_id,),
                )
                .await
                .map_err(Error::db("reading the claim's order"))?;
            let (first, last, email, phone, ordered) = customer.unwrap_or_default();
            let now = clock.now();
            // One return per returned line (its items are units of that line).
            let mut per_line: HashMap<String, (String, i64, String)> = HashMap::new();
            for item in &items {
                let e = per_line
                    .entry(item.barcode.clone())
                    .or_insert((item.product_name.clone(), 0, item.reason.clone()));
                e.1 += 1;
            }
            for (barcode, (name, quantity, reason)) in per_line {
                let product: Option<(u32, String)> = tx
                    .exec_first(
                        format!(
                            "SELECT op.product_id, op.model FROM {} op WHERE op.order_id = ? AND \
                             (op.model = ? OR op.product_id IN (SELECT product_id FROM {} WHERE barcode = ?)) LIMIT 1",
                            db.table("order_product"),
                            db.table("trendyol_order_lines")
                        ),
                        (order_id, &barcode, &barcode),
                    )
                    .await
                    .map_err(Error::db("finding the returned product"))?;
                let (product_id, model) = product.unwrap_or((0, barcode.clone()));
                tx.exec_drop(
                    format!(
                        "INSERT INTO {} (order_id, product_id, customer_id, firstname, lastname, email, \
                         telephone, product, model, quantity, opened, return_reason_id, return_action_id, \
                         return_status_id, comment, date_ordered, date_added, date_modified) \
                         VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?, ?, ?)",
                        db.table("return")
                    ),
                    vec![
                        Value::from(order_id),
                        product_id.into(),
                        clip(&first, 32).into(),
                        clip(&last, 32).into(),
                        clip(&email, 96).into(),
                        clip(&phone, 32).into(),
                        clip(&name, 255).into(),
                        clip(&model, 64).into(),
                        quantity.into(),
                        RETURN_REASON.into(),
                        RETURN_PENDING.into(),
                        format!("Trendyol claim {}: {reason}", claim.id).into(),
                        // The order's own (local) date, else today on the shop's clock.
                        if ordered.is_empty() { now[..10].to_string() } else { ordered.clone() }.into(),
                        now.clone().into(),
                        now.clone().into(),
                    ],
                )
                .await
                .map_err(Error::db("creating the OpenCart return"))?;
                returns += 1;
                first_return.get_or_insert(tx.last_insert_id().unwrap_or(0) as u32);
            }
            let status_id: Option<u32> = tx
                .exec_first(
                    format!("SELECT order_status_id FROM {} WHERE order_id = ?", db.table("order")),
                    (order_id,),
                )
                .await
                .map_err(Error::db("reading the order status"))?;
            tx.exec_drop(
                format!(
                    "INSERT INTO {} (order_id, order_status_id, notify, comment, date_added) \
                     VALUES (?, ?, 0, ?, ?)",
                    db.table("order_history")
                ),
                (
                    order_id,
                    status_id.unwrap_or(0),
                    format!(
                        "Trendyol return (claim {}) opened for {} item(s): {}",
                        claim.id,
                        items.len(),
                        status
                    ),
                    now,
                ),
            )
            .await
            .map_err(Error::db("noting the return on the order"))?;
        }
        tx.exec_drop(
            format!(
                "INSERT INTO {} (claim_id, seller_id, order_number, package_id, order_id, return_id, \
                 claim_status, items, claim_date, last_modified_ms, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, IF(? > 0, FROM_UNIXTIME(? / 1000), NULL), ?, NOW(), NOW())",
                db.table("trendyol_claims")
            ),
            (
                &claim.id,
                seller_id,
                &order_number,
                package_id,
                order_id,
                first_return,
                &status,
                &items_json,
                claim.claim_date.unwrap_or(0),
                claim.claim_date.unwrap_or(0),
                claim.last_modified_date.unwrap_or(0),
            ),
        )
        .await
        .map_err(Error::db("recording a claim"))?;
        let job = NewJob::new(
            EventType::ReturnInitiated,
            serde_json::json!({"claim_id": claim.id, "order_number": order_number, "order_id": order_id}),
        )
        .dedupe_key(format!("claim:{seller_id}:{}", claim.id));
        enqueue_in(db, &mut tx, &job).await?;
        tx.commit().await.map_err(Error::db("committing a claim"))?;
        Ok(Recorded::New { returns })
    })
    .await
}

/// The claim's item ids, all of them when `item_ids` is empty.
async fn resolve_items(
    db: &Database,
    claim_id: &str,
    item_ids: &[String],
) -> Result<(Vec<String>, Option<u32>, Option<u32>)> {
    let mut conn = db.conn().await?;
    let row: Option<(String, Option<u32>, Option<u32>)> = conn
        .exec_first(
            format!(
                "SELECT items, order_id, return_id FROM {} WHERE claim_id = ?",
                db.table("trendyol_claims")
            ),
            (claim_id,),
        )
        .await
        .map_err(Error::db("reading a claim"))?;
    let (items, order_id, return_id) =
        row.ok_or_else(|| Error::Config(format!("claim {claim_id} is not known to this shop")))?;
    let known: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&items)
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i["claimItemId"].as_str().map(str::to_string))
        .collect();
    if item_ids.is_empty() {
        return Ok((known, order_id, return_id));
    }
    if let Some(bad) = item_ids.iter().find(|i| !known.contains(i)) {
        return Err(Error::Config(format!("claim {claim_id} has no item {bad}")));
    }
    Ok((item_ids.to_vec(), order_id, return_id))
}

/// Approves a claim's items (all when `item_ids` is empty) with Trendyol, then closes the
/// OpenCart return.
pub async fn approve(
    db: &Database,
    client: &TrendyolClient,
    claim_id: &str,
    item_ids: &[String],
) -> Result<()> {
    let (items, order_id, return_id) = resolve_items(db, claim_id, item_ids).await?;
    client.approve_claim(claim_id, &items).await?;
    decide(
        db,
        claim_id,
        "approved",
        order_id,
        return_id,
        RETURN_COMPLETE,
        "approved",
    )
    .await
}

/// Rejects a claim's items with a reason id (from `claim-issue-reasons`) and a description.
pub async fn reject(
    db: &Database,
    client: &TrendyolClient,
    claim_id: &str,
    item_ids: &[String],
    reason_id: u64,
    description: &str,
) -> Result<()> {
    let description = description.trim();
    if reason_id == 0 {
        return Err(Error::Config(
            "a rejection needs a reason id (claim issue reasons)".into(),
        ));
    }
    if description.is_empty() || description.chars().count() > 500 {
        return Err(Error::Config(
            "a rejection needs a description of 1 to 500 characters".into(),
        ));
    }
    let (items, order_id, return_id) = resolve_items(db, claim_id, item_ids).await?;
    client
        .reject_claim(
            claim_id,
            &RejectClaimRequest {
                claim_issue_reason_id: reason_id,
                claim_item_id_list: items,
                description: description.to_string(),
            },
        )
        .await?;
    decide(
        db,
        claim_id,
        "rejected",
        order_id,
        return_id,
        RETURN_PENDING,
        "rejected (Trendyol reviews the objection)",
    )
    .await
}

async fn decide(
    db: &Database,
    claim_id: &str,
    decision: &str,
    order_id: Option<u32>,
    return_id: Option<u32>,
    return_status: u32,
    note: &str,
) -> Result<()> {
    let now = ShopClock::load(db).await?.now();
    let mut conn = db.conn().await?;
    let mut tx = begin(
        &mut conn,
        IsolationLevel::ReadCommitted,
        "recording a claim decision",
    )
    .await?;
    tx.exec_drop(
        format!(
            "UPDATE {} SET decision = ?, decided_at = NOW(), updated_at = NOW() WHERE claim_id = ?",
            db.table("trendyol_claims")
        ),
        (decision, claim_id),
    )
    .await
    .map_err(Error::db("recording a claim decision"))?;
    if let Some(return_id) = return_id {
        tx.exec_drop(
            format!(
                "UPDATE {} SET return_status_id = ?, date_modified = ? WHERE return_id = ?",
                db.table("return")
            ),
            (return_status, now.as_str(), return_id),
        )
        .await
        .map_err(Error::db("updating the return"))?;
        tx.exec_drop(
            format!(
                "INSERT INTO {} (return_id, return_status_id, notify, comment, date_added) VALUES (?, ?, 0, ?, ?)",
                db.table("return_history")
            ),
            (return_id, return_status, format!("Trendyol claim {claim_id} {note}"), now.as_str()),
        )
        .await
        .map_err(Error::db("noting the return decision"))?;
    }
    if let Some(order_id) = order_id {
        tx.exec_drop(
            format!(
                "INSERT INTO {} (order_id, order_status_id, notify, comment, date_added) \
                 SELECT order_id, order_status_id, 0, ?, ? FROM {} WHERE order_id = ?",
                db.table("order_history"),
                db.table("order")
            ),
            (
                format!("Trendyol return (claim {claim_id}) {note}"),
                now.as_str(),
                order_id,
            ),
        )
        .await
        .map_err(Error::db("noting the return decision on the order"))?;
    }
    tx.commit()
        .await
        .map_err(Error::db("committing a claim decision"))
}
