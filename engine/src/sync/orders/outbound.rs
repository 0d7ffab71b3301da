//! Telling Trendyol what the shop did: `Picking`, then `Invoiced` with the invoice number, the
//! tracking number and the invoice link.
//!
//! The shop's side is OpenCart's order status. When it changes (the module's event on
//! `addHistory`, or the backstop scan every order sync runs), a `status_push` job is queued with
//! a dedupe key per package and target, so a status set twice is pushed once. The job re-reads
//! the package from Trendyol before acting: Trendyol only accepts `Created → Picking →
//! Invoiced`, so a package already past the target is left alone, and one still `Created` when
//! the shop jumped straight to "Shipped" is moved to `Picking` first. What was pushed is stored
//! in `trendyol_orders.pushed_status`, which is how the import recognises the echo of its own
//! push and leaves the shop's status alone.

use mysql_async::prelude::*;
use serde::{Deserialize, Serialize};
use trendyol_wire::orders::{InvoiceLinkRequest, LineQuantity, StatusUpdateRequest};
use trendyol_wire::{PackageStatus, ShipmentPackage};

use crate::config::Settings;
use crate::db::Database;
use crate::error::{ApiErrorClass, Error, Result};
use crate::queue::{enqueue, enqueue_batch, Enqueued, JobKind, NewJob};
use crate::trendyol::{OrdersQuery, TrendyolClient};

/// What a `status_push` job asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusPush {
    pub package_id: u64,
    pub order_id: u32,
    /// `Picking` or `Invoiced`; empty when only tracking / invoice link are sent.
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub invoice_number: String,
    #[serde(default)]
    pub tracking_number: String,
    #[serde(default)]
    pub invoice_link: String,
}

/// What pushing did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushReport {
    /// Statuses sent, in order (`["Picking", "Invoiced"]`).
    pub sent: Vec<String>,
    pub tracking_sent: bool,
    pub invoice_link_sent: bool,
    /// Why nothing (more) was sent, when so.
    pub note: String,
}

/// The push target an OpenCart status stands for, per the settings.
pub fn target_for(settings: &Settings, order_status_id: u32) -> Option<PackageStatus> {
    if settings.push_invoiced_status_ids.contains(&order_status_id) {
        Some(PackageStatus::Invoiced)
    } else if settings.push_picking_status_ids.contains(&order_status_id) {
        Some(PackageStatus::Picking)
    } else {
        None
    }
}

/// Queues the pushes an OpenCart status change calls for (none when the order is not a
/// Trendyol order or the status means nothing to Trendyol). Returns the jobs queued.
pub async fn order_status_changed(
    db: &Database,
    settings: &Settings,
    order_id: u32,
    order_status_id: u32,
) -> Result<Vec<Enqueued>> {
    let Some(target) = target_for(settings, order_status_id) else {
        return Ok(Vec::new());
    };
    let packages = packages_of(db, order_id).await?;
    let mut queued = Vec::new();
    for (seller_id, package_id) in packages {
        let job = push_job(seller_id, package_id, order_id, target.as_str());
        queued.push(enqueue(db, &job).await?);
    }
    Ok(queued)
}

/// Queues tracking number and invoice link pushes for an order's packages.
pub async fn shipment_details(
    db: &Database,
    order_id: u32,
    tracking_number: &str,
    invoice_link: &str,
) -> Result<Vec<Enqueued>> {
    let tracking_number = tracking_number.trim();
    let invoice_link = invoice_link.trim();
    if tracking_number.is_empty() && invoice_link.is_empty() {
        return Err(Error::Config(
            "give a tracking number, an invoice link, or both".into(),
        ));
    }
    if tracking_number.len() > 64 || tracking_number.chars().any(char::is_control) {
        return Err(Error::Config(
            "the tracking number must be at most 64 characters without control characters".into(),
        ));
    }
    if !invoice_link.is_empty()
        && (!invoice_link.starts_with("https://") && !invoice_link.starts_with("http://")
            || invoice_link.len() > 255
            || invoice_link
                .chars()
                .any(|c| c.is_whitespace() || c.is_control()))
    {
        return Err(Error::Config(
            "the invoice link must be an http(s) URL of at most 255 characters".into(),
        ));
    }
    let packages = packages_of(db, order_id).await?;
    if packages.is_empty() {
        return Err(Error::Config(format!(
            "order {order_id} is not a Trendyol order"
        )));
    }
    let mut queued = Vec::new();
    for (seller_id, package_id) in packages {
        let push = StatusPush {
            package_id,
            order_id,
            tracking_number: tracking_number.to_string(),
            invoice_link: invoice_link.to_string(),
            ..StatusPush::default()
        };
        let key = format!(
            "push:{seller_id}:{package_id}:shipment:{}",
            short_hash(&format!("{tracking_number}|{invoice_link}"))
        );
        let job = NewJob::new(
            JobKind::StatusPush,
            serde_json::to_value(&push).unwrap_or_default(),
        )
        .dedupe_key(key);
        queued.push(enqueue(db, &job).await?);
    }
    Ok(queued)
}

