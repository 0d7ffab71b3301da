//! Waking idle workers: a notify for a shop ends the wait of a worker idle on that shop before
//! its poll interval runs out, and leaves workers of other shops waiting. Building a pool does
//! no I/O, so no database is needed here.

use std::time::{Duration, Instant};

use meschain_engine::config::DbConfig;
use meschain_engine::db::Database;
use meschain_engine::queue::wake::{notify, wait};

fn database(name: &str) -> Database {
    let config = DbConfig {
        host: "127.0.0.1".into(),
        port: 3306,
        socket: None,
        user: "root".into(),
        password: String::new(),
        // Per test run: runs in parallel must not wake each other.
        database: format!("{name}_{}", std::process::id()),
        prefix: "oc_".into(),
    };
    Database::new(&config, Duration::from_secs(5), Duration::from_secs(5)).unwrap()
}

// One test: a process has one listening socket, and waits in parallel would share it. The
// lower bounds allow for the timer's millisecond rounding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notify_ends_the_wait_for_its_shop_only() {
    let shop = database("wake_shop");
    let other = database("wake_other");
    // The first wait makes the socket; nothing wakes it, so it lasts its whole limit.
    let started = Instant::now();
    wait(&shop, Duration::from_millis(200)).await;
    assert!(started.elapsed() >= Duration::from_millis(195));

    // Another shop's work leaves this worker waiting.
    let notifier = {
        let other = other.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            notify(&other);
        })
    };
    let started = Instant::now();
    wait(&shop, Duration::from_millis(400)).await;
    assert!(started.elapsed() >= Duration::from_millis(395));
    notifier.join().unwrap();

    // Its own shop's work ends the wait long before the limit.
    let notifier = {
        let shop = shop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            notify(&shop);
        })
    };
    let started = Instant::now();
    wait(&shop, Duration::from_secs(60)).await;
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the wait ran to its limit: the notify did not wake it"
    );
    notifier.join().unwrap();

    // A burst of notifies is one wake-up: the next wait is not ended by leftovers.
    for _ in 0..5 {
        notify(&shop);
    }
    wait(&shop, Duration::from_secs(60)).await;
    let started = Instant::now();
    wait(&shop, Duration::from_millis(300)).await;
    assert!(started.elapsed() >= Duration::from_millis(295));
}
