//! Customer questions against a real MariaDB shop and the sandbox over HTTP: imported once and
//! linked to the OpenCart product, answered once whatever is delivered twice or fails after
//! Trendyol applied it, refused with Trendyol's own words when too short, too long or too late,
//! and the owner alerted when a question waits too long.

use std::time::Duration;

use meschain_engine::alerts::checks;
use meschain_engine::queue::{enqueue, JobKind, NewJob};
use meschain_engine::runner::{JobContext, JobOutcome};
use meschain_engine::sync::questions;
use meschain_engine::Engine;
use mysql_async::prelude::*;
use serde_json::{json, Value};
use trendyol_sandbox::RunningSandbox;

mod order_common;

use order_common::{control, sandbox, shop, Shop};

async fn context(engine: &Engine) -> JobContext {
    JobContext::standalone(
        engine.database().unwrap(),
        engine.settings().await.unwrap(),
        engine.trendyol().await.unwrap(),
        Duration::from_secs(60),
    )
}

async fn question_sync(engine: &Engine) -> JobOutcome {
    questions::run(&context(engine).await)
        .await
        .expect("question_sync runs")
}

async fn process(engine: &Engine) -> JobOutcome {
    meschain_engine::processor::run(&context(engine).await)
        .await
        .expect("the processor runs")
}

/// A buyer asks about `main_id`; returns the question id.
async fn ask(sb: &RunningSandbox, main_id: &str, body: Value) -> u64 {
    let mut req = json!({"productMainId": main_id, "productName": "Test ürünü"});
    if let (Some(r), Some(b)) = (req.as_object_mut(), body.as_object()) {
        r.extend(b.clone());
    }
    control(sb, "/__sandbox/questions/seed", req).await["questionId"]
        .as_u64()
        .unwrap()
}

async fn on_trendyol(sb: &RunningSandbox, id: u64) -> Value {
    control(sb, &format!("/__sandbox/questions/{id}"), Value::Null).await
}

/// Product 1 synced under main id `MAIN-1` (barcode = its EAN), as product sync records it.
async fn synced_product(shop: &Shop) -> String {
    let mut conn = shop.pool.get_conn().await.unwrap();
    let ean: String = conn
        .query_first("SELECT ean FROM oc_product WHERE product_id = 1")
        .await
        .unwrap()
        .unwrap();
    conn.exec_drop(
        "INSERT INTO oc_trendyol_products (seller_id, product_id, barcode, product_main_id, \
         sync_status, created_at, updated_at) VALUES (1001, 1, ?, 'MAIN-1', 'approved', \
         UTC_TIMESTAMP(), UTC_TIMESTAMP())",
        (ean.clone(),),
    )
    .await
    .unwrap();
    ean
}

async fn row(shop: &Shop, id: u64) -> (String, String, String, u32, String) {
    let mut conn = shop.pool.get_conn().await.unwrap();
    conn.exec_first(
        "SELECT status, answer_state, answer_error, product_id, barcode FROM oc_trendyol_questions \
         WHERE question_id = ?",
        (id,),
    )
    .await
    .unwrap()
    .unwrap()
}

async fn queue_status(shop: &Shop, queue_id: u64) -> (String, u32) {
    let mut conn = shop.pool.get_conn().await.unwrap();
    conn.exec_first(
        "SELECT status, attempts FROM oc_trendyol_sync_queue WHERE queue_id = ?",
        (queue_id,),
    )
    .await
    .unwrap()
    .unwrap()
}

