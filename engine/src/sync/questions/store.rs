//! One question into `trendyol_questions`: inserted the first time, refreshed after.
//!
//! The product link goes through the shop's own mapping: Trendyol names the product by
//! `productMainId`, and `trendyol_products` knows which barcode (and so which OpenCart product)
//! was sent under that main id. A question about a product MesChain never sent is still stored,
//! unlinked, so the owner sees it. A later poll links it once the product is synced.

use mysql_async::prelude::*;
use trendyol_wire::questions::{Question, QuestionStatus};

use super::window;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::sync::orders::package::clip;

/// What [`record`] did to the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Updated,
    Same,
}

/// [`record`]'s result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub change: Change,
    pub linked: bool,
}

/// The barcode and OpenCart product synced under `product_main_id`.
pub async fn product_of(
    db: &Database,
    seller_id: u64,
    product_main_id: &str,
) -> Result<Option<(String, u32)>> {
    if product_main_id.is_empty() {
        return Ok(None);
    }
    let mut conn = db.conn().await?;
    conn.exec_first(
        format!(
            "SELECT barcode, product_id FROM {} WHERE seller_id = ? AND product_main_id = ? \
             ORDER BY trendyol_product_id LIMIT 1",
            db.table("trendyol_products")
        ),
        (seller_id, product_main_id),
    )
    .await
    .map_err(Error::db("finding the product of a question"))
}

/// Inserts or refreshes one question.
pub async fn record(db: &Database, seller_id: u64, q: &Question) -> Result<Recorded> {
    let main_id = clip(q.product_main_id.as_deref().unwrap_or(""), 40);
    let product = product_of(db, seller_id, &main_id).await?;
    let (barcode, product_id) = product.clone().unwrap_or_default();
    let asked_ms = q.creation_date.unwrap_or(0).max(0);
    let status = q
        .status
        .clone()
        .unwrap_or(QuestionStatus::Unknown(String::new()));
    let trendyol_answer = q.answer.as_ref().and_then(|a| a.text.clone());
    let mut conn = db.conn().await?;
    let before: Option<(String, Option<String>, u32)> = conn
        .exec_first(
            format!(
                "SELECT status, trendyol_answer, product_id FROM {} WHERE seller_id = ? AND question_id = ?",
                db.table("trendyol_questions")
            ),
            (seller_id, q.id),
        )
        .await
        .map_err(Error::db("reading a stored customer question"))?;
    let change = match &before {
        None => Change::New,
        Some((s, a, p))
            if s == status.as_str()
                && *a == trendyol_answer
                && (product_id == 0 || *p == product_id) =>
        {
            Change::Same
        }
        Some(_) => Change::Updated,
    };
    if change == Change::Same {
        return Ok(Recorded {
            change,
            linked: product.is_some(),
        });
    }
    // A refresh writes only what Trendyol may change: the status, its answer, the link. When
    // Trendyol shows the question answered, a queued answer of ours is moot (`sent`).
    conn.exec_drop(
        format!(
            "INSERT INTO {} (seller_id, question_id, status, text, user_name, product_main_id, \
             product_name, image_url, web_url, barcode, product_id, asked_at, deadline_at, \
             trendyol_answer, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000), FROM_UNIXTIME(? / 1000), ?, \
             UTC_TIMESTAMP(), UTC_TIMESTAMP()) \
             ON DUPLICATE KEY UPDATE \
             answer_state = IF(VALUES(status) IN ('ANSWERED', 'WAITING_FOR_APPROVE') \
               AND answer_state = 'queued', 'sent', answer_state), \
             status = VALUES(status), trendyol_answer = VALUES(trendyol_answer), \
             barcode = IF(VALUES(product_id) > 0, VALUES(barcode), barcode), \
             product_id = IF(VALUES(product_id) > 0, VALUES(product_id), product_id), \
             updated_at = UTC_TIMESTAMP()",
            db.table("trendyol_questions")
        ),
        mysql_async::Params::Positional(vec![
            seller_id.into(),
            q.id.into(),
            status.as_str().into(),
            q.text.clone().unwrap_or_default().into(),
            clip(q.user_name.as_deref().unwrap_or(""), 128).into(),
            main_id.clone().into(),
            clip(q.product_name.as_deref().unwrap_or(""), 255).into(),
            clip(q.image_url.as_deref().unwrap_or(""), 500).into(),
            clip(q.web_url.as_deref().unwrap_or(""), 500).into(),
            barcode.into(),
            product_id.into(),
            asked_ms.into(),
            window::deadline_ms(asked_ms).into(),
            trendyol_answer.into(),
        ]),
    )
    .await
    .map_err(Error::db("storing a customer question"))?;
    Ok(Recorded {
        change,
        linked: product.is_some(),
    })
}
