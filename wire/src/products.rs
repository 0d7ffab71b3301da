//! Product bodies: create (V1 and V2), the V2 updates, delete, archive, and the three list
//! responses (V1 filter, V2 approved, V2 unapproved).
//!
//! Creation is asynchronous: every write answers only a `batchRequestId`
//! ([`BatchRequestIdResponse`]); per-item outcomes come from the batch result
//! ([`crate::batch`]), and approval — a separate human review — only shows in the approved /
//! unapproved lists.

use crate::catalog::IdName;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most items accepted by one product or price/stock request.
pub const MAX_ITEMS_PER_REQUEST: usize = 1000;
/// Longest barcode, after spaces are stripped.
pub const MAX_BARCODE_LEN: usize = 40;
/// Longest title.
pub const MAX_TITLE_LEN: usize = 100;
/// Longest `productMainId`.
pub const MAX_PRODUCT_MAIN_ID_LEN: usize = 40;
/// Longest `stockCode`.
pub const MAX_STOCK_CODE_LEN: usize = 100;
/// Longest description (HTML allowed).
pub const MAX_DESCRIPTION_LEN: usize = 30_000;
/// Most images per product.
pub const MAX_IMAGES: usize = 8;
/// The VAT rates Trendyol accepts today (18 appears in old examples and is rejected).
pub const VAT_RATES: [i64; 4] = [0, 1, 10, 20];
/// Largest page of the V2 approved / unapproved lists.
pub const MAX_V2_PAGE_SIZE: u64 = 100;
/// `page × size` beyond which the V2 lists need `nextPageToken`.
pub const MAX_V2_PAGE_WINDOW: u64 = 10_000;

/// Trendyol strips spaces from barcodes; later calls must use the stripped form.
pub fn normalize_barcode(barcode: &str) -> String {
    barcode.chars().filter(|c| !c.is_whitespace()).collect()
}

/// True when a (normalized) barcode uses only letters, digits and `.` `-` `_`.
pub fn barcode_chars_ok(barcode: &str) -> bool {
    barcode
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// `{"items":[...]}` — the envelope of every product and price/stock write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemsRequest<T> {
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

impl<T> ItemsRequest<T> {
    pub fn new(items: Vec<T>) -> Self {
        ItemsRequest { items }
    }
}

/// `{"batchRequestId":"..."}` — the answer to every asynchronous write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequestIdResponse {
    #[serde(default)]
    pub batch_request_id: String,
}

/// `{"url":"https://..."}` — images must be https, at most [`MAX_IMAGES`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    #[serde(default)]
    pub url: String,
}

/// A V1 attribute: a value id from the category's list, or free text where `allowCustom`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AttributeV1 {
    #[serde(default)]
    pub attribute_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_value_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attribute_value: Option<String>,
}

/// A V2 attribute: value ids (several where `allowMultipleAttributeValues`) or free text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AttributeV2 {
    #[serde(default)]
    pub attribute_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_value_ids: Option<Vec<u64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_value: Option<String>,
}

/// A product of `POST /integration/product/sellers/{id}/products` (V1 create) and of
/// `PUT .../products` (V1 update). Required fields default to empty so that a missing one is
/// reported per item (as Trendyol does) rather than failing the whole request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProductV1Item {
    #[serde(default)]
    pub barcode: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub product_main_id: String,
    #[serde(default)]
    pub brand_id: Option<u64>,
    #[serde(default)]
    pub category_id: Option<u64>,
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(default)]
    pub stock_code: String,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub dimensional_weight: Option<f64>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub currency_type: Option<String>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub list_price: Option<f64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub sale_price: Option<f64>,
    #[serde(default)]
    pub vat_rate: Option<i64>,
    #[serde(default)]
    pub cargo_company_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_duration: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment_address_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returning_address_id: Option<u64>,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub attributes: Vec<AttributeV1>,
}

/// A product of `POST .../v2/products` (V2 create) and of `.../products/unapproved-bulk-update`.
/// Differs from V1 in attributes ([`AttributeV2`]) and cargo (`cargoProviders` codes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProductV2Item {
    #[serde(default)]
    pub barcode: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub product_main_id: String,
    #[serde(default)]
    pub brand_id: Option<u64>,
    #[serde(default)]
    pub category_id: Option<u64>,
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(default)]
    pub stock_code: String,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub dimensional_weight: Option<f64>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub currency_type: Option<String>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub list_price: Option<f64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub sale_price: Option<f64>,
    #[serde(default)]
    pub vat_rate: Option<i64>,
    #[serde(default)]
    pub cargo_providers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_duration: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment_address_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returning_address_id: Option<u64>,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub attributes: Vec<AttributeV2>,
}

/// An item of `.../products/content-bulk-update`: content of an approved product, addressed
/// by `contentId` (shared by all variants of one `productMainId`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ContentUpdateItem {
    #[serde(default)]
    pub content_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Image>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<AttributeV2>>,
}

/// An item of `.../products/variant-bulk-update`: variant fields of an approved product,
/// addressed by `barcode`. Price and stock are not here — they go through price & inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VariantUpdateItem {
    #[serde(default)]
    pub barcode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::orders::lenient_f64"
    )]
    pub dimensional_weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo_providers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_duration: Option<u32>,
}

/// `{"barcode":"..."}` — an item of `DELETE .../products`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BarcodeItem {
    #[serde(default)]
    pub barcode: String,
}

/// `{"barcode":"...","archived":true}` — an item of `PUT .../products/archive-state`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveItem {
    #[serde(default)]
    pub barcode: String,
    #[serde(default)]
    pub archived: bool,
}

