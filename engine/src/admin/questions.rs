//! The Questions page's calls on the engine: the list (with the saved answers and the counts),
//! answering, and the answer templates. The work lives in `sync::questions`; this is the facade
//! PHP reaches through `MesChain\Engine`.

use serde_json::{json, Value};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::sync::questions::{answer, list, templates};

impl Engine {
    /// The Questions page: `questions` (new, answered or all; waiting and expiring soonest
    /// first), `templates`, `waiting` (inside the window) and `waiting_over_alert_hours`.
    pub async fn questions(&self, filter: &str, limit: u32) -> Result<Value> {
        let filter = list::Filter::parse(filter).ok_or_else(|| {
            Error::Config(format!(
                "filter: '{filter}' is not one of new, answered, all"
            ))
        })?;
        let (settings, _) = self.settings_or_defaults().await;
        let db = self.database()?;
        let rows = list::list(&db, filter, limit).await?;
        let saved = templates::list(&db).await?;
        let (waiting, overdue) = list::waiting(&db, settings.question_alert_hours).await?;
        Ok(json!({
            "questions": rows,
            "templates": saved,
            "waiting": waiting,
            "waiting_over_alert_hours": overdue,
            "alert_hours": settings.question_alert_hours,
        }))
    }

    /// Checks an answer and queues its delivery; returns the queue job's id.
    pub async fn answer_question(&self, question_id: u64, text: &str, user_id: u32) -> Result<u64> {
        let settings = self.settings().await?;
        let seller_id = settings.seller_id.ok_or_else(|| {
            Error::Config("seller_id: set the Trendyol seller id under Settings first".into())
        })?;
        let queued =
            answer::submit(&self.database()?, seller_id, question_id, text, user_id).await?;
        Ok(queued.id)
    }

    /// Adds (`template_id` 0) or replaces a saved answer; returns its id.
    pub async fn save_answer_template(
        &self,
        template_id: u32,
        title: &str,
        body: &str,
    ) -> Result<u32> {
        templates::save(&self.database()?, template_id, title, body).await
    }

    /// Deletes a saved answer; true when it existed.
    pub async fn delete_answer_template(&self, template_id: u32) -> Result<bool> {
        templates::delete(&self.database()?, template_id).await
    }
}
