//! A product as the sandbox keeps it, where it stands in review, and how its stored fields
//! read back as Trendyol's list answers show them.

use crate::catalog::Catalog;
use serde::{Deserialize, Serialize};
use trendyol_wire::catalog::IdName;
use trendyol_wire::products::{Image, ListedAttribute, RejectReasonDetail};

/// A product as the sandbox keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub seller_id: u64,
    pub id: String,
    pub content_id: u64,
    pub variant_id: u64,
    pub barcode: String,
    pub title: String,
    pub product_main_id: String,
    pub brand_id: u64,
    pub category_id: u64,
    pub quantity: i64,
    pub stock_code: String,
    pub dimensional_weight: f64,
    pub description: String,
    pub currency_type: String,
    pub list_price: f64,
    pub sale_price: f64,
    pub vat_rate: i64,
    pub cargo_company_id: Option<u64>,
    pub cargo_providers: Vec<String>,
    pub images: Vec<String>,
    pub attributes: Vec<ListedAttribute>,
    pub created_ms: i64,
    pub modified_ms: i64,
    pub stock_modified_ms: i64,
    /// The verdict shows from this time on.
    pub review_until_ms: i64,
    /// `None` = approved at review end; `Some` = rejected with these reasons.
    pub reject_reasons: Option<Vec<RejectReasonDetail>>,
    pub archived: bool,
    pub locked: bool,
}

/// Where a product stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Pending,
    Approved,
    Rejected,
}

impl Product {
    pub fn review(&self, now: i64) -> Review {
        if now < self.review_until_ms {
            Review::Pending
        } else if self.reject_reasons.is_some() {
            Review::Rejected
        } else {
            Review::Approved
        }
    }

    pub fn is_approved(&self, now: i64) -> bool {
        self.review(now) == Review::Approved
    }

    pub fn brand(&self, catalog: &Catalog) -> IdName {
        IdName {
            id: self.brand_id,
            name: catalog
                .brand(self.brand_id)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
        }
    }

    pub fn category(&self, catalog: &Catalog) -> IdName {
        IdName {
            id: self.category_id,
            name: catalog
                .category_name(self.category_id)
                .unwrap_or_default()
                .to_string(),
        }
    }

    pub fn images(&self) -> Vec<Image> {
        self.images
            .iter()
            .map(|u| Image { url: u.clone() })
            .collect()
    }
}

/// Fills attribute names from the category definition.
pub fn named_attributes(
    catalog: &Catalog,
    category: u64,
    attrs: Vec<ListedAttribute>,
) -> Vec<ListedAttribute> {
    attrs
        .into_iter()
        .map(|mut a| {
            if a.attribute_name.is_none() {
                a.attribute_name = catalog
                    .attribute_name(category, a.attribute_id)
                    .map(str::to_string);
            }
            a
        })
        .collect()
}
