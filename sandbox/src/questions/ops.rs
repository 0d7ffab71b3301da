//! What happens to questions: the control endpoint adding one, expiry when the answer window
//! closes, and the seller's answer with Trendyol's rules.

use super::record::{QuestionRecord, SeedQuestion};
use crate::http::ApiError;
use crate::world::{Ctx, World};
use trendyol_wire::questions::{check_answer, refusal, Question, QuestionAnswer, QuestionStatus};

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

    pub(crate) fn answer(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        id: u64,
        text: &str,
    ) -> Result<(), ApiError> {
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
