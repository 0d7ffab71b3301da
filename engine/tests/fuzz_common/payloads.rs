//! Realistic Trendyol payloads (shapes as the reference documents them) used as mutation seeds.

use serde_json::{json, Value};

/// Field names the wire models read, so generated objects hit real fields.
pub const PACKAGE_KEYS: &[&str] = &[
    "content",
    "shipmentPackageId",
    "id",
    "orderNumber",
    "orderDate",
    "lastModifiedDate",
    "status",
    "shipmentPackageStatus",
    "customerFirstName",
    "customerLastName",
    "customerEmail",
    "customerId",
    "taxNumber",
    "currencyCode",
    "packageTotalPrice",
    "totalPrice",
    "grossAmount",
    "shipmentAddress",
    "invoiceAddress",
    "lines",
    "lineId",
    "barcode",
    "merchantSku",
    "sku",
    "stockCode",
    "productName",
    "quantity",
    "lineUnitPrice",
    "price",
    "amount",
    "discount",
    "vatRate",
    "sellerId",
    "supplierId",
    "merchantId",
    "cargoTrackingNumber",
    "cargoProviderName",
    "packageHistories",
    "createdDate",
    "firstName",
    "lastName",
    "fullName",
    "address1",
    "fullAddress",
    "city",
    "district",
    "postalCode",
    "countryCode",
    "phone",
    "page",
    "size",
    "totalPages",
    "totalElements",
];

pub const PRODUCT_KEYS: &[&str] = &[
    "content",
    "page",
    "size",
    "totalPages",
    "totalElements",
    "id",
    "approved",
    "archived",
    "rejected",
    "blacklisted",
    "locked",
    "onSale",
    "barcode",
    "title",
    "productMainId",
    "productContentId",
    "brand",
    "brandId",
    "pimCategoryId",
    "categoryName",
    "quantity",
    "listPrice",
    "salePrice",
    "vatRate",
    "stockCode",
    "dimensionalWeight",
    "description",
    "images",
    "url",
    "attributes",
    "attributeId",
    "attributeValue",
    "createDateTime",
    "lastUpdateDate",
    "rejectReasonDetails",
    "rejectReason",
    "rejectReasonDetail",
];

pub const BATCH_KEYS: &[&str] = &[
    "batchRequestId",
    "status",
    "creationDate",
    "lastModification",
    "sourceType",
    "itemCount",
    "failedItemCount",
    "batchRequestType",
    "items",
    "requestItem",
    "failureReasons",
    "barcode",
    "quantity",
    "salePrice",
    "listPrice",
    "IN_PROGRESS",
    "COMPLETED",
    "SUCCESS",
    "FAILED",
];

pub const CLAIM_KEYS: &[&str] = &[
    "content",
    "page",
    "size",
    "totalPages",
    "totalElements",
    "id",
    "orderNumber",
    "orderDate",
    "claimDate",
    "customerFirstName",
    "customerLastName",
    "cargoTrackingNumber",
    "cargoProviderName",
    "cargoSenderNumber",
    "orderShipmentPackageId",
    "lastModifiedDate",
    "items",
    "orderLine",
    "claimItems",
    "orderLineItemId",
    "customerClaimItemReason",
    "trendyolClaimItemReason",
    "claimItemStatus",
    "name",
    "code",
    "externalReasonId",
    "note",
    "customerNote",
    "resolved",
    "productName",
    "barcode",
    "merchantSku",
    "price",
    "vatRate",
    "Created",
    "WaitingInAction",
    "Accepted",
    "Rejected",
];

fn address() -> Value {
    json!({
        "id": 91234, "firstName": "Ayşe", "lastName": "Yılmaz", "fullName": "Ayşe Yılmaz",
        "address1": "Bağdat Caddesi No:12 Daire 4",
        "fullAddress": "Bağdat Caddesi No:12 Daire 4 Kadıköy İstanbul",
        "city": "İstanbul", "district": "Kadıköy", "postalCode": "34710", "countryCode": "TR",
        "phone": "+90 532 123 45 67"
    })
}

