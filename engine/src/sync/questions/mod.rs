//! The `question_sync` job: Trendyol's customer questions, read on a schedule of their own and
//! kept in `trendyol_questions`, each linked to the OpenCart product it is about.
//!
//! Buyers ask on the product page, and a question nobody answers within Trendyol's window is
//! closed as `UNANSWERED`, which costs the sale and the seller's score. Trendyol has no question
//! webhook, so the job polls `questions/filter`: every run reads the last two weeks (the widest
//! span Trendyol accepts; no question stays open longer than its window) page by page and upserts
//! each question by its id, so a question read twice is stored once and a status that changed on
//! Trendyol's side (answered from the seller panel, closed, reported) is picked up.
//!
//! A question names its product by `productMainId`; the shop's side of that is the
//! `trendyol_products` row with the same main id, whose barcode and OpenCart product the
//! question is stored with (see [`store`]).
//!
//! Answering is queue work ([`answer`]): the admin's click stores the text and queues a
//! `question_answer` job, which the processor delivers with retries and a dead letter.

pub mod answer;
pub mod list;
pub mod store;
pub mod templates;
pub mod window;

use serde::Serialize;

use crate::db::Database;
use crate::error::Result;
use crate::runner::{JobContext, JobOutcome};
use crate::trendyol::{QuestionsQuery, TrendyolClient};
use trendyol_wire::questions::{MAX_FILTER_SPAN_MS, MAX_PAGE_SIZE};

/// Reach past "now" so a Trendyol clock a little ahead of the shop's loses nothing.
const AHEAD_MS: i64 = 3_600_000;

/// What a poll did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct QuestionsReport {
    pub seen: u64,
    pub new: u64,
    pub updated: u64,
    /// Questions whose product main id matches no synced product (shown without a link).
    pub unlinked: u64,
}

/// The `question_sync` job.
pub async fn run(ctx: &JobContext) -> Result<JobOutcome> {
    if ctx.dry_run {
        return Ok(JobOutcome {
            finished: true,
            message: "dry run: questions are read only by a real run".into(),
            ..JobOutcome::default()
        });
    }
    let report = poll(&ctx.db, &ctx.client, now_ms()).await?;
    ctx.progress.advance(report.seen);
    Ok(JobOutcome {
        items_ok: report.seen,
        items_failed: 0,
        finished: true,
        stopped: None,
        message: format!(
            "{} questions read: {} new, {} changed, {} without a synced product",
            report.seen, report.new, report.updated, report.unlinked
        ),
        details: serde_json::to_value(&report).unwrap_or_default(),
    })
}

/// Reads every question of the last two weeks and stores it.
pub async fn poll(db: &Database, client: &TrendyolClient, now_ms: i64) -> Result<QuestionsReport> {
    let end = now_ms + AHEAD_MS;
    let start = end - MAX_FILTER_SPAN_MS;
    let mut report = QuestionsReport::default();
    let mut page = 0;
    loop {
        let result = client
            .questions(&QuestionsQuery {
                start_date: Some(start),
                end_date: Some(end),
                order_by_field: Some("CreatedDate".into()),
                order_by_direction: Some("ASC".into()),
                page: Some(page),
                size: Some(MAX_PAGE_SIZE),
                ..QuestionsQuery::default()
            })
            .await?;
        for question in &result.content {
            report.seen += 1;
            let recorded = store::record(db, client.seller_id(), question).await?;
            match recorded.change {
                store::Change::New => report.new += 1,
                store::Change::Updated => report.updated += 1,
                store::Change::Same => {}
            }
            if !recorded.linked {
                report.unlinked += 1;
            }
        }
        page += 1;
        if page >= result.total_pages || result.content.is_empty() {
            break;
        }
    }
    Ok(report)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
