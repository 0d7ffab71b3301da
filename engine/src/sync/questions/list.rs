//! The admin's Questions tab: questions in the order the owner should answer them, and the
//! count the Monitoring tab shows.
//!
//! Waiting questions come first, the one whose window closes soonest at the top; then what is
//! on its way (queued answers), then the answered and closed ones, newest first. Each row
//! carries its delivery: the queue job's status, attempts and last error, so the tab shows a
//! retry or a dead letter as it happens.

use mysql_async::prelude::*;
use mysql_async::Row;
use serde::Serialize;

use crate::db::Database;
use crate::error::{Error, Result};

/// Which questions the tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Waiting for an answer (none sent yet, or the last one refused).
    New,
    /// Answered, by the shop or on Trendyol, or with an answer on its way.
    Answered,
    All,
}

impl Filter {
    pub fn parse(s: &str) -> Option<Filter> {
        match s {
            "new" | "" => Some(Filter::New),
            "answered" => Some(Filter::Answered),
            "all" => Some(Filter::All),
            _ => None,
        }
    }
}

/// One row of the tab.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct QuestionRow {
    pub seller_id: u64,
    pub question_id: u64,
    pub status: String,
    pub text: String,
    pub user_name: String,
    pub product_name: String,
    pub product_main_id: String,
    pub barcode: String,
    pub product_id: u32,
    pub web_url: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub asked_at: String,
    pub deadline_at: String,
    /// Seconds left in the answer window (negative: closed).
    pub seconds_left: i64,
    pub trendyol_answer: String,
    pub answer_text: String,
    /// '' (none), `queued`, `sent` or `refused`.
    pub answer_state: String,
    pub answer_error: String,
    pub queue_id: u64,
    /// The delivering job's queue status (`pending`, `running`, `done`, `dead`…), '' if none.
    pub queue_status: String,
    pub queue_attempts: u32,
}

const WAITING: &str = "q.status = 'WAITING_FOR_ANSWER' AND q.answer_state IN ('', 'refused')";

/// Questions for the tab, at most `limit`.
pub async fn list(db: &Database, filter: Filter, limit: u32) -> Result<Vec<QuestionRow>> {
    let filter_sql = match filter {
        Filter::New => format!("WHERE {WAITING}"),
        Filter::Answered => format!("WHERE NOT ({WAITING})"),
        Filter::All => String::new(),
    };
    let sql = format!(
        "SELECT q.seller_id, q.question_id, q.status, q.text, q.user_name, q.product_name, \
         q.product_main_id, q.barcode, q.product_id, q.web_url, \
         DATE_FORMAT(q.asked_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(q.deadline_at, '%Y-%m-%d %H:%i:%s'), \
         CAST(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), q.deadline_at) AS SIGNED), \
         COALESCE(q.trendyol_answer, ''), COALESCE(q.answer_text, ''), q.answer_state, \
         q.answer_error, q.answer_queue_id, COALESCE(j.status, ''), COALESCE(j.attempts, 0) \
         FROM {} q LEFT JOIN {} j ON j.queue_id = q.answer_queue_id AND q.answer_queue_id > 0 \
         {filter_sql} \
         ORDER BY ({WAITING} AND q.deadline_at > UTC_TIMESTAMP()) DESC, \
         (q.answer_state = 'queued') DESC, \
         CASE WHEN {WAITING} THEN q.deadline_at END ASC, q.asked_at DESC \
         LIMIT {}",
        db.table("trendyol_questions"),
        db.table("trendyol_sync_queue"),
        limit.clamp(1, 500)
    );
    let mut conn = db.conn().await?;
    let rows: Vec<Row> = conn
        .query(sql)
        .await
        .map_err(Error::db("listing customer questions"))?;
    Ok(rows.into_iter().map(row).collect())
}

fn row(mut r: Row) -> QuestionRow {
    fn take<T: mysql_async::prelude::FromValue + Default>(r: &mut Row, i: usize) -> T {
        r.take_opt(i).and_then(|v| v.ok()).unwrap_or_default()
    }
    QuestionRow {
        seller_id: take(&mut r, 0),
        question_id: take(&mut r, 1),
        status: take(&mut r, 2),
        text: take(&mut r, 3),
        user_name: take(&mut r, 4),
        product_name: take(&mut r, 5),
        product_main_id: take(&mut r, 6),
        barcode: take(&mut r, 7),
        product_id: take(&mut r, 8),
        web_url: take(&mut r, 9),
        asked_at: take(&mut r, 10),
        deadline_at: take(&mut r, 11),
        seconds_left: take(&mut r, 12),
        trendyol_answer: take(&mut r, 13),
        answer_text: take(&mut r, 14),
        answer_state: take(&mut r, 15),
        answer_error: take(&mut r, 16),
        queue_id: take(&mut r, 17),
        queue_status: take(&mut r, 18),
        queue_attempts: take(&mut r, 19),
    }
}

/// Questions waiting for an answer inside their window, and how many of those waited longer
/// than `hours` (the alert's figure; 0 hours counts none).
pub async fn waiting(db: &Database, hours: u32) -> Result<(u64, u64)> {
    let mut conn = db.conn().await?;
    let counts: Option<(Option<i64>, Option<i64>)> = conn
        .exec_first(
            format!(
                "SELECT COUNT(*), SUM(? > 0 AND q.asked_at < UTC_TIMESTAMP() - INTERVAL ? HOUR) \
                 FROM {} q WHERE {WAITING} AND q.deadline_at > UTC_TIMESTAMP()",
                db.table("trendyol_questions")
            ),
            (hours, hours),
        )
        .await
        .map_err(Error::db("counting waiting questions"))?;
    let (all, old) = counts.unwrap_or_default();
    Ok((all.unwrap_or(0) as u64, old.unwrap_or(0) as u64))
}
