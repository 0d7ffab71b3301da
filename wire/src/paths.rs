//! Paths, relative to the API host (`https://apigw.trendyol.com` in production, or a
//! `trendyol-sandbox` base URL such as `http://127.0.0.1:PORT`). Production and sandbox use the
//! same paths, so a client switches by base URL alone.

/// Production base URL.
pub const PRODUCTION_BASE: &str = "https://apigw.trendyol.com";

pub const BRANDS: &str = "/integration/product/brands";
pub const BRANDS_BY_NAME: &str = "/integration/product/brands/by-name";
pub const CATEGORIES: &str = "/integration/product/product-categories";
pub const CARGO_PROVIDERS: &str = "/integration/product/lookup/cargo-providers";
pub const CLAIM_ISSUE_REASONS: &str = "/integration/order/claim-issue-reasons";

/// `GET .../categories/{id}/attributes`.
pub fn category_attributes(category_id: u64) -> String {
    format!("/integration/product/categories/{category_id}/attributes")
}

/// `GET .../categories/{id}/attributes/{attrId}/values`.
pub fn attribute_values(category_id: u64, attribute_id: u64) -> String {
    format!("/integration/product/categories/{category_id}/attributes/{attribute_id}/values")
}

/// V1 create (POST), V1 update (PUT), V1 filter (GET), delete (DELETE).
pub fn products_v1(seller_id: u64) -> String {
    format!("/integration/product/sellers/{seller_id}/products")
}

/// V2 create (POST).
pub fn products_v2(seller_id: u64) -> String {
    format!("/integration/product/sellers/{seller_id}/v2/products")
}

/// `.../products/{tail}` for `unapproved-bulk-update`, `content-bulk-update`,
/// `variant-bulk-update`, `approved`, `unapproved`, `archive-state`.
pub fn products_sub(seller_id: u64, tail: &str) -> String {
    format!("/integration/product/sellers/{seller_id}/products/{tail}")
}

/// `GET .../products/batch-requests/{id}`.
pub fn batch_request(seller_id: u64, batch_request_id: &str) -> String {
    format!("/integration/product/sellers/{seller_id}/products/batch-requests/{batch_request_id}")
}

/// `POST .../price-and-inventory`.
pub fn price_and_inventory(seller_id: u64) -> String {
    format!("/integration/inventory/sellers/{seller_id}/products/price-and-inventory")
}

/// `GET .../orders` (list).
pub fn orders(seller_id: u64) -> String {
    format!("/integration/order/sellers/{seller_id}/orders")
}

/// `GET .../orders/stream`.
pub fn orders_stream(seller_id: u64) -> String {
    format!("/integration/order/sellers/{seller_id}/orders/stream")
}

/// `PUT .../shipment-packages/{id}` (status update).
pub fn shipment_package(seller_id: u64, package_id: u64) -> String {
    format!("/integration/order/sellers/{seller_id}/shipment-packages/{package_id}")
}

/// `PUT .../shipment-packages/{id}/items/unsupplied`.
pub fn unsupplied(seller_id: u64, package_id: u64) -> String {
    format!(
        "{}/items/unsupplied",
        shipment_package(seller_id, package_id)
    )
}

/// `PUT .../shipment-packages/{id}/update-tracking-number`.
pub fn tracking_number(seller_id: u64, package_id: u64) -> String {
    format!(
        "{}/update-tracking-number",
        shipment_package(seller_id, package_id)
    )
}

/// `POST /integration/sellers/{id}/seller-invoice-links`.
pub fn invoice_links(seller_id: u64) -> String {
    format!("/integration/sellers/{seller_id}/seller-invoice-links")
}

/// `GET .../claims`.
pub fn claims(seller_id: u64) -> String {
    format!("/integration/order/sellers/{seller_id}/claims")
}

/// `PUT .../claims/{claimId}/items/approve`.
pub fn claim_approve(seller_id: u64, claim_id: &str) -> String {
    format!("/integration/order/sellers/{seller_id}/claims/{claim_id}/items/approve")
}

/// `POST .../claims/{claimId}/issue` (rejection).
pub fn claim_issue(seller_id: u64, claim_id: &str) -> String {
    format!("/integration/order/sellers/{seller_id}/claims/{claim_id}/issue")
}

/// `POST` create / `GET` list of webhooks.
pub fn webhooks(seller_id: u64) -> String {
    format!("/integration/webhook/sellers/{seller_id}/webhooks")
}

/// `PUT`/`DELETE .../webhooks/{id}`; append `/activate` or `/deactivate`.
pub fn webhook(seller_id: u64, webhook_id: &str) -> String {
    format!("/integration/webhook/sellers/{seller_id}/webhooks/{webhook_id}")
}

/// The `User-Agent` Trendyol requires: `"{sellerId} - {IntegratorName}"` (name alphanumeric,
/// ≤ 30 chars; `SelfIntegration` for a seller's own code). Without it the gateway answers 403.
pub fn user_agent(seller_id: u64, integrator: &str) -> String {
    format!("{seller_id} - {integrator}")
}

/// `GET .../questions/filter`.
pub fn questions_filter(seller_id: u64) -> String {
    format!("/integration/qna/sellers/{seller_id}/questions/filter")
}

/// `GET .../questions/{id}`: one question, read again by id.
pub fn question(seller_id: u64, question_id: u64) -> String {
    format!("/integration/qna/sellers/{seller_id}/questions/{question_id}")
}

/// `POST .../questions/{id}/answers`.
pub fn question_answers(seller_id: u64, question_id: u64) -> String {
    format!("/integration/qna/sellers/{seller_id}/questions/{question_id}/answers")
}