/// One shipment package as the orders endpoint and a webhook carry it.
pub fn package(id: u64, status: &str) -> Value {
    json!({
        "shipmentPackageId": id, "orderNumber": "10654411234", "orderDate": 1_718_010_000_000i64,
        "lastModifiedDate": 1_718_010_500_000i64, "status": status, "customerFirstName": "Ayşe",
        "customerLastName": "Yılmaz", "customerEmail": "pf+ayse@trendyolmail.com",
        "customerId": 5551234, "taxNumber": "12345678901", "currencyCode": "TRY",
        "packageTotalPrice": 299.8, "grossAmount": 319.8, "totalDiscount": 20.0,
        "cargoTrackingNumber": 7_330_000_123_456i64, "cargoProviderName": "Yurtiçi Kargo Marketplace",
        "shipmentAddress": address(), "invoiceAddress": address(),
        "lines": [
            {"lineId": 1, "barcode": "8690000000011", "stockCode": "MUG-01",
             "productName": "Porselen Kupa", "quantity": 2, "lineUnitPrice": 149.9,
             "discount": 10.0, "vatRate": 20, "currencyCode": "TRY"},
            {"id": 2, "merchantSku": "TEA-7", "sku": "8690000000028", "productName": "Çay",
             "quantity": 1, "price": 19.9, "amount": 19.9}
        ],
        "packageHistories": [{"createdDate": 1_718_010_000_000i64, "status": "Created"}]
    })
}

/// A webhook delivery or an orders page.
pub fn orders_page() -> Value {
    json!({
        "page": 0, "size": 50, "totalPages": 1, "totalElements": 2,
        "content": [package(3_390_000_001, "Created"), package(3_390_000_002, "Picking")]
    })
}

pub fn products_page() -> Value {
    json!({
        "totalElements": 1, "totalPages": 1, "page": 0, "size": 50,
        "content": [{
            "id": "a1b2c3", "approved": true, "archived": false, "rejected": false,
            "blacklisted": false, "locked": false, "onSale": true, "barcode": "8690000000011",
            "title": "Porselen Kupa 350 ml", "productMainId": "MUG-01", "productContentId": 778899,
            "brand": "Evim", "brandId": 1791, "pimCategoryId": 411, "categoryName": "Kupa",
            "quantity": 12, "listPrice": 179.9, "salePrice": 149.9, "vatRate": 20,
            "stockCode": "MUG-01", "dimensionalWeight": 1.5, "description": "<p>Kupa</p>",
            "images": [{"url": "https://cdn.example.test/mug.jpg"}],
            "attributes": [{"attributeId": 47, "attributeValue": "Beyaz"}],
            "createDateTime": 1_718_000_000_000i64, "lastUpdateDate": 1_718_010_000_000i64,
            "rejectReasonDetails": [{"rejectReason": "Görsel", "rejectReasonDetail": "bulanık"}]
        }]
    })
}

pub fn batch_result() -> Value {
    json!({
        "batchRequestId": "e5a1c2d4-6f00-4b7e-9c1a-0f6f9b2a8c11", "status": "COMPLETED",
        "creationDate": 1_718_010_000_000i64, "lastModification": 1_718_010_060_000i64,
        "sourceType": "API", "itemCount": 2, "failedItemCount": 1,
        "batchRequestType": "ProductInventoryUpdate",
        "items": [
            {"requestItem": {"barcode": "8690000000011", "quantity": 5, "salePrice": 149.9},
             "status": "SUCCESS", "failureReasons": []},
            {"requestItem": {"barcode": "8690000000028", "quantity": -1},
             "status": "FAILED", "failureReasons": ["quantity must be positive"]}
        ]
    })
}

pub fn claims_page() -> Value {
    json!({
        "totalElements": 1, "totalPages": 1, "page": 0, "size": 50,
        "content": [{
            "id": "f4c1e2b3-claim", "orderNumber": "10654411234", "orderDate": 1_718_010_000_000i64,
            "claimDate": 1_718_500_000_000i64, "customerFirstName": "Ayşe",
            "customerLastName": "Yılmaz", "cargoTrackingNumber": 7_330_000_999_001i64,
            "cargoProviderName": "Yurtiçi Kargo Marketplace", "cargoSenderNumber": "2000",
            "orderShipmentPackageId": 3_390_000_001u64, "lastModifiedDate": 1_718_500_100_000i64,
            "items": [{
                "orderLine": {"id": 1, "productName": "Porselen Kupa", "barcode": "8690000000011",
                              "merchantSku": "MUG-01", "price": 149.9, "vatRate": 20},
                "claimItems": [{
                    "id": "ci-1", "orderLineItemId": 11,
                    "customerClaimItemReason": {"id": 401, "name": "Kırık", "code": "DAMAGED"},
                    "trendyolClaimItemReason": {"id": 401, "name": "Kırık", "externalReasonId": 7},
                    "claimItemStatus": {"name": "WaitingInAction"}, "note": "", "customerNote": "kırık geldi",
                    "resolved": false
                }]
            }]
        }]
    })
}
