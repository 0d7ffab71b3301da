//! The endpoints the sync needs, typed with the wire models of `trendyol_wire`.
//!
//! Product and price/stock writes answer only a `batchRequestId`; the per-item outcome comes
//! from [`TrendyolClient::batch_result`]. Writes that Trendyol documents as bulk take at most
//! [`MAX_ITEMS_PER_REQUEST`] items; more is refused here, before anything is sent.

use serde::{Deserialize, Serialize};
use trendyol_wire::batch::BatchRequestResult;
use trendyol_wire::catalog::{
    AttributeValuesPage, Brand, BrandsResponse, CargoProvider, CategoryAttributes, CategoryTree,
};
use trendyol_wire::claims::{
    ApproveClaimRequest, ClaimIssueReason, ClaimsPage, RejectClaimRequest,
};
use trendyol_wire::inventory::PriceInventoryItem;
use trendyol_wire::orders::{
    InvoiceLinkRequest, OrdersPage, OrdersStream, StatusUpdateRequest, TrackingNumberRequest,
    UnsuppliedRequest,
};
use trendyol_wire::paths;
use trendyol_wire::products::{
    ApprovedProductsPage, ArchiveItem, BarcodeItem, BatchRequestIdResponse, ContentUpdateItem,
    ProductV1Item, ProductV2Item, ProductsPage, UnapprovedProductsPage, VariantUpdateItem,
    MAX_ITEMS_PER_REQUEST,
};
use trendyol_wire::webhooks::{WebhookCreated, WebhookRequest, WebhookSubscription};

use super::client::{Call, TrendyolClient};
use super::endpoint::EndpointClass as E;
use crate::error::{ApiErrorClass, Error, Result};

/// `page` and `size` of the classic paged lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

impl Paging {
    pub fn new(page: u64, size: u64) -> Paging {
        Paging {
            page: Some(page),
            size: Some(size),
        }
    }
}

/// Filters of `GET .../products` (V1 filter).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_main_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<i64>,
    /// `CREATED_DATE` or `LAST_MODIFIED_DATE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_query_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_sale: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// Filters of the V2 approved / unapproved lists (size ≤ 100; past 10,000 use the token).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductListQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_main_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// Filters of `GET .../orders` (size ≤ 200, page × size ≤ 10,000, ≤ 3 months back).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrdersQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `PackageLastModifiedDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_by_field: Option<String>,
    /// `ASC` or `DESC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_by_direction: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shipment_package_ids: Vec<u64>,
}

/// Parameters of `GET .../orders/stream`. A cursor is bound to the filters it came with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStreamQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_start_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_end_date: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub package_item_statuses: Vec<String>,
}

/// Filters of `GET .../claims`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimsQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_item_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

fn too_many_items(class: E, n: usize) -> Result<()> {
    if n > MAX_ITEMS_PER_REQUEST {
        return Err(Error::Api {
            class: ApiErrorClass::Permanent,
            endpoint: class.name().to_string(),
            status: None,
            message: format!(
                "{n} items in one request; Trendyol takes at most {MAX_ITEMS_PER_REQUEST}"
            ),
        });
    }
    Ok(())
}

impl TrendyolClient {
    fn seller(&self) -> u64 {
        self.seller_id()
    }

