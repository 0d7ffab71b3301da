//! Customer questions: list (`questions/filter`), read one, answer one, and a control lever that
//! plays the buyer who asks.
//!
//! As on Trendyol: `supplierId` is required, `startDate`..`endDate` may span two weeks at most
//! (no dates: the last week), pages hold at most 50. Only a `WAITING_FOR_ANSWER` question takes
//! an answer, of 10 to 2,000 characters, refused otherwise with Trendyol's messages. A question
//! nobody answered before its deadline turns `UNANSWERED` when next looked at; advancing the
//! sandbox clock past the deadline is how a test lets the window expire. An accepted answer is
//! published at once (`ANSWERED`; the sandbox has no forbidden-word review).

use crate::app::App;
use crate::auth::Caller;
use crate::http::{ok, paging, parse_json, path_id, ApiError, ApiResult, Params};
use crate::world::{Ctx, World};
use axum::extract::{Path, State};
use axum::Extension;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use trendyol_wire::questions::{
    check_answer, refusal, AnswerCreated, AnswerRequest, Question, QuestionAnswer, QuestionStatus,
    QuestionsPage, MAX_FILTER_SPAN_MS, MAX_PAGE_SIZE,
};

/// Three business days, the sandbox's window unless a seed says otherwise (calendar days here:
/// tests move the clock, and a fixed span keeps them simple).
pub const DEFAULT_WINDOW_MS: i64 = 3 * 86_400_000;
const WEEK_MS: i64 = 7 * 86_400_000;

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

impl World {
    /// Adds a question as if a buyer asked it; returns its id.
    pub fn seed_question(&mut self, ctx: &Ctx, seller: u64, req: &SeedQuestion) -> u64 {
        let id = 40_000_000 + self.questions.len() as u64 + 1;
        let asked = ctx.now - req.age_ms.max(0);
        let question = Question {
            id,
            creation_date: Some(asked),
            customer_id: Some(90_000_000 + id % 1000),
            product_name: Some(req.product_name.clone()),
            product_main_id: Some(req.product_main_id.clone()),
            image_url: Some(String::new()),
            web_url: Some(format!("https://www.trendyol.com/sandbox/p-{id}")),
            public: Some(true),
            show_user_name: Some(true),
            status: Some(QuestionStatus::WaitingForAnswer),
            text: Some(req.text.clone()),
            user_name: Some(req.user_name.clone()),
            ..Question::default()
        };
        self.questions.insert(
            id,
            QuestionRecord {
                seller_id: seller,
                deadline_ms: asked + req.window_ms.max(0),
                answers_accepted: 0,
                question,
            },
        );
        id
    }

    /// Closes the questions whose window passed unanswered.
    pub fn expire_questions(&mut self, now: i64) {
        for rec in self.questions.values_mut() {
            if rec.question.status == Some(QuestionStatus::WaitingForAnswer)
                && now > rec.deadline_ms
            {
                rec.question.status = Some(QuestionStatus::Unanswered);
            }
        }
    }

    fn answer(&mut self, ctx: &Ctx, seller: u64, id: u64, text: &str) -> Result<(), ApiError> {
        self.expire_questions(ctx.now);
        let rec = self
            .questions
            .get_mut(&id)
            .filter(|r| r.seller_id == seller)
            .ok_or_else(|| {
                ApiError::not_found("question.not.found", format!("question {id} not found"))
            })?;
        let refuse = |(key, message): (&str, &str)| ApiError::bad_request(key, message);
        match rec
            .question
            .status
            .clone()
            .unwrap_or(QuestionStatus::Unknown(String::new()))
        {
            QuestionStatus::WaitingForAnswer => {}
            QuestionStatus::Unanswered => return Err(refuse(refusal::TIME_LIMIT)),
            QuestionStatus::Answered | QuestionStatus::WaitingForApprove => {
                return Err(refuse(refusal::ALREADY_ANSWERED))
            }
            other => {
                return Err(ApiError::bad_request(
                    "question.not.answerable",
                    format!("question {id} is {other}; only WAITING_FOR_ANSWER can be answered"),
                ))
            }
        }
        check_answer(text).map_err(refuse)?;
        rec.answers_accepted += 1;
        rec.question.status = Some(QuestionStatus::Answered);
        rec.question.answer = Some(QuestionAnswer {
            creation_date: Some(ctx.now),
            has_private_info: Some(false),
            id: Some(60_000_000 + id),
            reason: None,
            text: Some(text.trim().to_string()),
        });
        rec.question.answered_date_message = Some("1 saat içinde cevaplandı".into());
        Ok(())
    }
}

/// `GET /integration/qna/sellers/{id}/questions/filter`.
pub async fn filter(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult {
    if params.u64("supplierId")?.is_none() {
        return Err(ApiError::bad_request(
            "supplierId.required",
            "supplierId is required",
        ));
    }
    let (page, size) = paging(&params, 20, MAX_PAGE_SIZE, None)?;
    let start = params.i64("startDate")?;
    let end = params.i64("endDate")?;
    let status = params.str("status").map(QuestionStatus::parse);
    let descending = params.str("orderByDirection") == Some("DESC");
    let all: Vec<Question> = app.mutate(|w, ctx| {
        w.expire_questions(ctx.now);
        let (start, end) = match (start, end) {
            (None, None) => (ctx.now - WEEK_MS, ctx.now),
            (s, e) => (s.unwrap_or(i64::MIN), e.unwrap_or(i64::MAX)),
        };
        if end.saturating_sub(start) > MAX_FILTER_SPAN_MS {
            return Err(ApiError::bad_request(
                "invalid.date.range",
                "startDate and endDate may be at most two weeks apart",
            ));
        }
        let mut v: Vec<Question> = w
            .questions
            .values()
            .filter(|r| r.seller_id == caller.seller_id)
            .map(|r| &r.question)
            .filter(|q| {
                let d = q.creation_date.unwrap_or(0);
                d >= start
                    && d <= end
                    && status.as_ref().is_none_or(|s| q.status.as_ref() == Some(s))
            })
            .cloned()
            .collect();
        v.sort_by_key(|q| (q.creation_date.unwrap_or(0), q.id));
        if descending {
            v.reverse();
        }
        Ok(v)
    })?;
    let total = all.len() as u64;
    ok(&QuestionsPage {
        total_elements: total,
        total_pages: crate::http::total_pages(total, size),
        page,
        size,
        content: crate::http::page_of(&all, page, size),
    })
}

/// `GET /integration/qna/sellers/{id}/questions/{questionId}`.
pub async fn get_one(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
) -> ApiResult {
    let id = path_id(&id, "id")?;
    let found = app.mutate(|w, ctx| {
        w.expire_questions(ctx.now);
        w.questions
            .get(&id)
            .filter(|r| r.seller_id == caller.seller_id)
            .map(|r| r.question.clone())
    });
    match found {
        Some(q) => ok(&q),
        None => Err(ApiError::not_found(
            "question.not.found",
            format!("question {id} not found"),
        )),
    }
}

/// `POST /integration/qna/sellers/{id}/questions/{questionId}/answers`.
pub async fn answer(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&id, "id")?;
    let req: AnswerRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.answer(ctx, caller.seller_id, id, &req.text))?;
    ok(&AnswerCreated {
        answer_id: Some(60_000_000 + id),
    })
}
