//! The Question & Answer endpoints: list customer questions, read one again, answer one.
//!
//! An answer is a write Trendyol does not deduplicate: sent twice, it would be refused the
//! second time at best. The client never re-sends it on its own (writes are not retried unless
//! known not applied); the question job reads the question back before every attempt instead
//! (see `sync::questions::answer`). An answer outside Trendyol's 10–2,000 characters is refused
//! here, before anything leaves the shop, with Trendyol's own message.

use serde::{Deserialize, Serialize};
use trendyol_wire::paths;
use trendyol_wire::questions::{check_answer, AnswerRequest, Question, QuestionsPage};

use super::client::{Call, TrendyolClient};
use super::endpoint::EndpointClass as E;
use crate::error::{ApiErrorClass, Error, Result};

/// Filters of `GET .../questions/filter`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionsQuery {
    /// Trendyol asks for the seller id again as `supplierId`; [`TrendyolClient::questions`]
    /// fills it in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    /// Milliseconds; at most two weeks before `end_date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<i64>,
    /// `CreatedDate` or `LastModifiedDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_by_field: Option<String>,
    /// `ASC` or `DESC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_by_direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

impl TrendyolClient {
    /// `GET .../questions/filter`.
    pub async fn questions(&self, query: &QuestionsQuery) -> Result<QuestionsPage> {
        let mut query = query.clone();
        query.supplier_id = Some(self.seller_id());
        self.json(
            Call::new(
                E::QuestionsFilter,
                paths::questions_filter(self.seller_id()),
            )
            .query(&query)?,
        )
        .await
    }

    /// `GET .../questions/{id}`.
    pub async fn question(&self, question_id: u64) -> Result<Question> {
        self.json(Call::new(
            E::Question,
            paths::question(self.seller_id(), question_id),
        ))
        .await
    }

    /// `POST .../questions/{id}/answers`. Trendyol documents an `answerId` in the answer, but
    /// nothing here needs it (the question is read back instead) and an empty 200 is a success
    /// too, so the body is not read.
    pub async fn answer_question(&self, question_id: u64, text: &str) -> Result<()> {
        if let Err((key, message)) = check_answer(text) {
            return Err(Error::Api {
                class: ApiErrorClass::Permanent,
                endpoint: E::QuestionAnswer.name().into(),
                status: None,
                message: format!("{message} ({key})"),
            });
        }
        let body = AnswerRequest {
            text: text.trim().to_string(),
        };
        self.unit(
            Call::new(
                E::QuestionAnswer,
                paths::question_answers(self.seller_id(), question_id),
            )
            .json(&body)?,
        )
        .await
    }
}