/// `(seller_id, package_id)` of every Trendyol package an OpenCart order came from.
async fn packages_of(db: &Database, order_id: u32) -> Result<Vec<(u64, u64)>> {
    let mut conn = db.conn().await?;
    conn.exec(
        format!(
            "SELECT seller_id, package_id FROM {} WHERE order_id = ?",
            db.table("trendyol_orders")
        ),
        (order_id,),
    )
    .await
    .map_err(Error::db("finding the order's Trendyol package"))
}

fn push_job(seller_id: u64, package_id: u64, order_id: u32, target: &str) -> NewJob {
    let push = StatusPush {
        package_id,
        order_id,
        target: target.to_string(),
        ..StatusPush::default()
    };
    NewJob::new(
        JobKind::StatusPush,
        serde_json::to_value(&push).unwrap_or_default(),
    )
    .dedupe_key(format!("push:{seller_id}:{package_id}:{target}"))
}

/// The backstop: orders whose OpenCart status asks for a push Trendyol has not had yet (the
/// module's event may not have fired — an import tool, a direct SQL change). Returns how many
/// pushes were queued.
pub async fn scan_for_pushes(db: &Database, settings: &Settings, seller_id: u64) -> Result<u64> {
    let mut queued = 0;
    for (ids, target, before) in [
        (
            &settings.push_invoiced_status_ids,
            "Invoiced",
            "('Created','Picking')",
        ),
        (&settings.push_picking_status_ids, "Picking", "('Created')"),
    ] {
        if ids.is_empty() {
            continue;
        }
        let list = ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let mut conn = db.conn().await?;
        let rows: Vec<(u64, u32)> = conn
            .exec(
                format!(
                    "SELECT t.package_id, t.order_id FROM {} t JOIN {} o ON o.order_id = t.order_id \
                     WHERE t.seller_id = ? AND o.order_status_id IN ({list}) \
                     AND t.package_status IN {before} AND t.pushed_status <> ? LIMIT 1000",
                    db.table("trendyol_orders"),
                    db.table("order")
                ),
                (seller_id, target),
            )
            .await
            .map_err(Error::db("looking for statuses to push"))?;
        drop(conn);
        let jobs: Vec<NewJob> = rows
            .into_iter()
            .map(|(package_id, order_id)| push_job(seller_id, package_id, order_id, target))
            .collect();
        queued += enqueue_batch(db, &jobs).await?.inserted;
    }
    Ok(queued)
}

