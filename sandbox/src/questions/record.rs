//! A customer question as the sandbox keeps it, its answer window, and the control endpoint's
//! request body to add one.

use serde::{Deserialize, Serialize};
use trendyol_wire::questions::Question;

/// Three business days, the sandbox's window unless a seed says otherwise (calendar days here:
/// tests move the clock, and a fixed span keeps them simple).
pub const DEFAULT_WINDOW_MS: i64 = 3 * 86_400_000;
pub const WEEK_MS: i64 = 7 * 86_400_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionRecord {
    pub seller_id: u64,
    pub deadline_ms: i64,
    /// Answers accepted for this question (a second one is a bug in the client).
    #[serde(default)]
    pub answers_accepted: u64,
    pub question: Question,
}

/// `POST /__sandbox/questions/seed` body: one question.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SeedQuestion {
    pub seller_id: Option<u64>,
    pub text: String,
    pub product_main_id: String,
    pub product_name: String,
    pub user_name: String,
    /// How long ago the buyer asked.
    pub age_ms: i64,
    pub window_ms: i64,
}

impl Default for SeedQuestion {
    fn default() -> Self {
        SeedQuestion {
            seller_id: None,
            text: "Bu ürünün kumaşı pamuklu mu?".into(),
            product_main_id: String::new(),
            product_name: String::new(),
            user_name: "A*** K***".into(),
            age_ms: 0,
            window_ms: DEFAULT_WINDOW_MS,
        }
    }
}
