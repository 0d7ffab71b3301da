//! Log files: one per job, named after their job, with no secret or customer
//! contact data in them. Its own test binary, because the log subscriber is process-wide.

use meschain_engine::telemetry::{self, redact};

fn read(dir: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

#[test]
fn events_go_to_their_jobs_file_and_secrets_never_do() {
    let dir = std::env::temp_dir().join(format!("meschain-telemetry-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    telemetry::init(&dir, false).expect("temp dir is writable");
    redact::register_secret("demo-api-secret-5f2c");

    for (run, job) in telemetry::job_log_names().enumerate() {
        let span = telemetry::job_span(job, run as u64 + 1);
        let _entered = span.enter();
        tracing::info!(items = 3, "{job} finished");
    }
    {
        let span = telemetry::job_span("order_sync", 42);
        let _entered = span.enter();
        tracing::info!(
            customer_email = "ayse@example.com",
            package_id = 3291832133u64,
            "imported package for ayse@example.com, phone +90 532 111 22 33, auth Basic ZGVtbzpzZWNyZXQ="
        );
        tracing::warn!(
            api_secret = "demo-api-secret-5f2c",
            "retrying with demo-api-secret-5f2c"
        );
        tracing::debug!("debug lines are off unless debug mode is on");
    }
    tracing::info!("outside any job");
    // A job name that is not a log file must not become a path.
    {
        let span = telemetry::job_span("../../etc/evil", 7);
        let _entered = span.enter();
        tracing::info!("routed to the default file");
    }

    for job in telemetry::job_log_names() {
        let text = read(&dir, &format!("{job}.log"));
        assert!(
            text.contains(&format!("{job} finished")),
            "{job}.log: {text}"
        );
    }
    let orders = read(&dir, "order_sync.log");
    assert!(
        orders.contains("run=42") && orders.contains("package_id=3291832133"),
        "{orders}"
    );
    assert!(!orders.contains("debug lines"), "{orders}");
    let default = read(&dir, "meschain.log");
    assert!(default.contains("outside any job") && default.contains("routed to the default file"));
    assert!(!dir.join("../../etc/evil.log").exists());

    let everything: String = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for leaked in [
        "demo-api-secret-5f2c",
        "ayse@example.com",
        "532 111 22 33",
        "ZGVtbzpzZWNyZXQ=",
    ] {
        assert!(
            !everything.contains(leaked),
            "{leaked} leaked into the logs:\n{everything}"
        );
    }

    // Debug mode turns debug lines on.
    telemetry::init(&dir, true).unwrap();
    {
        let span = telemetry::job_span("stock_sync", 9);
        let _entered = span.enter();
        tracing::debug!("now visible");
    }
    assert!(read(&dir, "stock_sync.log").contains("now visible"));

    // logrotate moves the file away: the next line starts a new file at the same path.
    std::fs::rename(dir.join("stock_sync.log"), dir.join("stock_sync.log.1")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    {
        let span = telemetry::job_span("stock_sync", 10);
        let _entered = span.enter();
        tracing::info!("after rotation");
    }
    assert!(read(&dir, "stock_sync.log").contains("after rotation"));
    assert!(!read(&dir, "stock_sync.log.1").contains("after rotation"));

    // An unusable directory falls back instead of losing lines.
    let (fallback, reason) =
        telemetry::init(std::path::Path::new("/proc/meschain-cannot-exist"), false)
            .expect_err("cannot create under /proc");
    assert!(reason.contains("/proc/meschain-cannot-exist"), "{reason}");
    assert!(fallback.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
