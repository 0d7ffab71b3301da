//! Customer questions (Trendyol's Question & Answer integration).
//!
//! Buyers ask on the product page; the seller reads them with `questions/filter` (paged, at
//! most 50 a page, at most two weeks between `startDate` and `endDate`, the last week when no
//! dates are given), reads one again by id, and answers with `POST .../questions/{id}/answers`.
//! Only a `WAITING_FOR_ANSWER` question can be answered, and an answer must be 10 to 2,000
//! characters. A question names its product by `productMainId`, not by barcode.

use serde::{Deserialize, Serialize};

/// Shortest answer Trendyol accepts, in characters.
pub const MIN_ANSWER_CHARS: usize = 10;
/// Longest answer Trendyol accepts, in characters.
pub const MAX_ANSWER_CHARS: usize = 2000;
/// Largest `size` of a `questions/filter` page.
pub const MAX_PAGE_SIZE: u64 = 50;
/// Widest `startDate`..`endDate` span `questions/filter` takes: two weeks, in milliseconds.
pub const MAX_FILTER_SPAN_MS: i64 = 14 * 24 * 3600 * 1000;

string_enum! {
    /// Where a question stands.
    QuestionStatus {
        WaitingForAnswer => "WAITING_FOR_ANSWER",
        WaitingForApprove => "WAITING_FOR_APPROVE",
        Answered => "ANSWERED",
        Reported => "REPORTED",
        Rejected => "REJECTED",
        Unanswered => "UNANSWERED",
    }
}

impl QuestionStatus {
    /// Only a question waiting for its answer can be answered.
    pub fn answerable(&self) -> bool {
        matches!(self, QuestionStatus::WaitingForAnswer)
    }
}

/// An answer (the published one, or the last one Trendyol rejected).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct QuestionAnswer {
    #[serde(default)]
    pub creation_date: Option<i64>,
    #[serde(default)]
    pub has_private_info: Option<bool>,
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub answer: Option<QuestionAnswer>,
    /// Trendyol's own words for how long the answer took.
    #[serde(default)]
    pub answered_date_message: Option<String>,
    #[serde(default)]
    pub creation_date: Option<i64>,
    #[serde(default)]
    pub customer_id: Option<u64>,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub product_name: Option<String>,
    #[serde(default)]
    pub public: Option<bool>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub rejected_answer: Option<QuestionAnswer>,
    #[serde(default)]
    pub rejected_date: Option<i64>,
    #[serde(default)]
    pub report_reason: Option<String>,
    #[serde(default)]
    pub reported_date: Option<i64>,
    #[serde(default)]
    pub show_user_name: Option<bool>,
    #[serde(default)]
    pub status: Option<QuestionStatus>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub web_url: Option<String>,
    #[serde(default)]
    pub product_main_id: Option<String>,
}

/// A `questions/filter` page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct QuestionsPage {
    #[serde(default)]
    pub content: Vec<Question>,
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub total_elements: u64,
    #[serde(default)]
    pub total_pages: u64,
}

/// `POST .../questions/{id}/answers` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AnswerRequest {
    pub text: String,
}

/// `POST .../questions/{id}/answers` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AnswerCreated {
    #[serde(default)]
    pub answer_id: Option<u64>,
}

/// Trendyol's refusal keys and messages for an answer, as its documentation words them.
pub mod refusal {
    pub const EMPTY: (&str, &str) = ("answer.empty", "Bir cevap giriniz.");
    pub const TOO_SHORT: (&str, &str) = (
        "answer.too.short",
        "Cevabınız 10 karakterden uzun olmalıdır.",
    );
    pub const TOO_LONG: (&str, &str) =
        ("answer.too.long", "Cevabınız 2000 karakterden uzun olamaz.");
    pub const ALREADY_ANSWERED: (&str, &str) = (
        "question.already.answered",
        "Bu soru daha önce cevaplandı. Cevaplanmış sorular tekrar cevaplanamaz.",
    );
    pub const TIME_LIMIT: (&str, &str) = (
        "question.time.limit.exceeded",
        "Belirtilen süre içinde cevap vermediğiniz için soru kapatılmıştır.",
    );
}

/// Checks an answer's length the way Trendyol does (characters, not bytes; surrounding
/// whitespace does not count). Returns Trendyol's refusal `(key, message)` when it is refused.
pub fn check_answer(text: &str) -> Result<(), (&'static str, &'static str)> {
    let n = text.trim().chars().count();
    if n == 0 {
        Err(refusal::EMPTY)
    } else if n < MIN_ANSWER_CHARS {
        Err(refusal::TOO_SHORT)
    } else if n > MAX_ANSWER_CHARS {
        Err(refusal::TOO_LONG)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_lengths_follow_the_documented_bounds() {
        assert_eq!(check_answer("   "), Err(refusal::EMPTY));
        assert_eq!(check_answer("123456789"), Err(refusal::TOO_SHORT));
        assert_eq!(check_answer("1234567890"), Ok(()));
        assert_eq!(check_answer(&"ğ".repeat(2000)), Ok(()));
        assert_eq!(check_answer(&"ğ".repeat(2001)), Err(refusal::TOO_LONG));
        assert!(QuestionStatus::parse("WAITING_FOR_ANSWER").answerable());
        assert!(!QuestionStatus::parse("UNANSWERED").answerable());
    }
}
