//! Review verdicts: drawn at create (the configured share is rejected with reasons), or forced
//! by the control endpoint.

use crate::world::{Ctx, World};
use trendyol_wire::products::RejectReasonDetail;

/// Reasons drawn for rejected products.
pub const REJECT_REASONS: &[(&str, &str)] = &[
    (
        "Görsel uygun değil",
        "Ürün görselleri Trendyol görsel standartlarına uymuyor",
    ),
    ("Eksik bilgi", "Ürün açıklaması yetersiz"),
    ("Kategori hatalı", "Ürün yanlış kategoride listelenmiş"),
    ("Marka uyumsuz", "Ürün ile seçilen marka uyuşmuyor"),
];
impl World {
    /// Draws a review verdict.
    pub(crate) fn draw_verdict(&mut self, ctx: &Ctx) -> Option<Box<[RejectReasonDetail]>> {
        if self.rng.chance(ctx.settings.reject_share) {
            let n = self.rng.range(1, 2) as usize;
            let mut reasons = Vec::new();
            for _ in 0..n {
                if let Some((r, d)) = self.rng.pick(REJECT_REASONS) {
                    if !reasons
                        .iter()
                        .any(|x: &RejectReasonDetail| x.reject_reason == *r)
                    {
                        reasons.push(RejectReasonDetail {
                            reject_reason: (*r).into(),
                            reject_reason_detail: (*d).into(),
                        });
                    }
                }
            }
            Some(reasons.into_boxed_slice())
        } else {
            None
        }
    }

    /// Forces a review verdict (control endpoint).
    pub fn force_review(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        barcode: &str,
        approve: bool,
        reasons: Vec<RejectReasonDetail>,
    ) -> bool {
        match self.seller_products(seller).get_mut(barcode) {
            Some(p) => {
                p.review_until_ms = ctx.now;
                p.reject_reasons = if approve {
                    None
                } else if reasons.is_empty() {
                    Some(Box::new([RejectReasonDetail {
                        reject_reason: REJECT_REASONS[0].0.into(),
                        reject_reason_detail: REJECT_REASONS[0].1.into(),
                    }]) as Box<[_]>)
                } else {
                    Some(reasons.into_boxed_slice())
                };
                p.modified_ms = ctx.now;
                true
            }
            None => false,
        }
    }
}
