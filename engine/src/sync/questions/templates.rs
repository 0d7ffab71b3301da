//! Saved answers: the owner writes the answers that come up again and again once ("Kargo 1–3
//! iş gününde teslim edilir…") and picks one into the answer box. A template is held to the
//! same 10–2,000 characters as an answer, so picking one never makes an answer Trendyol refuses.

use mysql_async::prelude::*;
use serde::Serialize;
use trendyol_wire::questions::check_answer;

use crate::db::Database;
use crate::error::{Error, Result};

/// Longest title, in characters (the column's width).
pub const MAX_TITLE_CHARS: usize = 64;

/// One saved answer.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Template {
    pub template_id: u32,
    pub title: String,
    pub body: String,
}

/// Every template, by title.
pub async fn list(db: &Database) -> Result<Vec<Template>> {
    let mut conn = db.conn().await?;
    let rows: Vec<(u32, String, String)> = conn
        .query(format!(
            "SELECT template_id, title, body FROM {} ORDER BY title, template_id",
            db.table("trendyol_answer_templates")
        ))
        .await
        .map_err(Error::db("listing answer templates"))?;
    Ok(rows
        .into_iter()
        .map(|(template_id, title, body)| Template {
            template_id,
            title,
            body,
        })
        .collect())
}

/// Adds a template (`template_id` 0) or replaces one; returns its id.
pub async fn save(db: &Database, template_id: u32, title: &str, body: &str) -> Result<u32> {
    let title = title.trim();
    let body = body.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(Error::Config(format!(
            "a template needs a title of 1 to {MAX_TITLE_CHARS} characters"
        )));
    }
    if let Err((_, message)) = check_answer(body) {
        return Err(Error::Config(message.to_string()));
    }
    let mut conn = db.conn().await?;
    if template_id == 0 {
        conn.exec_drop(
            format!(
                "INSERT INTO {} (title, body, updated_at) VALUES (?, ?, UTC_TIMESTAMP())",
                db.table("trendyol_answer_templates")
            ),
            (title, body),
        )
        .await
        .map_err(Error::db("saving an answer template"))?;
        return Ok(conn.last_insert_id().unwrap_or(0) as u32);
    }
    conn.exec_drop(
        format!(
            "UPDATE {} SET title = ?, body = ?, updated_at = UTC_TIMESTAMP() WHERE template_id = ?",
            db.table("trendyol_answer_templates")
        ),
        (title, body, template_id),
    )
    .await
    .map_err(Error::db("saving an answer template"))?;
    if conn.affected_rows() == 0 {
        return Err(Error::Config(format!(
            "template {template_id} does not exist"
        )));
    }
    Ok(template_id)
}

/// Deletes a template; true when it existed.
pub async fn delete(db: &Database, template_id: u32) -> Result<bool> {
    let mut conn = db.conn().await?;
    conn.exec_drop(
        format!(
            "DELETE FROM {} WHERE template_id = ?",
            db.table("trendyol_answer_templates")
        ),
        (template_id,),
    )
    .await
    .map_err(Error::db("deleting an answer template"))?;
    Ok(conn.affected_rows() > 0)
}