/// Why a product was rejected in review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RejectReasonDetail {
    #[serde(default)]
    pub reject_reason: String,
    #[serde(default)]
    pub reject_reason_detail: String,
}

/// A product in the V1 filter list (`GET .../products`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FilteredProduct {
    /// Trendyol's opaque product id (a hex string).
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub approved: bool,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub rejected: bool,
    #[serde(default)]
    pub blacklisted: bool,
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub on_sale: bool,
    #[serde(default)]
    pub barcode: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub product_main_id: String,
    #[serde(default)]
    pub product_content_id: Option<u64>,
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub brand_id: Option<u64>,
    #[serde(default)]
    pub pim_category_id: Option<u64>,
    #[serde(default)]
    pub category_name: Option<String>,
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub list_price: Option<f64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub sale_price: Option<f64>,
    #[serde(default)]
    pub vat_rate: Option<i64>,
    #[serde(default)]
    pub stock_code: Option<String>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub dimensional_weight: Option<f64>,
    /// `Adet` (piece) and the like.
    #[serde(default)]
    pub stock_unit_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub attributes: Vec<Value>,
    #[serde(default)]
    pub create_date_time: Option<i64>,
    #[serde(default)]
    pub last_update_date: Option<i64>,
    #[serde(default)]
    pub reject_reason_details: Vec<RejectReasonDetail>,
}

/// `GET .../products` (V1 filter) → a classic page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProductsPage {
    #[serde(default)]
    pub total_elements: u64,
    #[serde(default)]
    pub total_pages: u64,
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub content: Vec<FilteredProduct>,
}

/// An attribute as the V2 lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListedAttribute {
    #[serde(default)]
    pub attribute_id: u64,
    #[serde(default)]
    pub attribute_name: Option<String>,
    #[serde(default)]
    pub attribute_value_ids: Option<Vec<u64>>,
    #[serde(default)]
    pub attribute_value: Option<String>,
}

/// `{"salePrice","listPrice"}` of a V2 variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VariantPrice {
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub sale_price: Option<f64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub list_price: Option<f64>,
}

/// `{"quantity","lastModifiedDate"}` of a V2 variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VariantStock {
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(default)]
    pub last_modified_date: Option<i64>,
}

/// One barcode of an approved content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ApprovedVariant {
    #[serde(default)]
    pub variant_id: Option<u64>,
    #[serde(default)]
    pub barcode: String,
    #[serde(default)]
    pub stock_code: Option<String>,
    #[serde(default)]
    pub on_sale: bool,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub vat_rate: Option<i64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub dimensional_weight: Option<f64>,
    #[serde(default)]
    pub price: Option<VariantPrice>,
    #[serde(default)]
    pub stock: Option<VariantStock>,
    #[serde(default)]
    pub cargo_providers: Vec<String>,
}

/// One content (a `productMainId` with its variants) of `GET .../products/approved`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ApprovedContent {
    #[serde(default)]
    pub content_id: u64,
    #[serde(default)]
    pub product_main_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub brand: Option<IdName>,
    #[serde(default)]
    pub category: Option<IdName>,
    #[serde(default)]
    pub creation_date: Option<i64>,
    #[serde(default)]
    pub last_modified_date: Option<i64>,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub attributes: Vec<ListedAttribute>,
    #[serde(default)]
    pub variants: Vec<ApprovedVariant>,
}

/// `GET .../products/approved` (size ≤ 100; past `page × size` = 10,000 use `nextPageToken`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ApprovedProductsPage {
    #[serde(default)]
    pub total_elements: u64,
    #[serde(default)]
    pub total_pages: u64,
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub next_page_token: Option<String>,
    #[serde(default)]
    pub content: Vec<ApprovedContent>,
}

/// A product still in (or failed) review, from `GET .../products/unapproved`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UnapprovedProduct {
    #[serde(default)]
    pub barcode: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub product_main_id: String,
    #[serde(default)]
    pub stock_code: Option<String>,
    #[serde(default)]
    pub brand: Option<IdName>,
    #[serde(default)]
    pub category: Option<IdName>,
    /// `PENDING` while in review, `REJECTED` after a rejection.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub rejected: bool,
    #[serde(default)]
    pub reject_reason_details: Vec<RejectReasonDetail>,
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub sale_price: Option<f64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub list_price: Option<f64>,
    #[serde(default)]
    pub vat_rate: Option<i64>,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub attributes: Vec<ListedAttribute>,
    #[serde(default)]
    pub creation_date: Option<i64>,
    #[serde(default)]
    pub last_modified_date: Option<i64>,
}

/// `GET .../products/unapproved`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UnapprovedProductsPage {
    #[serde(default)]
    pub total_elements: u64,
    #[serde(default)]
    pub total_pages: u64,
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub next_page_token: Option<String>,
    #[serde(default)]
    pub content: Vec<UnapprovedProduct>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barcode_rules() {
        assert_eq!(normalize_barcode(" AB 12 "), "AB12");
        assert!(barcode_chars_ok("AB-1.2_x"));
        assert!(!barcode_chars_ok("AB/12"));
    }

    #[test]
    fn v2_item_reads_sparse_input() {
        let r: ItemsRequest<ProductV2Item> =
            serde_json::from_str(r#"{"items":[{"barcode":"x","unknown":1}]}"#).unwrap();
        assert_eq!(r.items[0].barcode, "x");
        assert!(r.items[0].images.is_empty());
    }
}
