//! Answering a question: the admin's click queues the answer, the processor delivers it.
//!
//! [`submit`] checks the answer the way Trendyol will (10 to 2,000 characters, the question
//! still waiting and inside its window) so a bad answer is refused at the click with Trendyol's
//! own words and nothing is queued. It stores the text on the question and queues one
//! `question_answer` job per question and text (the dedupe key), so a double click or a
//! resubmitted form delivers once.
//!
//! [`execute`] never trusts that an earlier attempt failed: a 5xx or a cut connection can come
//! after Trendyol applied the answer. Every attempt therefore reads the question back first and
//! sends only while Trendyol still shows it waiting. A question already answered is a success
//! (ours, or one typed in the seller panel); one Trendyol closed is refused for good with
//! Trendyol's message, and the queue dead-letters it so the admin shows why.

use mysql_async::prelude::*;
use serde::{Deserialize, Serialize};
use trendyol_wire::questions::{check_answer, refusal, QuestionStatus};

use crate::db::Database;
use crate::error::{ApiErrorClass, Error, Result};
use crate::queue::{enqueue, Enqueued, JobKind, NewJob};
use crate::trendyol::{EndpointClass, TrendyolClient};

/// What a `question_answer` job asks for; the text stays on the question's row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerJob {
    pub seller_id: u64,
    pub question_id: u64,
}

/// What delivering did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Delivered {
    /// Trendyol took the answer.
    Sent,
    /// Trendyol already showed an answer; nothing was sent.
    AlreadyAnswered,
}

fn refused(message: impl Into<String>) -> Error {
    Error::Api {
        class: ApiErrorClass::Permanent,
        endpoint: EndpointClass::QuestionAnswer.name().into(),
        status: None,
        message: message.into(),
    }
}

/// Checks and queues an answer typed in the admin.
pub async fn submit(
    db: &Database,
    seller_id: u64,
    question_id: u64,
    text: &str,
    user_id: u32,
) -> Result<Enqueued> {
    if let Err((_, message)) = check_answer(text) {
        return Err(Error::Config(message.to_string()));
    }
    let text = text.trim();
    let mut conn = db.conn().await?;
    let row: Option<(String, i64, String)> = conn
        .exec_first(
            format!(
                "SELECT status, CAST(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), deadline_at) AS SIGNED), \
                 answer_state FROM {} WHERE seller_id = ? AND question_id = ?",
                db.table("trendyol_questions")
            ),
            (seller_id, question_id),
        )
        .await
        .map_err(Error::db("reading the question to answer"))?;
    let Some((status, seconds_left, state)) = row else {
        return Err(Error::Config(format!(
            "question {question_id} is not known here; run question_sync first"
        )));
    };
    match QuestionStatus::parse(&status) {
        QuestionStatus::WaitingForAnswer => {}
        QuestionStatus::Unanswered => return Err(Error::Config(refusal::TIME_LIMIT.1.to_string())),
        QuestionStatus::Answered | QuestionStatus::WaitingForApprove => {
            return Err(Error::Config(refusal::ALREADY_ANSWERED.1.to_string()))
        }
        other => {
            return Err(Error::Config(format!(
                "Trendyol shows the question {other}; only WAITING_FOR_ANSWER can be answered"
            )))
        }
    }
    if seconds_left <= 0 {
        return Err(Error::Config(refusal::TIME_LIMIT.1.to_string()));
    }
    if state == "sent" {
        return Err(Error::Config(refusal::ALREADY_ANSWERED.1.to_string()));
    }
    let job = NewJob::new(
        JobKind::QuestionAnswer,
        serde_json::to_value(AnswerJob {
            seller_id,
            question_id,
        })
        .unwrap_or_default(),
    )
    .dedupe_key(format!(
        "answer:{seller_id}:{question_id}:{}",
        short_hash(text)
    ));
    let queued = enqueue(db, &job).await?;
    conn.exec_drop(
        format!(
            "UPDATE {} SET answer_text = ?, answer_state = 'queued', answer_error = '', \
             answer_queue_id = ?, answered_by = ?, answered_at = UTC_TIMESTAMP(), \
             updated_at = UTC_TIMESTAMP() WHERE seller_id = ? AND question_id = ?",
            db.table("trendyol_questions")
        ),
        (text, queued.id, user_id, seller_id, question_id),
    )
    .await
    .map_err(Error::db("storing the answer"))?;
    Ok(queued)
}

fn short_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// Runs one `question_answer` job.
pub async fn execute(db: &Database, client: &TrendyolClient, job: &AnswerJob) -> Result<Delivered> {
    let mut conn = db.conn().await?;
    let text: Option<Option<String>> = conn
        .exec_first(
            format!(
                "SELECT answer_text FROM {} WHERE seller_id = ? AND question_id = ?",
                db.table("trendyol_questions")
            ),
            (job.seller_id, job.question_id),
        )
        .await
        .map_err(Error::db("reading the answer to send"))?;
    drop(conn);
    let Some(Some(text)) = text else {
        return Err(refused(format!(
            "question {} has no answer stored",
            job.question_id
        )));
    };
    let result = deliver(client, job.question_id, &text).await;
    let (state, error, status) = match &result {
        Ok((_, status)) => ("sent", String::new(), Some(status.clone())),
        Err(e) if is_for_good(e) => ("refused", e.to_string(), None),
        Err(e) => ("queued", e.to_string(), None),
    };
    let mut conn = db.conn().await?;
    conn.exec_drop(
        format!(
            "UPDATE {} SET answer_state = ?, answer_error = LEFT(?, 500), \
             status = COALESCE(?, status), updated_at = UTC_TIMESTAMP() \
             WHERE seller_id = ? AND question_id = ?",
            db.table("trendyol_questions")
        ),
        (
            state,
            error,
            status.map(|s| s.as_str().to_string()),
            job.seller_id,
            job.question_id,
        ),
    )
    .await
    .map_err(Error::db("recording the answer's delivery"))?;
    result.map(|(d, _)| d)
}

/// Trendyol's refusals (a 4xx, a closed question) do not get better with retries.
pub fn is_for_good(e: &Error) -> bool {
    matches!(
        e,
        Error::Api {
            class: ApiErrorClass::Permanent,
            ..
        }
    )
}

/// Reads back, then sends only if the question is still waiting; returns the status Trendyol
/// shows afterwards.
async fn deliver(
    client: &TrendyolClient,
    question_id: u64,
    text: &str,
) -> Result<(Delivered, QuestionStatus)> {
    let now = client.question(question_id).await?;
    let status = now
        .status
        .clone()
        .unwrap_or(QuestionStatus::Unknown(String::new()));
    match status {
        QuestionStatus::WaitingForAnswer => {}
        QuestionStatus::Answered | QuestionStatus::WaitingForApprove => {
            return Ok((Delivered::AlreadyAnswered, status));
        }
        QuestionStatus::Unanswered => return Err(refused(refusal::TIME_LIMIT.1)),
        other => {
            return Err(refused(format!(
                "Trendyol shows the question {other}; only WAITING_FOR_ANSWER can be answered"
            )))
        }
    }
    client.answer_question(question_id, text).await?;
    let after = client
        .question(question_id)
        .await
        .ok()
        .and_then(|q| q.status)
        .unwrap_or(QuestionStatus::Answered);
    Ok((Delivered::Sent, after))
}
