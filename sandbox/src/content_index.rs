//! Which content a `productMainId` belongs to, per seller.
//!
//! Trendyol groups the variants of one `productMainId` under one content id, so every create
//! asks "does this seller already have a product with this productMainId?". Answering that by
//! walking the seller's products made a push of N products cost O(N²) in the sandbox (minutes
//! at 100,000 products, hours at 1,000,000). This index answers it in O(1). It is derived data:
//! every path that adds, removes or re-keys a product keeps it in step, and it is rebuilt from
//! the products after a state file is loaded (it is not saved).

use crate::products::SellerProducts;
use std::collections::{BTreeMap, HashMap};

/// seller → productMainId → the content ids its products carry, each with how many products
/// carry it, lowest first. Normally one content id; a productMainId changed by an update keeps
/// the product's old content id, so a key may briefly see several. Held per seller so a lookup
/// borrows the productMainId instead of building a key, and as a boxed slice because one
/// content id is the rule (a map per productMainId cost more than the product's own text).
#[derive(Debug, Clone, Default)]
pub struct ContentIndex {
    by_main_id: HashMap<u64, HashMap<Box<str>, Contents>>,
}

/// `(content id, how many products carry it)`, lowest content id first.
type Contents = Box<[(u64, u32)]>;

impl ContentIndex {
    /// The index of these products (after a load).
    pub fn build(products: &BTreeMap<u64, SellerProducts>) -> Self {
        let mut index = ContentIndex::default();
        for p in products.values().flat_map(|m| m.values()) {
            index.add(p.seller_id, &p.product_main_id, p.content_id);
        }
        index
    }

    /// The content a new product with this productMainId joins, if the seller has one (the
    /// lowest content id when there are several, so the answer is deterministic).
    pub fn content_for(&self, seller: u64, main_id: &str) -> Option<u64> {
        self.by_main_id
            .get(&seller)
            .and_then(|m| m.get(main_id))
            .and_then(|contents| contents.first().map(|(id, _)| *id))
    }

    /// A product with this productMainId and content id now exists.
    pub fn add(&mut self, seller: u64, main_id: &str, content_id: u64) {
        let seller_index = self.by_main_id.entry(seller).or_default();
        match seller_index.get_mut(main_id) {
            None => {
                seller_index.insert(main_id.into(), Box::new([(content_id, 1)]));
            }
            Some(contents) => match contents.binary_search_by_key(&content_id, |(id, _)| *id) {
                Ok(i) => contents[i].1 += 1,
                Err(i) => {
                    let mut v = contents.to_vec();
                    v.insert(i, (content_id, 1));
                    *contents = v.into_boxed_slice();
                }
            },
        }
    }

    /// A product with this productMainId and content id is gone (deleted or re-keyed).
    pub fn remove(&mut self, seller: u64, main_id: &str, content_id: u64) {
        let Some(seller_index) = self.by_main_id.get_mut(&seller) else {
            return;
        };
        let Some(contents) = seller_index.get_mut(main_id) else {
            return;
        };
        if let Ok(i) = contents.binary_search_by_key(&content_id, |(id, _)| *id) {
            contents[i].1 -= 1;
            if contents[i].1 == 0 {
                let mut v = contents.to_vec();
                v.remove(i);
                *contents = v.into_boxed_slice();
            }
        }
        if contents.is_empty() {
            seller_index.remove(main_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ContentIndex;

    #[test]
    fn a_main_id_keeps_its_content_until_its_last_product_goes() {
        let mut index = ContentIndex::default();
        assert_eq!(index.content_for(1, "M1"), None);
        index.add(1, "M1", 700);
        index.add(1, "M1", 700);
        assert_eq!(index.content_for(1, "M1"), Some(700));
        assert_eq!(index.content_for(2, "M1"), None, "per seller");
        index.remove(1, "M1", 700);
        assert_eq!(index.content_for(1, "M1"), Some(700));
        index.remove(1, "M1", 700);
        assert_eq!(index.content_for(1, "M1"), None);
    }

    #[test]
    fn a_re_keyed_product_brings_its_content_along() {
        let mut index = ContentIndex::default();
        index.add(1, "M2", 705);
        index.add(1, "M1", 701);
        index.remove(1, "M1", 701);
        index.add(1, "M2", 701);
        assert_eq!(index.content_for(1, "M2"), Some(701), "lowest content id");
        assert_eq!(index.content_for(1, "M1"), None);
        index.remove(1, "M2", 701);
        assert_eq!(index.content_for(1, "M2"), Some(705));
    }
}