const ANSWER: &str = "Evet, kumaşı %100 pamukludur; 30 derecede yıkanabilir.";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn questions_are_imported_once_and_linked_through_the_barcode() {
    let sb = sandbox(0).await;
    let shop = shop(&sb, 3, &[]).await;
    let ean = synced_product(&shop).await;
    let engine = shop.engine();
    let linked = ask(&sb, "MAIN-1", json!({})).await;
    let unlinked = ask(&sb, "NOT-SYNCED", json!({"text": "Ne zaman stoğa girer?"})).await;

    let first = question_sync(&engine).await;
    assert_eq!(first.details["new"], 2, "{}", first.message);
    assert_eq!(first.details["unlinked"], 1);
    let again = question_sync(&engine).await;
    assert_eq!(
        (
            again.details["seen"].as_u64(),
            again.details["new"].as_u64(),
            again.details["updated"].as_u64()
        ),
        (Some(2), Some(0), Some(0)),
        "{}",
        again.message
    );
    let mut conn = shop.pool.get_conn().await.unwrap();
    let n: Option<u64> = conn
        .query_first("SELECT COUNT(*) FROM oc_trendyol_questions")
        .await
        .unwrap();
    assert_eq!(n, Some(2));
    let (status, _, _, product_id, barcode) = row(&shop, linked).await;
    assert_eq!(
        (status.as_str(), product_id, barcode),
        ("WAITING_FOR_ANSWER", 1, ean)
    );
    assert_eq!(row(&shop, unlinked).await.3, 0);

    // The page lists both as new, with the window's time left.
    let page = engine.questions("new", 50).await.unwrap();
    assert_eq!(page["questions"].as_array().unwrap().len(), 2);
    assert_eq!(page["waiting"], 2);
    let left = page["questions"][0]["seconds_left"].as_i64().unwrap();
    assert!(left > 2 * 86_400, "{left}");
    let _ = sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_answer_reaches_trendyol_once_however_often_it_is_delivered() {
    let sb = sandbox(0).await;
    let shop = shop(&sb, 3, &[]).await;
    synced_product(&shop).await;
    let engine = shop.engine();
    let id = ask(&sb, "MAIN-1", json!({})).await;
    question_sync(&engine).await;

    // A double click queues one job.
    let a = engine.answer_question(id, ANSWER, 1).await.unwrap();
    let b = engine.answer_question(id, ANSWER, 1).await.unwrap();
    assert_eq!(a, b);
    // And the same answer delivered a second time by another job.
    let db = engine.database().unwrap();
    let twin = NewJob::new(
        JobKind::QuestionAnswer,
        json!({"seller_id": 1001, "question_id": id}),
    );
    let twin = enqueue(&db, &twin).await.unwrap().id;

    let run = process(&engine).await;
    assert_eq!(run.details["answers"], 2, "{}", run.message);
    let held = on_trendyol(&sb, id).await;
    assert_eq!(held["answersAccepted"], 1, "{held}");
    assert_eq!(held["question"]["status"], "ANSWERED");
    assert_eq!(held["question"]["answer"]["text"], ANSWER);
    assert_eq!(queue_status(&shop, a).await.0, "done");
    assert_eq!(queue_status(&shop, twin).await.0, "done");
    let (status, state, _, _, _) = row(&shop, id).await;
    assert_eq!((status.as_str(), state.as_str()), ("ANSWERED", "sent"));

    // Answered is answered: a new answer is refused at the click, nothing queued.
    let e = engine
        .answer_question(id, "Başka bir cevap daha yazıyorum.", 1)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("daha önce cevaplandı"), "{e}");
    let page = engine.questions("answered", 50).await.unwrap();
    assert_eq!(page["questions"][0]["answer_state"], "sent");
    assert_eq!(page["questions"][0]["queue_status"], "done");
    let _ = sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_5xx_after_trendyol_applied_the_answer_does_not_double_it() {
    let sb = sandbox(0).await;
    let shop = shop(&sb, 3, &[]).await;
    let engine = shop.engine();
    let id = ask(&sb, "MAIN-1", json!({})).await;
    question_sync(&engine).await;
    let queue_id = engine.answer_question(id, ANSWER, 1).await.unwrap();

    // Trendyol applies the answer, then answers 500.
    control(
        &sb,
        "/__sandbox/faults",
        json!({"appliedErrorShare": 1.0, "pathPrefix": "/integration/qna", "method": "POST"}),
    )
    .await;
    let run = process(&engine).await;
    assert_eq!(run.details["retrying"], 1, "{}", run.message);
    assert_eq!(on_trendyol(&sb, id).await["answersAccepted"], 1);
    let (_, state, error, _, _) = row(&shop, id).await;
    assert_eq!(state, "queued");
    assert!(!error.is_empty());

    // The retry reads the question back, sees it answered, and sends nothing.
    let mut conn = shop.pool.get_conn().await.unwrap();
    conn.exec_drop(
        "UPDATE oc_trendyol_sync_queue SET available_at = NOW(3) WHERE queue_id = ?",
        (queue_id,),
    )
    .await
    .unwrap();
    let run = process(&engine).await;
    assert_eq!(run.details["completed"], 1, "{}", run.message);
    assert_eq!(on_trendyol(&sb, id).await["answersAccepted"], 1);
    assert_eq!(row(&shop, id).await.1, "sent");
    assert_eq!(queue_status(&shop, queue_id).await, ("done".to_string(), 2));
    let _ = sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn short_long_and_late_answers_are_refused_with_trendyols_messages() {
    let sb = sandbox(0).await;
    let shop = shop(&sb, 3, &[]).await;
    let engine = shop.engine();
    let id = ask(&sb, "MAIN-1", json!({})).await;
    let closed = ask(&sb, "MAIN-1", json!({"ageMs": 4 * 86_400_000i64})).await;
    question_sync(&engine).await;

    // At the click: nothing is queued.
    let short = engine.answer_question(id, "Evet.", 1).await.unwrap_err();
    assert!(
        short
            .to_string()
            .contains("Cevabınız 10 karakterden uzun olmalıdır."),
        "{short}"
    );
    let long = engine
        .answer_question(id, &"ç".repeat(2001), 1)
        .await
        .unwrap_err();
    assert!(
        long.to_string()
            .contains("Cevabınız 2000 karakterden uzun olamaz."),
        "{long}"
    );
    assert!(engine
        .answer_question(id, &"ç".repeat(2000), 1)
        .await
        .is_ok());
    let late = engine.answer_question(closed, ANSWER, 1).await.unwrap_err();
    assert!(
        late.to_string().contains("süre içinde cevap vermediğiniz"),
        "{late}"
    );
    assert_eq!(row(&shop, closed).await.0, "UNANSWERED");

    // Trendyol says the same to a client that skips the check.
    let url = format!(
        "{}/integration/qna/sellers/1001/questions/{id}/answers",
        sb.base_url()
    );
    for (text, message) in [
        ("kısa", "Cevabınız 10 karakterden uzun olmalıdır."),
        (
            &*"x".repeat(2001),
            "Cevabınız 2000 karakterden uzun olamaz.",
        ),
    ] {
        let r = reqwest::Client::new()
            .post(&url)
            .basic_auth("demo-api-key", Some("demo-api-secret"))
            .header("User-Agent", "1001 - SelfIntegration")
            .json(&json!({"text": text}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["errors"][0]["message"], message, "{body}");
    }

    // The window closes while the answer waits in the queue: refused for good, with the reason.
    let waiting = ask(&sb, "MAIN-1", json!({"text": "Kargo ne zaman çıkar?"})).await;
    question_sync(&engine).await;
    let queue_id = engine.answer_question(waiting, ANSWER, 1).await.unwrap();
    control(&sb, "/__sandbox/clock/advance", json!({"hours": 4 * 24})).await;
    let run = process(&engine).await;
    assert!(
        run.details["dead"].as_u64().unwrap() >= 1,
        "{}",
        run.message
    );
    assert_eq!(queue_status(&shop, queue_id).await.0, "dead");
    let (_, state, error, _, _) = row(&shop, waiting).await;
    assert_eq!(state, "refused");
    assert!(error.contains("süre içinde cevap vermediğiniz"), "{error}");
    assert_eq!(on_trendyol(&sb, waiting).await["answersAccepted"], 0);
    let _ = sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_question_waiting_past_the_threshold_raises_one_alert() {
    let sb = sandbox(0).await;
    let shop = shop(&sb, 3, &[("question_alert_hours", "12")]).await;
    let engine = shop.engine();
    let settings = engine.settings().await.unwrap();
    let db = engine.database().unwrap();
    ask(&sb, "MAIN-1", json!({"ageMs": 3_600_000})).await;
    question_sync(&engine).await;
    assert_eq!(checks::waiting_questions(&db, &settings).await.unwrap(), 0);

    ask(&sb, "MAIN-1", json!({"ageMs": 13 * 3_600_000i64})).await;
    question_sync(&engine).await;
    assert_eq!(checks::waiting_questions(&db, &settings).await.unwrap(), 1);
    checks::waiting_questions(&db, &settings).await.unwrap();
    let mut conn = shop.pool.get_conn().await.unwrap();
    let alerts: Vec<(String, u32, String)> = conn
        .query("SELECT dedupe_key, occurrences, title FROM oc_trendyol_alerts")
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].0, "questions.waiting");
    assert!(
        alerts[0]
            .2
            .starts_with("1 customer question(s) waiting over 12 hours"),
        "{alerts:?}"
    );
    // The Monitoring tab counts them.
    let dash = engine.dashboard().await.unwrap();
    assert_eq!(dash["questions"]["waiting"], 2, "{}", dash["questions"]);
    assert_eq!(dash["questions"]["waiting_over_alert_hours"], 1);

    // Off is off.
    let mut off = settings.clone();
    off.question_alert_hours = 0;
    assert_eq!(checks::waiting_questions(&db, &off).await.unwrap(), 0);
    let _ = sb.shutdown().await;
}
