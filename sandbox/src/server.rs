//! The HTTP server: router, accept loop, connection-level faults, start and shutdown.
//!
//! The accept loop is our own (hyper's HTTP/1 connection builder around the axum router) so
//! that a request can reach its connection: the *reset* fault sets `SO_LINGER 0` on the socket
//! and drops the connection, which sends a TCP RST with no response — what a client sees when a
//! load balancer kills a connection. Only 127.0.0.1 is ever bound.

use crate::api::{
    batches, catalog, claims, inventory, orders, products_list, products_write, questions, webhooks,
};
use crate::app::App;
use crate::config::SandboxConfig;
use crate::conn::ConnControl;
use crate::gateway::{self, route};
use crate::{control, persist};
use axum::middleware;
use axum::routing::{get, post, put};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_service::Service;

/// Builds the router: `/integration/...` behind the gateway, `/__sandbox/...` without it.
pub fn router(app: Arc<App>) -> Router {
    let integration = Router::new()
        .route(route::BRANDS, get(catalog::brands))
        .route(route::BRANDS_BY_NAME, get(catalog::brands_by_name))
        .route(route::CATEGORIES, get(catalog::categories))
        .route(
            route::CATEGORY_ATTRIBUTES,
            get(catalog::category_attributes),
        )
        .route(route::ATTRIBUTE_VALUES, get(catalog::attribute_values))
        .route(route::CARGO_PROVIDERS, get(catalog::cargo_providers))
        .route(
            route::PRODUCTS,
            post(products_write::create_v1)
                .put(products_write::update_v1)
                .get(products_list::filter_v1)
                .delete(products_write::delete),
        )
        .route(route::PRODUCTS_V2, post(products_write::create_v2))
        .route(
            route::UNAPPROVED_UPDATE,
            post(products_write::update_unapproved),
        )
        .route(route::CONTENT_UPDATE, post(products_write::update_content))
        .route(route::VARIANT_UPDATE, post(products_write::update_variants))
        .route(route::APPROVED, get(products_list::approved))
        .route(route::UNAPPROVED, get(products_list::unapproved))
        .route(route::ARCHIVE, put(products_write::archive))
        .route(route::BATCH, get(batches::get))
        .route(route::PRICE_INVENTORY, post(inventory::update))
        .route(route::ORDERS, get(orders::list))
        .route(route::ORDERS_STREAM, get(orders::stream))
        .route(route::PACKAGE, put(orders::update_status))
        .route(route::UNSUPPLIED, put(orders::unsupplied))
        .route(route::TRACKING, put(orders::tracking))
        .route(route::INVOICE_LINKS, post(orders::invoice_link))
        .route(route::CLAIMS, get(claims::list))
        .route(route::CLAIM_APPROVE, put(claims::approve))
        .route(route::CLAIM_ISSUE, post(claims::reject))
        .route(route::CLAIM_REASONS, get(claims::reasons))
        .route(route::QUESTIONS_FILTER, get(questions::filter))
        .route(route::QUESTION, get(questions::get_one))
        .route(route::QUESTION_ANSWERS, post(questions::answer))
        .route(route::WEBHOOKS, post(webhooks::create).get(webhooks::list))
        .route(
            route::WEBHOOK,
            put(webhooks::update).delete(webhooks::delete),
        )
        .route(route::WEBHOOK_ACTIVATE, put(webhooks::activate))
        .route(route::WEBHOOK_DEACTIVATE, put(webhooks::deactivate))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            gateway::gateway,
        ));
    integration
        .merge(control::router())
        .fallback(gateway::fallback)
        .with_state(app)
}

/// A started sandbox.
pub struct RunningSandbox {
    addr: SocketAddr,
    app: Arc<App>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningSandbox {
    /// The bound address (127.0.0.1:PORT).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` — the base URL to give a Trendyol client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The shared state (for in-process inspection).
    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Stops accepting, closes connections, stops background tasks and saves the state file
    /// (if configured).
    pub async fn shutdown(self) -> io::Result<()> {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(3), t).await;
        }
        if self.app.config.state_file.is_some() {
            persist::save(&self.app, None)?;
        }
        Ok(())
    }
}

/// Starts the sandbox on 127.0.0.1 (`config.port`, 0 = any free port).
pub async fn spawn(config: SandboxConfig) -> io::Result<RunningSandbox> {
    let app = Arc::new(App::new(config));
    if let Some(path) = app.config.state_file.clone() {
        if path.exists() {
            persist::load(&app, &path)?;
        }
    }
    let listener = TcpListener::bind(("127.0.0.1", app.config.port)).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = watch::channel(false);
    let router = router(app.clone());

    let accept = tokio::spawn(accept_loop(listener, router, rx.clone()));
    let dispatcher = tokio::spawn(crate::webhooks::run(app.clone(), rx.clone()));
    let ticker = tokio::spawn(tick_loop(app.clone(), rx));
    Ok(RunningSandbox {
        addr,
        app,
        shutdown: tx,
        tasks: vec![accept, dispatcher, ticker],
    })
}

/// Fires time-driven transitions (Awaiting → Created) even when no request comes in.
async fn tick_loop(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            _ = shutdown.changed() => return,
        }
        app.mutate(|_, _| ());
    }
}

async fn accept_loop(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        let (stream, _) = tokio::select! {
            r = listener.accept() => match r {
                Ok(s) => s,
                Err(_) => {
                    // Out of descriptors or similar: back off briefly rather than spin.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => return,
        };
        tokio::spawn(serve_connection(stream, router.clone(), shutdown.clone()));
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    // A second handle on the socket lets the kill path set SO_LINGER after hyper owns it.
    let Ok(std_stream) = stream.into_std() else {
        return;
    };
    let Ok(spare) = std_stream.try_clone() else {
        return;
    };
    let Ok(stream) = tokio::net::TcpStream::from_std(std_stream) else {
        return;
    };
    let ctl = ConnControl {
        kill: Arc::new(tokio::sync::Notify::new()),
    };
    let ctl_for_requests = ctl.clone();
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ctl_for_requests.clone());
            let mut r = router.clone();
            async move { r.call(req.map(axum::body::Body::new)).await }
        });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = ctl.kill.notified() => {
            let _ = socket2::SockRef::from(&spare).set_linger(Some(Duration::ZERO));
            // Dropping the connection closes hyper's descriptor; dropping `spare` closes the
            // last one, and with linger 0 the kernel answers with RST.
        }
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(1), conn.as_mut()).await;
        }
    }
}
