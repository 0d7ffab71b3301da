//! How a write records its batch: the items' echoes frozen, the failed items' reasons kept.

use super::batch::Batch;
use super::echoes::EchoWriter;
use crate::world::{Ctx, World};
use serde_json::Value;

impl World {
    /// Records a batch of `(echoed request item, failure reasons)` and returns its id.
    pub fn new_batch(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        kind: &str,
        with_status: bool,
        items: Vec<(Value, Vec<String>)>,
    ) -> String {
        let id = self.rng.uuid();
        let done = ctx.now + ctx.settings.batch_delay_ms.max(0);
        let mut echoes = EchoWriter::default();
        let mut failures = Vec::new();
        for (i, (request_item, reasons)) in items.into_iter().enumerate() {
            echoes.push(&request_item);
            if !reasons.is_empty() {
                failures.push((i as u32, reasons));
            }
        }
        self.batches.insert(
            id.clone(),
            Batch {
                id: id.clone(),
                seller_id: seller,
                kind: kind.to_string(),
                with_status,
                created_ms: ctx.now,
                items_done_ms: done,
                status_done_ms: done + ctx.settings.batch_status_lag_ms.max(0),
                echoes: echoes.finish(),
                failures,
            },
        );
        id
    }
}
