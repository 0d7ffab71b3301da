//! `trendyol-sandbox`: an offline, deterministic stand-in for the Trendyol Seller API.
//!
//! No test or demo of MesChain may talk to the real Trendyol, and a shop owner'should be able to
//! try MesChain before handing over real credentials. The sandbox speaks the contract of
//! Trendyol's Seller API as its developer documentation describes it — paths, bodies, status codes and the sharp edges (User-Agent 403,
//! 4-hour batch results, the 15-minute duplicate rule, paging caps, package id changes, 13-strike
//! webhook deactivation) — and can be told to misbehave (5xx, 429, latency, hangs, resets,
//! malformed JSON, duplicated or reordered webhooks).
//!
//! It shares only wire models ([`trendyol_wire`]) with the engine's client, never behaviour.
//!
//! Start it in-process with [`spawn`] (tests, benchmarks) or as the `trendyol-sandbox` binary.
//! Control endpoints live under [`control::PREFIX`] (`/__sandbox/`) and are never faulted,
//! limited or authenticated.

pub mod api;
pub mod app;
pub mod auth;
pub mod batches;
pub mod catalog;
pub mod claims;
pub mod cli;
pub mod clock;
pub mod config;
pub mod conn;
pub mod content_index;
pub mod control;
pub mod documented;
pub mod faults;
pub mod gateway;
pub mod http;
pub mod inventory;
pub mod limits;
pub mod lock;
pub mod orders;
pub mod persist;
pub mod prng;
pub mod products;
pub mod questions;
pub mod reqlog;
pub mod server;
pub mod str_list;
pub mod webhooks;
pub mod world;

pub use config::{SandboxConfig, SellerCredentials, Settings, WebhookEnvelope};
pub use faults::FaultConfig;
pub use limits::LimitConfig;
pub use server::{spawn, RunningSandbox};

/// Installs ring as the process's TLS crypto provider if none is installed.
///
/// The sandbox itself speaks plain HTTP on loopback, but Cargo unifies features across a
/// workspace build: when another crate enables reqwest's `rustls-no-provider`, building any
/// `reqwest::Client` (the webhook sender, the bench, test helpers) panics without a process-wide
/// provider. Idempotent; losing a race to another installer is fine.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
