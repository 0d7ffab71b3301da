//! A product as the sandbox keeps it, where it stands in review, and how its stored fields
//! read back as Trendyol's list answers show them.

use crate::catalog::Catalog;
use crate::str_list::StrList;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use trendyol_wire::catalog::IdName;
use trendyol_wire::products::{Image, ListedAttribute, RejectReasonDetail};

/// One seller's products by barcode. Boxed: a map node holds its slots whether used or not, so
/// a slot is kept to a pointer rather than a whole product.
pub type SellerProducts = BTreeMap<Box<str>, Box<Product>>;

/// A product as the sandbox keeps it.
///
/// A million of these must fit in a benchmark machine's memory beside MesChain, so text is held
/// in boxed `str`s, frozen lists in boxed slices (no spare capacity) and lists of strings in one
/// allocation each ([`StrList`]), the public id as the
/// number it is printed from, and what the catalog can say (attribute names) is not copied in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub seller_id: u64,
    /// Printed as 32 hex digits, as Trendyol's product ids read.
    #[serde(with = "hex_id")]
    pub id: u128,
    pub content_id: u64,
    pub variant_id: u64,
    pub barcode: Box<str>,
    pub title: Box<str>,
    pub product_main_id: Box<str>,
    pub brand_id: u64,
    pub category_id: u64,
    pub quantity: i64,
    pub stock_code: Box<str>,
    pub dimensional_weight: f64,
    pub description: Box<str>,
    pub list_price: f64,
    pub sale_price: f64,
    pub vat_rate: i64,
    pub cargo_company_id: Option<u64>,
    pub cargo_providers: StrList,
    pub images: StrList,
    pub attributes: Box<[Attribute]>,
    pub created_ms: i64,
    pub modified_ms: i64,
    pub stock_modified_ms: i64,
    /// The verdict shows from this time on.
    pub review_until_ms: i64,
    /// `None` = approved at review end; `Some` = rejected with these reasons.
    pub reject_reasons: Option<Box<[RejectReasonDetail]>>,
    pub archived: bool,
    pub locked: bool,
}

/// A product attribute as sent: by value ids, or a custom value. Its name is the category's
/// and is looked up when the product is listed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    pub attribute_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_value_ids: Option<Box<[u64]>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_value: Option<Box<str>>,
}

impl From<ListedAttribute> for Attribute {
    fn from(a: ListedAttribute) -> Self {
        Attribute {
            attribute_id: a.attribute_id,
            attribute_value_ids: a.attribute_value_ids.map(Vec::into_boxed_slice),
            attribute_value: a.attribute_value.map(String::into_boxed_str),
        }
    }
}

/// Boxes a product's attributes.
pub fn boxed_attributes(v: Vec<ListedAttribute>) -> Box<[Attribute]> {
    v.into_iter().map(Attribute::from).collect()
}

/// The product id as a state file holds it: the 32 hex digits it is listed as.
mod hex_id {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{id:032x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        u128::from_str_radix(&text, 16).map_err(serde::de::Error::custom)
    }
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

    /// The id as Trendyol lists it.
    pub fn public_id(&self) -> String {
        format!("{:032x}", self.id)
    }

    /// The attributes as the lists show them, each named from the category definition.
    pub fn listed_attributes(&self, catalog: &Catalog) -> Vec<ListedAttribute> {
        self.attributes
            .iter()
            .map(|a| ListedAttribute {
                attribute_id: a.attribute_id,
                attribute_name: catalog
                    .attribute_name(self.category_id, a.attribute_id)
                    .map(str::to_string),
                attribute_value_ids: a.attribute_value_ids.as_deref().map(<[u64]>::to_vec),
                attribute_value: a.attribute_value.as_deref().map(str::to_string),
            })
            .collect()
    }

    pub fn images(&self) -> Vec<Image> {
        self.images
            .iter()
            .map(|u| Image { url: u.to_string() })
            .collect()
    }
}
