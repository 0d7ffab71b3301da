//! `product_sync`: OpenCart's catalog pushed to Trendyol and followed until Trendyol decides.
//!
//! One run, in order, each step stopping cleanly when the deadline or memory limit comes near:
//! 1. [`tracking`]: settle the product batches sent earlier (item by item);
//! 2. [`approval`]: poll the lists for approvals and rejections of products in review;
//! 3. [`upload`]: push new and changed products (≤ 1000 per call, content hash decides);
//! 4. [`tracking`] again, for the batches just sent (Trendyol often settles them in seconds).
//!
//! A write whose answer was lost is settled by reading Trendyol back ([`unanswered`]).
//!
//! [`source`] reads OpenCart, [`mapping`] turns a product into Trendyol's shape through the
//! owner's mapping tables, [`validate`] applies Trendyol's rules first, [`state`] names the
//! life cycle. Stock and price updates of approved products are the stock job's (see
//! [`crate::sync::stock`]).

pub mod approval;
pub mod mapping;
pub mod outgoing;
mod pipeline;
pub mod source;
pub mod state;
pub mod tracking;
mod unanswered;
pub mod upload;
pub mod validate;

use serde_json::json;

use crate::error::{Error, Result};
use crate::runner::{JobContext, JobOutcome};
use crate::sync::catalog_pace::{quota_stop, Pacer};
use crate::sync::shop_locale::{PriceBasis, NO_LIRA};

pub use mapping::Mappings;

/// The `product_sync` job.
pub async fn run(ctx: &JobContext) -> Result<JobOutcome> {
    // A product is created on Trendyol with its prices: without a lira rate there is nothing
    // right to send, so the run refuses before it starts (the dashboard says how to fix it).
    let basis = PriceBasis::load(&ctx.db, &ctx.settings).await?;
    if basis.lira.is_none() {
        if !ctx.dry_run {
            crate::sync::stock::no_lira_alert(ctx).await?;
        }
        return Err(Error::Config(format!("products not sent: {NO_LIRA}")));
    }
    let mut pacer = Pacer::new();
    let mut track = tracking::TrackReport::default();
    let mut approvals = approval::ApprovalReport::default();
    let mut push = outgoing::UploadReport::default();
    let mut mappings = Mappings::load(&ctx.db, &ctx.settings).await?;

    // A step out of Trendyol's quota stops the run as its time limit would: the upload
    // commits each batch as it is sent, so what was not sent is scanned again next run.
    let mut stopped = quota_stop(tracking::track(ctx, &mut pacer, &mut track).await)?;
    if stopped.is_none() {
        stopped = quota_stop(approval::poll(ctx, &mut pacer, &mut approvals).await)?;
    }
    if stopped.is_none() {
        stopped =
            quota_stop(upload::upload(ctx, &mut mappings, &basis, &mut pacer, &mut push).await)?;
    }
    if stopped.is_none() && (push.created + push.updated) > 0 {
        stopped = quota_stop(tracking::track(ctx, &mut pacer, &mut track).await)?;
    }

    let message = format!(
        "{} scanned, {} created, {} updated, {} invalid, {} approved, {} rejected{}",
        push.scanned,
        push.created,
        push.updated,
        push.invalid,
        approvals.approved,
        approvals.rejected,
        if stopped.is_some() {
            ", stopped early (the next run resumes)"
        } else {
            ""
        }
    );
    Ok(JobOutcome {
        items_ok: push.created + push.updated + approvals.approved,
        items_failed: push.invalid + push.refused + track.items_failed + approvals.rejected,
        finished: stopped.is_none(),
        stopped,
        message,
        details: json!({
            "upload": push,
            "tracking": track,
            "approval": approvals,
            "mapping_version": mappings.version,
        }),
    })
}
