//! The intake of one delivery: settings, credential, body, then one transaction that queues every
//! package and logs it.

use mysql_async::TxOpts;
use serde_json::{json, Value};
use trendyol_wire::orders::ShipmentPackage;
use trendyol_wire::webhooks::parse_delivery;

use super::auth::{self, AuthOutcome};
use super::gate::{self, Screen};
use super::log::{insert_log, LogPackage};
use super::verdict::{self, Verdict};
use super::{redact, Delivery};
use crate::error::{Error, ErrorFamily, Result};
use crate::queue::{self, enqueue::enqueue_in, EventType, NewJob};
use crate::shop::Shop;
use crate::telemetry;

/// Largest body taken in. A page of packages is a few hundred KiB at most; anything near this is
/// not a Trendyol delivery, and reading it into the log would only cost memory.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// How much of a parser message a 400 repeats.
const PARSE_MESSAGE_MAX: usize = 200;

/// The key naming one event of one package: a repeat of the same status change (a retry, or the
/// poll finding it) has the same key; a new status or a later modification does not. The seller
/// is part of it so two shops sharing a database cannot swallow each other's events.
pub fn dedupe_key(seller_id: Option<u64>, package_id: u64, status: &str, modified: i64) -> String {
    let seller = seller_id.map_or_else(|| "-".to_string(), |s| s.to_string());
    format!("pkg:{seller}:{package_id}:{status}:{modified}")
}

/// Takes one delivery in. Never fails: every outcome, a database failure included, is a
/// [`Verdict`] whose `http_status` the endpoint answers.
pub async fn accept(engine: &Shop, delivery: &Delivery<'_>) -> Verdict {
    // A bad credential or a source cooling down is answered from memory (see `gate`).
    if let Screen::Refuse(verdict) = gate::screen(engine, delivery).await {
        return verdict;
    }
    accept_screened(engine, delivery).await
}

/// [`accept`] for a delivery [`gate::screen`] has already let through (the PHP route screens
/// before it reads the body; screening twice could refuse from memory what the first look
/// handed on to the intake, e.g. when the settings are unreadable).
pub async fn accept_screened(engine: &Shop, delivery: &Delivery<'_>) -> Verdict {
    let settings = match engine.settings().await {
        Ok(settings) => settings,
        Err(e) => {
            let reason = telemetry::redact::scrub(&e.to_string());
            tracing::error!(error = %reason, "webhook: settings could not be read");
            let verdict = if e.family() == ErrorFamily::Config {
                Verdict::not_configured(format!("module settings are unusable: {reason}"))
            } else {
                Verdict::error(format!("the delivery could not be stored: {reason}"))
            };
            // Best effort: the database may be what failed.
            log_rejection(engine, delivery, &verdict, None).await;
            return verdict;
        }
    };

    // The settings just read are the freshest: the gate keeps their credential, and a
    // credential changed since the gate's copy is refused here, counted like any other.
    gate::refresh(engine, &settings);
    let outcome = auth::check(&settings, delivery);
    if outcome != AuthOutcome::Granted {
        return gate::refused(engine, delivery, outcome).await;
    }

    if delivery.body.len() > MAX_BODY_BYTES {
        let verdict = Verdict::bad_body(
            413,
            format!(
                "body of {} bytes exceeds the limit of {MAX_BODY_BYTES}",
                delivery.body.len()
            ),
        );
        log_rejection(engine, delivery, &verdict, None).await;
        return verdict;
    }

    let (raw, packages) = match read_body(delivery.body) {
        Ok(parsed) => parsed,
        Err(rejected) => {
            let (verdict, raw) = *rejected;
            let logged = raw.as_ref().map(redact::loggable);
            log_rejection(engine, delivery, &verdict, logged).await;
            return verdict;
        }
    };

    let events = match events(settings.seller_id, &raw, &packages) {
        Ok(events) => events,
        Err(reason) => {
            let verdict = Verdict::bad_body(400, reason);
            log_rejection(engine, delivery, &verdict, Some(redact::loggable(&raw))).await;
            return verdict;
        }
    };

    match store(engine, delivery, &events).await {
        Ok((queued, duplicates)) => {
            if queued > 0 {
                // Committed: an idle worker can claim it now rather than at its next poll.
                if let Ok(db) = engine.database() {
                    crate::queue::wake::notify(&db);
                }
            }
            Verdict::stored(events.len(), queued, duplicates)
        }
        Err(e) => {
            let reason = telemetry::redact::scrub(&e.to_string());
            tracing::error!(error = %reason, packages = events.len(), "webhook delivery not stored");
            Verdict::error(format!("the delivery could not be stored: {reason}"))
        }
    }
}

/// A refused body: the verdict, and the body as JSON when it was JSON (for the log).
type BodyRejection = (Verdict, Option<Value>);

/// The body as JSON and as packages; a rejection carries the JSON when there was some.
fn read_body(
    body: &[u8],
) -> std::result::Result<(Value, Vec<ShipmentPackage>), Box<BodyRejection>> {
    let raw: Value = serde_json::from_slice(body).map_err(|e| {
        let what = if std::str::from_utf8(body).is_err() {
            "body is not valid UTF-8 JSON".to_string()
        } else {
            format!("body is not JSON: {e}")
        };
        Box::new((
            Verdict::bad_body(400, queue::truncate(&what, PARSE_MESSAGE_MAX)),
            None,
        ))
    })?;
    match parse_delivery(body) {
        Ok(packages) => Ok((raw, packages)),
        Err(e) => Err(Box::new((
            Verdict::bad_body(
                400,
                queue::truncate(
                    &format!("body is not a shipment package or page: {e}"),
                    PARSE_MESSAGE_MAX,
                ),
            ),
            Some(raw),
        ))),
    }
}

