//! `stock_sync`: stock and prices of approved products kept right on Trendyol, delta only.
//!
//! One run, in order, each step stopping cleanly near the deadline or memory limit:
//! 1. [`confirm`]: settle earlier price/stock batches (sent values become confirmed, history,
//!    low-stock alerts);
//! 2. [`reconcile`]: once a day, take Trendyol's own view as the baseline where it drifted;
//! 3. [`delta`]: compare OpenCart with the confirmed values in the database and send only what
//!    changed, ≤ 1000 items a call, never the same body twice within 15 minutes;
//! 4. [`confirm`] again for the batches just sent.
//!
//! So a re-run with nothing changed makes no write call, and N changed barcodes cost ⌈N/1000⌉.
//!
//! Between runs, [`push`] follows OpenCart's own events: the products a sale, a cancellation or
//! a product edit touched are pushed by the queue worker within seconds.

pub mod confirm;
pub mod delta;
pub mod low_stock;
pub mod push;
pub mod reconcile;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::error::Result;
use crate::runner::{JobContext, JobOutcome};
use crate::sync::catalog_batches;
use crate::sync::catalog_pace::{quota_stop, Pacer};
use crate::sync::shop_locale::{PriceBasis, NO_LIRA};

/// How often a run reconciles with Trendyol's approved list.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(24 * 3600);

/// When the last reconciliation finished (epoch ms).
pub const RECONCILE_CURSOR: &str = "stock_sync.reconciled";

/// The `stock_sync` job.
pub async fn run(ctx: &JobContext) -> Result<JobOutcome> {
    let mut pacer = Pacer::new();
    let mut confirmed = confirm::ConfirmReport::default();
    let mut reconciled = reconcile::ReconcileReport::default();
    let mut delta = delta::DeltaReport::default();
    let basis = PriceBasis::load(&ctx.db, &ctx.settings).await?;
    if basis.lira.is_none() && !ctx.dry_run {
        no_lira_alert(ctx).await?;
    }

    let mut stopped = quota_stop(confirm::confirm(ctx, &mut pacer, &mut confirmed).await)?;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let last = catalog_batches::cursor(&ctx.db, RECONCILE_CURSOR).await?;
    let mut did_reconcile = false;
    if stopped.is_none() && now_ms - last >= RECONCILE_EVERY.as_millis() as i64 {
        stopped = quota_stop(reconcile::reconcile(ctx, &mut pacer, &mut reconciled).await)?;
        if stopped.is_none() && !ctx.dry_run {
            catalog_batches::set_cursor(&ctx.db, RECONCILE_CURSOR, now_ms).await?;
            did_reconcile = true;
        }
    }
    if stopped.is_none() {
        stopped = quota_stop(delta::scan_and_send(ctx, &basis, &mut pacer, &mut delta).await)?;
    }
    if stopped.is_none() && delta.writes > 0 {
        stopped = quota_stop(confirm::confirm(ctx, &mut pacer, &mut confirmed).await)?;
    }

    let message = format!(
        "{} changed, {} sent in {} calls, {} confirmed, {} failed{}{}{}",
        delta.changed,
        delta.items_sent,
        delta.writes,
        confirmed.items_confirmed,
        confirmed.items_failed,
        if did_reconcile {
            format!(", reconciled ({} drifted)", reconciled.drifted)
        } else {
            String::new()
        },
        if stopped.is_some() {
            ", stopped early (the next run resumes)"
        } else {
            ""
        },
        if basis.lira.is_none() {
            format!("; stock only, no prices sent: {NO_LIRA}")
        } else {
            String::new()
        }
    );
    Ok(JobOutcome {
        items_ok: confirmed.items_confirmed,
        items_failed: confirmed.items_failed,
        finished: stopped.is_none(),
        stopped,
        message,
        details: json!({
            "delta": delta,
            "confirm": confirmed,
            "reconcile": reconciled,
            "prices_sent": basis.lira.is_some(),
            "try_rate": basis.lira.as_ref().map(|l| l.value),
        }),
    })
}

/// The dashboard's alert for a shop without TRY: prices are held back until it has one.
pub async fn no_lira_alert(ctx: &JobContext) -> Result<()> {
    crate::alerts::raise(
        &ctx.db,
        &crate::alerts::Alert {
            alert_type: "no_lira".into(),
            severity: crate::alerts::Severity::Error,
            title: "No prices go to Trendyol: the shop has no Turkish Lira".into(),
            message: format!("Trendyol sells in Turkish lira and {NO_LIRA}."),
            dedupe_key: "no_lira".into(),
        },
    )
    .await
    .map(|_| ())
}