/// Runs one `status_push` job.
pub async fn execute(
    db: &Database,
    client: &TrendyolClient,
    push: &StatusPush,
) -> Result<PushReport> {
    let mut report = PushReport::default();
    let package = read_package(client, push.package_id).await?;
    let status = package
        .status
        .clone()
        .unwrap_or(PackageStatus::Unknown(String::new()));
    let lines: Vec<LineQuantity> = package
        .lines
        .iter()
        .map(|l| LineQuantity {
            line_id: l.line_id.unwrap_or(0),
            quantity: l.quantity.unwrap_or(0),
        })
        .collect();
    let target = PackageStatus::parse(&push.target);
    let wants_picking = matches!(target, PackageStatus::Picking | PackageStatus::Invoiced);
    let mut current = status.clone();
    if wants_picking && current == PackageStatus::Created {
        client
            .update_package_status(
                push.package_id,
                &StatusUpdateRequest {
                    lines: lines.clone(),
                    params: Default::default(),
                    status: "Picking".into(),
                },
            )
            .await?;
        record_pushed(db, client.seller_id(), push.package_id, "Picking").await?;
        report.sent.push("Picking".into());
        current = PackageStatus::Picking;
    }
    if target == PackageStatus::Invoiced && current == PackageStatus::Picking {
        let invoice_number = invoice_number(db, push).await?;
        let mut params = serde_json::Map::new();
        params.insert("invoiceNumber".into(), invoice_number.clone().into());
        client
            .update_package_status(
                push.package_id,
                &StatusUpdateRequest {
                    lines,
                    params,
                    status: "Invoiced".into(),
                },
            )
            .await?;
        record_pushed(db, client.seller_id(), push.package_id, "Invoiced").await?;
        let mut conn = db.conn().await?;
        conn.exec_drop(
            format!(
                "UPDATE {} SET invoice_number = ? WHERE seller_id = ? AND package_id = ?",
                db.table("trendyol_orders")
            ),
            (&invoice_number, client.seller_id(), push.package_id),
        )
        .await
        .map_err(Error::db("recording the invoice number"))?;
        report.sent.push("Invoiced".into());
    } else if wants_picking && report.sent.is_empty() {
        report.note = format!(
            "the package is {status}, past {}: nothing to send",
            push.target
        );
    }
    if !push.tracking_number.is_empty() {
        client
            .update_tracking_number(push.package_id, &push.tracking_number)
            .await?;
        let mut conn = db.conn().await?;
        conn.exec_drop(
            format!(
                "UPDATE {} SET tracking_number = ? WHERE seller_id = ? AND package_id = ?",
                db.table("trendyol_orders")
            ),
            (&push.tracking_number, client.seller_id(), push.package_id),
        )
        .await
        .map_err(Error::db("recording the tracking number"))?;
        report.tracking_sent = true;
    }
    if !push.invoice_link.is_empty() {
        let sent = client
            .send_invoice_link(&InvoiceLinkRequest {
                invoice_link: push.invoice_link.clone(),
                shipment_package_id: push.package_id,
            })
            .await;
        match sent {
            Ok(()) => report.invoice_link_sent = true,
            // 409: Trendyol already has a link for this package; nothing more to do.
            Err(Error::Api {
                class: ApiErrorClass::Permanent,
                status: Some(409),
                ..
            }) => report.note = "Trendyol already had an invoice link for this package".into(),
            Err(e) => return Err(e),
        }
        if report.invoice_link_sent {
            let mut conn = db.conn().await?;
            conn.exec_drop(
                format!(
                    "UPDATE {} SET invoice_link = ? WHERE seller_id = ? AND package_id = ?",
                    db.table("trendyol_orders")
                ),
                (&push.invoice_link, client.seller_id(), push.package_id),
            )
            .await
            .map_err(Error::db("recording the invoice link"))?;
        }
    }
    Ok(report)
}

/// The package as Trendyol has it now.
pub async fn read_package(client: &TrendyolClient, package_id: u64) -> Result<ShipmentPackage> {
    let page = client
        .orders(&OrdersQuery {
            shipment_package_ids: vec![package_id],
            size: Some(1),
            ..OrdersQuery::default()
        })
        .await?;
    page.content
        .into_iter()
        .find(|p| p.shipment_package_id == Some(package_id))
        .ok_or_else(|| Error::Api {
            class: ApiErrorClass::Permanent,
            endpoint: "order list".into(),
            status: None,
            message: format!("Trendyol does not know package {package_id}"),
        })
}

async fn record_pushed(db: &Database, seller_id: u64, package_id: u64, status: &str) -> Result<()> {
    let mut conn = db.conn().await?;
    conn.exec_drop(
        format!(
            "UPDATE {} SET pushed_status = ?, updated_at = NOW() WHERE seller_id = ? AND package_id = ?",
            db.table("trendyol_orders")
        ),
        (status, seller_id, package_id),
    )
    .await
    .map_err(Error::db("recording a pushed status"))
}

/// The invoice number for Trendyol: the one given, else OpenCart's own (prefix + number) when
/// the shop created one, else the prefix and the order id.
async fn invoice_number(db: &Database, push: &StatusPush) -> Result<String> {
    if !push.invoice_number.trim().is_empty() {
        return Ok(push.invoice_number.trim().to_string());
    }
    let mut conn = db.conn().await?;
    let row: Option<(String, u32)> = conn
        .exec_first(
            format!(
                "SELECT invoice_prefix, invoice_no FROM {} WHERE order_id = ?",
                db.table("order")
            ),
            (push.order_id,),
        )
        .await
        .map_err(Error::db("reading the order's invoice number"))?;
    let (prefix, number) = row.unwrap_or_default();
    Ok(if number > 0 {
        format!("{prefix}{number}")
    } else {
        format!("{prefix}{}", push.order_id)
    })
}

fn short_hash(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(s.as_bytes())[..8])
}
