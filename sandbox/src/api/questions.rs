//! The customer question endpoints: the filter list, one question, and the seller's answer.

use crate::app::App;
use crate::auth::Caller;
use crate::http::{ok, paging, parse_json, path_id, ApiError, ApiResult, Params};
use crate::questions::WEEK_MS;
use axum::extract::{Path, State};
use axum::Extension;
use bytes::Bytes;
use std::sync::Arc;
use trendyol_wire::questions::{
    AnswerCreated, AnswerRequest, Question, QuestionStatus, QuestionsPage, MAX_FILTER_SPAN_MS,
    MAX_PAGE_SIZE,
};

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