    async fn items_write<T: Serialize>(
        &self,
        class: E,
        path: String,
        items: &[T],
    ) -> Result<BatchRequestIdResponse> {
        too_many_items(class, items.len())?;
        #[derive(Serialize)]
        struct Items<'a, T> {
            items: &'a [T],
        }
        self.json(Call::new(class, path).json(&Items { items })?)
            .await
    }

    // ---- catalog ----

    /// `GET /integration/product/brands?page=&size=`.
    pub async fn brands(&self, paging: Paging) -> Result<BrandsResponse> {
        self.json(Call::new(E::Brands, paths::BRANDS.into()).query(&paging)?)
            .await
    }

    /// `GET /integration/product/brands/by-name?name=` (case-sensitive).
    pub async fn brands_by_name(&self, name: &str) -> Result<Vec<Brand>> {
        self.json(Call::new(E::BrandsByName, paths::BRANDS_BY_NAME.into()).param("name", name))
            .await
    }

    /// `GET /integration/product/product-categories`.
    pub async fn categories(&self) -> Result<CategoryTree> {
        self.json(Call::new(E::Categories, paths::CATEGORIES.into()))
            .await
    }

    /// `GET /integration/product/categories/{id}/attributes`.
    pub async fn category_attributes(&self, category_id: u64) -> Result<CategoryAttributes> {
        self.json(Call::new(
            E::CategoryAttributes,
            paths::category_attributes(category_id),
        ))
        .await
    }

    /// `GET .../categories/{id}/attributes/{attrId}/values?page=&size=` (size ≤ 1000).
    pub async fn attribute_values(
        &self,
        category_id: u64,
        attribute_id: u64,
        paging: Paging,
    ) -> Result<AttributeValuesPage> {
        let call = Call::new(
            E::AttributeValues,
            paths::attribute_values(category_id, attribute_id),
        )
        .query(&paging)?;
        self.json(call).await
    }

    /// `GET /integration/product/lookup/cargo-providers`.
    pub async fn cargo_providers(&self) -> Result<Vec<CargoProvider>> {
        self.json(Call::new(E::CargoProviders, paths::CARGO_PROVIDERS.into()))
            .await
    }

    // ---- products ----

    /// `POST .../v2/products` (V2 create).
    pub async fn create_products(&self, items: &[ProductV2Item]) -> Result<BatchRequestIdResponse> {
        self.items_write(E::ProductCreateV2, paths::products_v2(self.seller()), items)
            .await
    }

    /// `POST .../products` (V1 create; retiring in 2026).
    pub async fn create_products_v1(
        &self,
        items: &[ProductV1Item],
    ) -> Result<BatchRequestIdResponse> {
        self.items_write(E::ProductCreateV1, paths::products_v1(self.seller()), items)
            .await
    }

    /// `PUT .../products` (V1 update).
    pub async fn update_products_v1(
        &self,
        items: &[ProductV1Item],
    ) -> Result<BatchRequestIdResponse> {
        self.items_write(E::ProductUpdateV1, paths::products_v1(self.seller()), items)
            .await
    }

    /// `POST .../products/unapproved-bulk-update` (V2, products still in review or rejected).
    pub async fn update_unapproved_products(
        &self,
        items: &[ProductV2Item],
    ) -> Result<BatchRequestIdResponse> {
        let path = paths::products_sub(self.seller(), "unapproved-bulk-update");
        self.items_write(E::ProductUpdateUnapproved, path, items)
            .await
    }

    /// `POST .../products/content-bulk-update` (V2, approved content by `contentId`).
    pub async fn update_product_content(
        &self,
        items: &[ContentUpdateItem],
    ) -> Result<BatchRequestIdResponse> {
        let path = paths::products_sub(self.seller(), "content-bulk-update");
        self.items_write(E::ProductUpdateContent, path, items).await
    }

    /// `POST .../products/variant-bulk-update` (V2, approved variants by `barcode`).
    pub async fn update_product_variants(
        &self,
        items: &[VariantUpdateItem],
    ) -> Result<BatchRequestIdResponse> {
        let path = paths::products_sub(self.seller(), "variant-bulk-update");
        self.items_write(E::ProductUpdateVariant, path, items).await
    }

    /// `GET .../products` (V1 filter).
    pub async fn filter_products(&self, filter: &ProductFilter) -> Result<ProductsPage> {
        self.json(Call::new(E::ProductFilter, paths::products_v1(self.seller())).query(filter)?)
            .await
    }

    /// `GET .../products/approved` (V2).
    pub async fn approved_products(
        &self,
        query: &ProductListQuery,
    ) -> Result<ApprovedProductsPage> {
        let call = Call::new(
            E::ProductsApproved,
            paths::products_sub(self.seller(), "approved"),
        )
        .query(query)?;
        self.json(call).await
    }

    /// `GET .../products/unapproved` (V2, with reject reasons).
    pub async fn unapproved_products(
        &self,
        query: &ProductListQuery,
    ) -> Result<UnapprovedProductsPage> {
        let call = Call::new(
            E::ProductsUnapproved,
            paths::products_sub(self.seller(), "unapproved"),
        )
        .query(query)?;
        self.json(call).await
    }

    /// `DELETE .../products` with `{"items":[{"barcode"}]}`.
    pub async fn delete_products(&self, barcodes: &[String]) -> Result<BatchRequestIdResponse> {
        let items: Vec<BarcodeItem> = barcodes
            .iter()
            .map(|b| BarcodeItem { barcode: b.clone() })
            .collect();
        self.items_write(E::ProductDelete, paths::products_v1(self.seller()), &items)
            .await
    }

    /// `PUT .../products/archive-state`.
    pub async fn archive_products(&self, items: &[ArchiveItem]) -> Result<BatchRequestIdResponse> {
        let path = paths::products_sub(self.seller(), "archive-state");
        self.items_write(E::ProductArchive, path, items).await
    }

    /// `GET .../products/batch-requests/{id}` (kept by Trendyol for 4 hours).
    pub async fn batch_result(&self, batch_request_id: &str) -> Result<BatchRequestResult> {
        if batch_request_id.is_empty()
            || !batch_request_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Error::Api {
                class: ApiErrorClass::Permanent,
                endpoint: E::BatchResult.name().into(),
                status: None,
                message: format!("{batch_request_id:?} is not a batch request id"),
            });
        }
        self.json(Call::new(
            E::BatchResult,
            paths::batch_request(self.seller(), batch_request_id),
        ))
        .await
    }

    /// `POST .../price-and-inventory`. Send only what changed: an identical body within 15
    /// minutes is refused.
    pub async fn update_price_inventory(
        &self,
        items: &[PriceInventoryItem],
    ) -> Result<BatchRequestIdResponse> {
        self.items_write(
            E::PriceInventory,
            paths::price_and_inventory(self.seller()),
            items,
        )
        .await
    }

    // ---- orders ----

    /// `GET .../orders`.
    pub async fn orders(&self, query: &OrdersQuery) -> Result<OrdersPage> {
        self.json(Call::new(E::OrderList, paths::orders(self.seller())).query(query)?)
            .await
    }

    /// `GET .../orders/stream`.
    pub async fn orders_stream(&self, query: &OrderStreamQuery) -> Result<OrdersStream> {
        self.json(Call::new(E::OrderStream, paths::orders_stream(self.seller())).query(query)?)
            .await
    }

    /// `PUT .../shipment-packages/{id}` (`Picking`, then `Invoiced` with `invoiceNumber`).
    pub async fn update_package_status(
        &self,
        package_id: u64,
        request: &StatusUpdateRequest,
    ) -> Result<()> {
        let call = Call::new(
            E::PackageStatus,
            paths::shipment_package(self.seller(), package_id),
        )
        .json(request)?;
        self.unit(call).await
    }

    /// `PUT .../shipment-packages/{id}/items/unsupplied` (Trendyol moves the rest to a new package).
    pub async fn unsupply_package(
        &self,
        package_id: u64,
        request: &UnsuppliedRequest,
    ) -> Result<()> {
        let call = Call::new(
            E::PackageUnsupplied,
            paths::unsupplied(self.seller(), package_id),
        )
        .json(request)?;
        self.unit(call).await
    }

    /// `PUT .../shipment-packages/{id}/update-tracking-number`.
    pub async fn update_tracking_number(
        &self,
        package_id: u64,
        tracking_number: &str,
    ) -> Result<()> {
        let body = TrackingNumberRequest {
            tracking_number: tracking_number.to_string(),
        };
        let call = Call::new(
            E::PackageTracking,
            paths::tracking_number(self.seller(), package_id),
        )
        .json(&body)?;
        self.unit(call).await
    }

    /// `POST /integration/sellers/{id}/seller-invoice-links` (409 when a link is already set:
    /// a `Permanent` error whose message carries the key).
    pub async fn send_invoice_link(&self, request: &InvoiceLinkRequest) -> Result<()> {
        self.unit(Call::new(E::InvoiceLink, paths::invoice_links(self.seller())).json(request)?)
            .await
    }

    // ---- claims ----

    /// `GET .../claims`.
    pub async fn claims(&self, query: &ClaimsQuery) -> Result<ClaimsPage> {
        self.json(Call::new(E::ClaimList, paths::claims(self.seller())).query(query)?)
            .await
    }

    /// `PUT .../claims/{claimId}/items/approve` (only `WaitingInAction` items).
    pub async fn approve_claim(&self, claim_id: &str, claim_item_ids: &[String]) -> Result<()> {
        let body = ApproveClaimRequest {
            claim_line_item_id_list: claim_item_ids.to_vec(),
            params: Default::default(),
        };
        let call = Call::new(
            E::ClaimApprove,
            paths::claim_approve(self.seller(), &path_segment(claim_id)),
        )
        .json(&body)?;
        self.unit(call).await
    }

    /// `POST .../claims/{claimId}/issue`: the fields go as query parameters on a multipart
    /// request (evidence files are not sent by MesChain).
    pub async fn reject_claim(&self, claim_id: &str, request: &RejectClaimRequest) -> Result<()> {
        if request.description.chars().count() > trendyol_wire::claims::MAX_REJECT_DESCRIPTION {
            return Err(Error::Api {
                class: ApiErrorClass::Permanent,
                endpoint: E::ClaimReject.name().into(),
                status: None,
                message: "the rejection description is longer than 500 characters".into(),
            });
        }
        let boundary = "meschain-claim-issue";
        let body = format!("--{boundary}--\r\n").into_bytes();
        let call = Call::new(
            E::ClaimReject,
            paths::claim_issue(self.seller(), &path_segment(claim_id)),
        )
        .param("claimIssueReasonId", request.claim_issue_reason_id)
        .param("claimItemIdList", request.claim_item_id_list.join(","))
        .param("description", &request.description)
        .raw(format!("multipart/form-data; boundary={boundary}"), body);
        self.unit(call).await
    }

    /// `GET /integration/order/claim-issue-reasons`.
    pub async fn claim_issue_reasons(&self) -> Result<Vec<ClaimIssueReason>> {
        self.json(Call::new(
            E::ClaimIssueReasons,
            paths::CLAIM_ISSUE_REASONS.into(),
        ))
        .await
    }

    // ---- webhooks ----

    /// `POST .../webhooks` → the subscription id.
    pub async fn create_webhook(&self, request: &WebhookRequest) -> Result<WebhookCreated> {
        self.json(Call::new(E::WebhookCreate, paths::webhooks(self.seller())).json(request)?)
            .await
    }

    /// `GET .../webhooks`.
    pub async fn webhooks(&self) -> Result<Vec<WebhookSubscription>> {
        self.json(Call::new(E::WebhookList, paths::webhooks(self.seller())))
            .await
    }

    /// `PUT .../webhooks/{id}`.
    pub async fn update_webhook(&self, id: &str, request: &WebhookRequest) -> Result<()> {
        let call = Call::new(
            E::WebhookUpdate,
            paths::webhook(self.seller(), &path_segment(id)),
        )
        .json(request)?;
        self.unit(call).await
    }

    /// `DELETE .../webhooks/{id}`.
    pub async fn delete_webhook(&self, id: &str) -> Result<()> {
        self.unit(Call::new(
            E::WebhookDelete,
            paths::webhook(self.seller(), &path_segment(id)),
        ))
        .await
    }

    /// `PUT .../webhooks/{id}/activate` (after Trendyol deactivated it: 13 failed deliveries).
    pub async fn activate_webhook(&self, id: &str) -> Result<()> {
        let path = format!(
            "{}/activate",
            paths::webhook(self.seller(), &path_segment(id))
        );
        self.unit(Call::new(E::WebhookActivate, path)).await
    }

    /// `PUT .../webhooks/{id}/deactivate`.
    pub async fn deactivate_webhook(&self, id: &str) -> Result<()> {
        let path = format!(
            "{}/deactivate",
            paths::webhook(self.seller(), &path_segment(id))
        );
        self.unit(Call::new(E::WebhookDeactivate, path)).await
    }
}

/// Keeps an id from escaping its path segment (ids come from Trendyol, but a `/` or `?` in one
/// must not turn into another endpoint).
fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
