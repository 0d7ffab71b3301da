//! `trendyol-sandbox`: runs the offline Trendyol stand-in until SIGINT/SIGTERM.

use clap::Parser;
use std::io::Write;
use trendyol_sandbox::cli::Cli;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let port_file = cli.port_file.clone();
    let config = match cli.into_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("trendyol-sandbox: {e}");
            std::process::exit(2);
        }
    };
    let sellers: Vec<String> = config
        .sellers
        .iter()
        .map(|s| format!("{} (key {})", s.seller_id, s.api_key))
        .collect();
    let running = match trendyol_sandbox::spawn(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("trendyol-sandbox: cannot start: {e}");
            std::process::exit(1);
        }
    };
    let port = running.addr().port();
    if let Some(path) = port_file {
        if let Err(e) = std::fs::write(&path, format!("{port}\n")) {
            eprintln!("trendyol-sandbox: cannot write {}: {e}", path.display());
        }
    }
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "trendyol-sandbox listening on {}", running.base_url());
        let _ = out.flush();
    }
    eprintln!("trendyol-sandbox: sellers {}", sellers.join(", "));

    wait_for_signal().await;
    eprintln!("trendyol-sandbox: shutting down");
    if let Err(e) = running.shutdown().await {
        eprintln!("trendyol-sandbox: saving state failed: {e}");
        std::process::exit(1);
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
