//! The shared application state behind every handler.
//!
//! Locks are short and never held across an `.await`: the world, the request log, the limiter
//! and the fault PRNG each have their own mutex, so a request touches each briefly.

use crate::auth::Credentials;
use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::config::{SandboxConfig, Settings};
use crate::faults::{Draw, FaultConfig};
use crate::limits::Limiter;
use crate::lock::lock;
use crate::prng::Prng;
use crate::reqlog::RequestLog;
use crate::webhooks::Dispatcher;
use crate::world::{Ctx, World};
use std::sync::{Mutex, RwLock};

/// The fault configuration and its own PRNG stream.
#[derive(Debug)]
pub struct FaultState {
    pub config: FaultConfig,
    pub rng: Prng,
}

pub struct App {
    /// The start-up configuration (the defaults that reset restores).
    pub config: SandboxConfig,
    pub clock: Clock,
    pub catalog: Catalog,
    pub credentials: Credentials,
    pub settings: RwLock<Settings>,
    pub faults: Mutex<FaultState>,
    pub limiter: Mutex<Limiter>,
    pub log: Mutex<RequestLog>,
    pub world: Mutex<World>,
    pub dispatcher: Dispatcher,
}

/// Seed offset of the fault stream, so fault draws do not disturb world draws.
const FAULT_STREAM: u64 = 0x5EED_FA17;

impl App {
    pub fn new(mut config: SandboxConfig) -> Self {
        if config.sellers.is_empty() {
            config
                .sellers
                .push(crate::config::SellerCredentials::demo());
        }
        App {
            clock: Clock::new(),
            catalog: Catalog::build(),
            credentials: Credentials::new(&config.sellers),
            settings: RwLock::new(config.settings.clone()),
            faults: Mutex::new(FaultState {
                config: config.faults.clone(),
                rng: Prng::new(config.seed ^ FAULT_STREAM),
            }),
            limiter: Mutex::new(Limiter::new(config.limits.clone())),
            log: Mutex::new(RequestLog::new(config.request_log_cap)),
            world: Mutex::new(World::new(config.seed)),
            dispatcher: Dispatcher::default(),
            config,
        }
    }

    /// A copy of the current knobs.
    pub fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_settings(&self, s: Settings) {
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = s;
    }

    /// Runs `f` on the world; package events it produced become webhook deliveries.
    pub fn mutate<R>(&self, f: impl FnOnce(&mut World, &Ctx) -> R) -> R {
        let settings = self.settings();
        let ctx = Ctx {
            now: self.clock.now_ms(),
            settings: &settings,
            catalog: &self.catalog,
        };
        let (r, deliveries) = {
            let mut w = lock(&self.world);
            w.tick(&ctx);
            let r = f(&mut w, &ctx);
            let d = if w.events.is_empty() {
                Vec::new()
            } else {
                w.take_deliveries(&ctx)
            };
            (r, d)
        };
        if !deliveries.is_empty() {
            let mut faults = lock(&self.faults);
            let FaultState { config, rng } = &mut *faults;
            self.dispatcher.enqueue(deliveries, config, rng);
        }
        r
    }

    /// Draws the faults of one request.
    pub fn draw_faults(&self, method: &str, path: &str) -> Draw {
        let mut f = lock(&self.faults);
        if f.config.is_quiet() {
            return Draw::NONE;
        }
        let FaultState { config, rng } = &mut *f;
        config.draw(rng, method, path)
    }

    /// Back to the start: fresh world (same seed), empty logs, clock offset 0, knobs, faults
    /// and limits as configured at start.
    pub fn reset(&self) {
        *lock(&self.world) = World::new(self.config.seed);
        lock(&self.log).clear();
        self.set_settings(self.config.settings.clone());
        *lock(&self.faults) = FaultState {
            config: self.config.faults.clone(),
            rng: Prng::new(self.config.seed ^ FAULT_STREAM),
        };
        lock(&self.limiter).reconfigure(self.config.limits.clone());
        self.clock.set_offset_ms(0);
        self.dispatcher.clear();
    }
}
