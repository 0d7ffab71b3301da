//! The sandbox's in-memory world: catalog of products, batches, packages, claims and webhook
//! subscriptions, plus the id counters and the seeded PRNG that make a run reproducible.
//!
//! Each concept keeps its behaviour in its own module (`products`, `batches`, `inventory`,
//! `orders`, `claims`, `webhooks`) as `impl World` blocks; this module only holds the data and
//! the per-call context. The whole world is serializable, which is all state persistence needs.

use crate::batches::Batch;
use crate::catalog::Catalog;
use crate::claims::ClaimRecord;
use crate::config::Settings;
use crate::content_index::ContentIndex;
use crate::orders::PackageRecord;
use crate::prng::Prng;
use crate::products::SellerProducts;
use crate::questions::QuestionRecord;
use crate::webhooks::Subscription;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use trendyol_wire::ShipmentPackage;

/// What a world operation may look at: the sandbox time, the current knobs, reference data.
pub struct Ctx<'a> {
    pub now: i64,
    pub settings: &'a Settings,
    pub catalog: &'a Catalog,
}

/// Monotonic id counters (ids never repeat within a run, as on Trendyol).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ids {
    pub product: u64,
    pub content: u64,
    pub variant: u64,
    pub package: u64,
    pub line: u64,
    pub order_number: u64,
    pub customer: u64,
    pub claim_item: u64,
    pub tracking: u64,
    /// Orders package modifications (the stream cursor's tiebreaker).
    pub modification: u64,
}

impl Default for Ids {
    fn default() -> Self {
        Ids {
            product: 1,
            content: 700_000_001,
            variant: 800_000_001,
            package: 3_000_000_001,
            line: 5_000_000_001,
            order_number: 10_654_400_001,
            customer: 90_000_001,
            claim_item: 1,
            tracking: 7_330_000_000_001,
            modification: 1,
        }
    }
}

impl Ids {
    pub fn next(counter: &mut u64) -> u64 {
        let v = *counter;
        *counter += 1;
        v
    }
}

/// A package status change waiting to become webhook deliveries.
#[derive(Debug, Clone)]
pub struct PackageEvent {
    pub seller_id: u64,
    pub package: ShipmentPackage,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct World {
    pub seed: u64,
    pub rng: Prng,
    pub ids: Ids,
    /// seller → barcode → product.
    pub products: BTreeMap<u64, SellerProducts>,
    /// productMainId → content id, derived from `products` (rebuilt after a load).
    #[serde(skip)]
    pub contents: ContentIndex,
    pub batches: HashMap<String, Batch>,
    /// `seller:hash` of accepted price & inventory bodies → when first accepted.
    pub price_bodies: HashMap<String, i64>,
    pub packages: BTreeMap<u64, PackageRecord>,
    pub claims: BTreeMap<String, ClaimRecord>,
    /// Customer questions by id (absent from worlds saved before questions existed).
    #[serde(default)]
    pub questions: BTreeMap<u64, QuestionRecord>,
    pub subscriptions: BTreeMap<String, Subscription>,
    /// `(due ms, package id)` of `Awaiting` packages.
    pub awaiting: Vec<(i64, u64)>,
    #[serde(skip)]
    pub events: Vec<PackageEvent>,
    #[serde(skip)]
    pub last_purge_ms: i64,
}

impl World {
    pub fn new(seed: u64) -> Self {
        World {
            seed,
            rng: Prng::new(seed),
            ids: Ids::default(),
            products: BTreeMap::new(),
            contents: ContentIndex::default(),
            batches: HashMap::new(),
            price_bodies: HashMap::new(),
            packages: BTreeMap::new(),
            claims: BTreeMap::new(),
            questions: BTreeMap::new(),
            subscriptions: BTreeMap::new(),
            awaiting: Vec::new(),
            events: Vec::new(),
            last_purge_ms: 0,
        }
    }

    /// Time-driven transitions: `Awaiting` → `Created` when due, expired batches and duplicate
    /// fingerprints dropped.
    pub fn tick(&mut self, ctx: &Ctx) {
        let now = ctx.now;
        if self.awaiting.iter().any(|(t, _)| *t <= now) {
            let (due, later): (Vec<_>, Vec<_>) =
                self.awaiting.iter().copied().partition(|(t, _)| *t <= now);
            self.awaiting = later;
            for (_, id) in due {
                self.awaiting_to_created(ctx, id);
            }
        }
        // Purging is O(n); once a second is plenty (reads check expiry themselves).
        if now - self.last_purge_ms < 1_000 {
            return;
        }
        self.last_purge_ms = now;
        let ttl = ctx.settings.batch_ttl_ms;
        self.batches.retain(|_, b| ctx.now - b.created_ms < ttl);
        let window = ctx.settings.duplicate_window_ms;
        self.price_bodies.retain(|_, t| ctx.now - *t < window);
    }
}