/// One package's event, ready to store.
struct Event {
    seller_id: Option<u64>,
    package_id: u64,
    status: String,
    key: String,
    job: NewJob,
    logged_body: String,
}

/// Turns packages into events; a package that cannot name its event rejects the whole delivery
/// (nothing is stored, so a fixed sender can send it again whole).
fn events(
    seller_id: Option<u64>,
    raw: &Value,
    packages: &[ShipmentPackage],
) -> std::result::Result<Vec<Event>, String> {
    let raw_packages: Vec<&Value> = match raw.get("content") {
        Some(Value::Array(items)) => items.iter().collect(),
        _ => vec![raw],
    };
    let mut events = Vec::with_capacity(packages.len());
    for (n, package) in packages.iter().enumerate() {
        let raw_package = raw_packages.get(n).copied().unwrap_or(&Value::Null);
        let Some(package_id) = package.shipment_package_id else {
            return Err(format!("package {} has no shipmentPackageId", n + 1));
        };
        let Some(status) = package.status.as_ref() else {
            return Err(format!("package {package_id} has no status"));
        };
        // A package that names its seller must name this shop's (a subscription pointed at the
        // wrong shop); one that names none is taken as this shop's.
        if let (Some(own), Some(theirs)) = (seller_id, payload_seller(raw_package)) {
            if own != theirs {
                return Err(format!(
                    "package {package_id} belongs to seller {theirs}, this shop is seller {own}"
                ));
            }
        }
        let modified = package.last_modified_date.unwrap_or(0);
        let key = dedupe_key(seller_id, package_id, status.as_str(), modified);
        let payload = json!({
            "seller_id": seller_id,
            "package_id": package_id,
            "status": status.as_str(),
            "last_modified": package.last_modified_date,
            "order_number": package.order_number,
        });
        let job = NewJob::new(EventType::from_package_status(status), payload).dedupe_key(&key);
        events.push(Event {
            seller_id,
            package_id,
            status: status.as_str().to_string(),
            key,
            job,
            logged_body: redact::loggable(raw_package),
        });
    }
    Ok(events)
}

/// The seller a package names, under any of the names Trendyol uses for it.
fn payload_seller(package: &Value) -> Option<u64> {
    ["sellerId", "supplierId", "merchantId"]
        .iter()
        .find_map(|k| match package.get(*k)? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
}

/// Queues every event and logs it, in one transaction. Returns (new, duplicate) counts.
async fn store(engine: &Shop, delivery: &Delivery<'_>, events: &[Event]) -> Result<(usize, usize)> {
    let db = engine.database()?;
    if events.is_empty() {
        // An empty page: nothing to queue, but the delivery is still on record — and, with
        // nothing to do, processed.
        insert_log(
            &db,
            &mut db.conn().await?,
            delivery,
            &Verdict::stored(0, 0, 0),
            &LogPackage {
                processed: true,
                ..LogPackage::default()
            },
        )
        .await?;
        return Ok((0, 0));
    }
    queue::retry_conflicts(|| {
        db.timed("storing a webhook delivery", async {
            let mut conn = db.conn().await?;
            let mut tx = conn
                .start_transaction(TxOpts::default())
                .await
                .map_err(Error::db("starting the webhook transaction"))?;
            let (mut queued, mut duplicates) = (0, 0);
            for event in events {
                let enqueued = enqueue_in(&db, &mut tx, &event.job).await?;
                // A repeat brings nothing new to do: the event's job is the one already queued
                // (whose own delivery is processed when that job is done).
                let (verdict, processed) = if enqueued.created {
                    queued += 1;
                    (verdict::ACCEPTED, false)
                } else {
                    duplicates += 1;
                    (verdict::DUPLICATE, true)
                };
                let row = LogPackage {
                    seller_id: event.seller_id,
                    package_id: Some(event.package_id),
                    status: event.status.clone(),
                    key: Some(event.key.clone()),
                    queue_id: Some(enqueued.id),
                    body: Some(event.logged_body.clone()),
                    verdict: Some(verdict),
                    processed,
                    body_bytes: None,
                };
                insert_log(&db, &mut tx, delivery, &Verdict::stored(1, 0, 0), &row).await?;
            }
            tx.commit()
                .await
                .map_err(Error::db("committing the webhook transaction"))?;
            Ok((queued, duplicates))
        })
    })
    .await
}

/// Logs a refused delivery. A failure here is only reported: the answer does not change, and a
/// refused body is never worth a retry.
async fn log_rejection(
    engine: &Shop,
    delivery: &Delivery<'_>,
    verdict: &Verdict,
    body: Option<String>,
) {
    let result = async {
        let db = engine.database()?;
        db.timed("logging a refused webhook", async {
            let mut conn = db.conn().await?;
            let row = LogPackage {
                body,
                ..LogPackage::default()
            };
            insert_log(&db, &mut conn, delivery, verdict, &row).await
        })
        .await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(
            error = %telemetry::redact::scrub(&e.to_string()),
            verdict = %verdict.verdict,
            "webhook refusal could not be logged"
        );
    }
}
