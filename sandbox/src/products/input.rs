//! A create or update item, whichever API version it came in, and which write a batch came
//! from.

use serde_json::{json, Value};
use trendyol_wire::products::{self as wp, ListedAttribute, ProductV1Item, ProductV2Item};

/// Cargo as each API version names it.
#[derive(Debug, Clone)]
pub enum Cargo {
    V1(Option<u64>),
    V2(Vec<String>),
}

/// A create/update item, whichever version it came in.
#[derive(Debug, Clone)]
pub struct ProductInput {
    pub barcode: String,
    pub title: String,
    pub product_main_id: String,
    pub brand_id: Option<u64>,
    pub category_id: Option<u64>,
    pub quantity: Option<i64>,
    pub stock_code: String,
    pub dimensional_weight: Option<f64>,
    pub description: String,
    pub currency_type: Option<String>,
    pub list_price: Option<f64>,
    pub sale_price: Option<f64>,
    pub vat_rate: Option<i64>,
    pub cargo: Cargo,
    pub images: Vec<String>,
    pub attributes: Vec<ListedAttribute>,
}

impl From<ProductV1Item> for ProductInput {
    fn from(i: ProductV1Item) -> Self {
        ProductInput {
            barcode: wp::normalize_barcode(&i.barcode),
            title: i.title,
            product_main_id: i.product_main_id,
            brand_id: i.brand_id,
            category_id: i.category_id,
            quantity: i.quantity,
            stock_code: i.stock_code,
            dimensional_weight: i.dimensional_weight,
            description: i.description,
            currency_type: i.currency_type,
            list_price: i.list_price,
            sale_price: i.sale_price,
            vat_rate: i.vat_rate,
            cargo: Cargo::V1(i.cargo_company_id),
            images: i.images.into_iter().map(|im| im.url).collect(),
            attributes: i
                .attributes
                .into_iter()
                .map(|a| ListedAttribute {
                    attribute_id: a.attribute_id,
                    attribute_name: None,
                    attribute_value_ids: a.attribute_value_id.map(|v| vec![v]),
                    attribute_value: a.custom_attribute_value,
                })
                .collect(),
        }
    }
}

impl From<ProductV2Item> for ProductInput {
    fn from(i: ProductV2Item) -> Self {
        ProductInput {
            barcode: wp::normalize_barcode(&i.barcode),
            title: i.title,
            product_main_id: i.product_main_id,
            brand_id: i.brand_id,
            category_id: i.category_id,
            quantity: i.quantity,
            stock_code: i.stock_code,
            dimensional_weight: i.dimensional_weight,
            description: i.description,
            currency_type: i.currency_type,
            list_price: i.list_price,
            sale_price: i.sale_price,
            vat_rate: i.vat_rate,
            cargo: Cargo::V2(i.cargo_providers),
            images: i.images.into_iter().map(|im| im.url).collect(),
            attributes: i
                .attributes
                .into_iter()
                .map(|a| ListedAttribute {
                    attribute_id: a.attribute_id,
                    attribute_name: None,
                    attribute_value_ids: a.attribute_value_ids,
                    attribute_value: a.attribute_value,
                })
                .collect(),
        }
    }
}

/// Items of a write request: each raw item with its typed form (or why it could not be read).
pub type Items<T> = Vec<(Value, Result<T, String>)>;

/// Echo of a product item in a batch result.
pub fn request_item(barcode: &str, raw: &Value) -> Value {
    json!({ "barcode": barcode, "product": raw })
}

/// Which write a batch came from (its `batchRequestType`).
#[derive(Debug, Clone, Copy)]
pub enum WriteKind {
    CreateV1,
    CreateV2,
    UpdateV1,
    UpdateUnapproved,
}

impl WriteKind {
    pub fn batch_type(self) -> &'static str {
        match self {
            WriteKind::CreateV1 => "ProductCreate",
            WriteKind::CreateV2 => "ProductV2OnBoarding",
            WriteKind::UpdateV1 => "ProductUpdate",
            WriteKind::UpdateUnapproved => "ProductV2UnapprovedUpdate",
        }
    }
}
