//! Orders: shipment packages, their lines and addresses, the list and stream envelopes, and the
//! bodies of the seller-side updates (status, unsupplied, tracking number, invoice link).
//!
//! ## Field renames (08.12.2025)
//! Trendyol renamed several package and line fields. Both names must be readable for as long as
//! either may appear — including a transition in which one payload carries **both**. serde's
//! `alias` alone fails on that case ("duplicate field"), so [`ShipmentPackage`] and
//! [`PackageLine`] first normalize their keys ([`PACKAGE_RENAMES`], [`LINE_RENAMES`]: the new
//! name wins, the old one is dropped) and only then apply the derived field mapping (which also
//! lists the old names as aliases). Serialization always writes the new names; a writer that must
//! produce the old ones (the sandbox's legacy switch) converts with [`package_to_legacy_names`].
//!
//! ## Dates
//! `orderDate` is epoch ms of the **GMT+3** wall clock (so it reads 3 h "ahead" of UTC), while
//! `lastModifiedDate` and `packageHistories[].createdDate` are plain UTC epoch ms.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::lenient::Lenient;

/// Largest page of the order list and stream.
pub const MAX_PAGE_SIZE: u64 = 200;
/// Default page size of the order list.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
/// `page × size` window of the order list.
pub const MAX_PAGE_WINDOW: u64 = 10_000;
/// Widest `lastModifiedStartDate..lastModifiedEndDate` window of the stream.
pub const MAX_STREAM_WINDOW_MS: i64 = 14 * 24 * 60 * 60 * 1000;
/// Offset of `orderDate` (GMT+3) from UTC.
pub const ORDER_DATE_OFFSET_MS: i64 = 3 * 60 * 60 * 1000;

/// `(new, old)` names of package fields.
pub const PACKAGE_RENAMES: &[(&str, &str)] = &[
    ("shipmentPackageId", "id"),
    ("packageGrossAmount", "grossAmount"),
    ("packageSellerDiscount", "totalDiscount"),
    ("packageTyDiscount", "totalTyDiscount"),
    ("packageTotalPrice", "totalPrice"),
    ("status", "shipmentPackageStatus"),
];

/// `(new, old)` names of line fields.
pub const LINE_RENAMES: &[(&str, &str)] = &[
    ("lineId", "id"),
    ("stockCode", "merchantSku"),
    ("lineUnitPrice", "price"),
    ("lineGrossAmount", "amount"),
    ("lineSellerDiscount", "discount"),
    ("lineTyDiscount", "tyDiscount"),
    ("contentId", "productCode"),
];

string_enum! {
    /// A package status. The seller may only set `Picking` then `Invoiced`; `Awaiting` means the
    /// payment check is pending — reserve stock but do not ship.
    PackageStatus {
        Awaiting => "Awaiting",
        Created => "Created",
        Picking => "Picking",
        Invoiced => "Invoiced",
        Shipped => "Shipped",
        AtCollectionPoint => "AtCollectionPoint",
        Delivered => "Delivered",
        UnDelivered => "UnDelivered",
        Cancelled => "Cancelled",
        UnSupplied => "UnSupplied",
        Returned => "Returned",
        Repack => "Repack",
        UnPacked => "UnPacked",
        Verified => "Verified",
    }
}

impl PackageStatus {
    /// The name used in webhook `subscribedStatuses` (`AT_COLLECTION_POINT`...), if any.
    pub fn webhook_name(&self) -> Option<&'static str> {
        Some(match self {
            PackageStatus::Awaiting => "AWAITING",
            PackageStatus::Created => "CREATED",
            PackageStatus::Picking => "PICKING",
            PackageStatus::Invoiced => "INVOICED",
            PackageStatus::Shipped => "SHIPPED",
            PackageStatus::AtCollectionPoint => "AT_COLLECTION_POINT",
            PackageStatus::Delivered => "DELIVERED",
            PackageStatus::UnDelivered => "UNDELIVERED",
            PackageStatus::Cancelled => "CANCELLED",
            PackageStatus::UnSupplied => "UNSUPPLIED",
            PackageStatus::Returned => "RETURNED",
            PackageStatus::UnPacked => "UNPACKED",
            PackageStatus::Verified => "VERIFIED",
            PackageStatus::Repack | PackageStatus::Unknown(_) => return None,
        })
    }

    /// Statuses after which the package will not move again under the seller's control.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            PackageStatus::Delivered
                | PackageStatus::Cancelled
                | PackageStatus::UnSupplied
                | PackageStatus::Returned
                | PackageStatus::UnPacked
        )
    }
}

/// Moves old keys to their new names (the new one wins when both are present).
fn normalize_keys(v: &mut Value, renames: &[(&str, &str)]) {
    if let Value::Object(m) = v {
        for (new, old) in renames {
            if let Some(old_v) = m.remove(*old) {
                if !m.contains_key(*new) {
                    m.insert((*new).to_string(), old_v);
                }
            }
        }
    }
}

/// Renames new keys to old ones, keeping key order.
fn legacy_keys(m: &mut Map<String, Value>, renames: &[(&str, &str)]) {
    let taken = std::mem::take(m);
    for (k, v) in taken {
        match renames.iter().find(|(new, _)| *new == k) {
            // `status` keeps its name; the old payloads carried both.
            Some(("status", old)) => {
                m.insert((*old).to_string(), v.clone());
                m.insert(k, v);
            }
            Some((_, old)) => {
                m.insert((*old).to_string(), v);
            }
            None => {
                m.insert(k, v);
            }
        }
    }
}

/// Rewrites a serialized package (and its lines) to the pre-December-2025 field names.
pub fn package_to_legacy_names(v: &mut Value) {
    if let Value::Object(m) = v {
        legacy_keys(m, PACKAGE_RENAMES);
        if let Some(Value::Array(lines)) = m.get_mut("lines") {
            for l in lines {
                if let Value::Object(lm) = l {
                    legacy_keys(lm, LINE_RENAMES);
                }
            }
        }
    }
}

/// Applies [`package_to_legacy_names`] to a bare package or to each package of a
/// `{"content":[...]}` envelope (list, stream, webhook page).
pub fn to_legacy_names(v: &mut Value) {
    match v.get_mut("content") {
        Some(Value::Array(items)) => items.iter_mut().for_each(package_to_legacy_names),
        _ => package_to_legacy_names(v),
    }
}

/// Reads a string that the API sometimes sends as a number (order numbers, tracking numbers).
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// Reads an amount that the API sometimes sends as a string (`"89.99"`); an empty or
/// unreadable string is absent rather than an error, so one odd field never loses a package.
pub(crate) fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite()),
        _ => None,
    })
}

/// A postal address (shipment or invoice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub address1: Option<String>,
    #[serde(default)]
    pub address2: Option<String>,
    #[serde(default)]
    pub full_address: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub city_code: Option<i64>,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
}

/// One entry of `packageHistories` (`createdDate` in UTC ms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PackageHistory {
    #[serde(default)]
    pub created_date: Option<i64>,
    #[serde(default)]
    pub status: Option<PackageStatus>,
}

/// A line of a package. `lineGrossAmount` is the gross unit amount; the net unit price is
/// gross − seller discount − Trendyol discount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct PackageLine {
    #[serde(default, alias = "id")]
    pub line_id: Option<u64>,
    #[serde(default)]
    pub barcode: Option<String>,
    #[serde(default, alias = "merchantSku")]
    pub stock_code: Option<String>,
    #[serde(default)]
    pub product_name: Option<String>,
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(
        default,
        alias = "price",
        deserialize_with = "crate::orders::lenient_f64"
    )]
    pub line_unit_price: Option<f64>,
    #[serde(
        default,
        alias = "amount",
        deserialize_with = "crate::orders::lenient_f64"
    )]
    pub line_gross_amount: Option<f64>,
    #[serde(
        default,
        alias = "discount",
        deserialize_with = "crate::orders::lenient_f64"
    )]
    pub line_seller_discount: Option<f64>,
    #[serde(
        default,
        alias = "tyDiscount",
        deserialize_with = "crate::orders::lenient_f64"
    )]
    pub line_ty_discount: Option<f64>,
    #[serde(default, deserialize_with = "crate::orders::lenient_f64")]
    pub vat_rate: Option<f64>,
    #[serde(default, alias = "productCode")]
    pub content_id: Option<u64>,
    #[serde(default)]
    pub currency_code: Option<String>,
    #[serde(default)]
    pub product_color: Option<String>,
    #[serde(default)]
    pub product_size: Option<String>,
    #[serde(default)]
    pub order_line_item_status_name: Option<String>,
}

impl Serialize for PackageLine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PackageLine::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for PackageLine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut v = Value::deserialize(d)?;
        normalize_keys(&mut v, LINE_RENAMES);
        let mut track = serde_path_to_error::Track::new();
        PackageLine::deserialize(serde_path_to_error::Deserializer::new(v, &mut track))
            .map_err(|e| serde::de::Error::custom(format!("{}: {e}", track.path())))
    }
}

impl PackageLine {
    /// gross − seller discount − Trendyol discount, per unit.
    pub fn net_unit_price(&self) -> Option<f64> {
        let gross = self.line_gross_amount?;
        Some(
            gross - self.line_seller_discount.unwrap_or(0.0) - self.line_ty_discount.unwrap_or(0.0),
        )
    }
}

/// A shipment package — the unit of every order operation. Its id changes on split,
/// unsupply and partial cancel; `orderNumber` stays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct ShipmentPackage {
    #[serde(default, alias = "id")]
    pub shipment_package_id: Option<u64>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub order_number: Option<String>,
    /// GMT+3 wall clock as epoch ms (see the module docs).
    #[serde(default)]
    pub order_date: Option<i64>,
    #[serde(default)]
    pub last_modified_date: Option<i64>,
    #[serde(default, alias = "shipmentPackageStatus")]
    pub status: Option<PackageStatus>,
    #[serde(default)]
    pub customer_first_name: Option<String>,
    #[serde(default)]
    pub customer_last_name: Option<String>,
    #[serde(default)]
    pub customer_email: Option<String>,
    #[serde(default)]
    pub customer_id: Option<u64>,
    #[serde(default)]
    pub currency_code: Option<String>,
    #[serde(
        default,
        alias = "grossAmount",
        deserialize_with = "crate::orders::lenient_f64"
    )]
    pub package_gross_amount: Option<f64>,
    #[serde(
        default,
        alias = "totalDiscount",
        deserialize_with = "crate::orders::lenient_f64"
    )]
    pub package_seller_discount: Option<f64>,
    #[serde(
        default,
        alias = "totalTyDiscount",
        deserialize_with = "crate::orders::lenient_f64"
    )]
    pub package_ty_discount: Option<f64>,
    #[serde(
        default,
        alias = "totalPrice",
        deserialize_with = "crate::orders::lenient_f64"
    )]
    pub package_total_price: Option<f64>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub cargo_tracking_number: Option<String>,
    #[serde(default)]
    pub cargo_tracking_link: Option<String>,
    #[serde(default)]
    pub cargo_provider_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub cargo_sender_number: Option<String>,
    #[serde(default)]
    pub shipment_address: Option<Address>,
    #[serde(default)]
    pub invoice_address: Option<Address>,
    /// `order-creation`, `split`, `cancel` or `transfer`.
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub origin_package_ids: Option<Vec<u64>>,
    #[serde(default)]
    pub package_histories: Vec<PackageHistory>,
    #[serde(default)]
    pub lines: Vec<PackageLine>,
    #[serde(default)]
    pub agreed_delivery_date: Option<i64>,
    #[serde(default)]
    pub fast_delivery: Option<bool>,
}

impl Serialize for ShipmentPackage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ShipmentPackage::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for ShipmentPackage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut v = Value::deserialize(d)?;
        normalize_keys(&mut v, PACKAGE_RENAMES);
        // Read through a path tracker, so an error names the field (`lines[0].quantity`).
        let mut track = serde_path_to_error::Track::new();
        ShipmentPackage::deserialize(serde_path_to_error::Deserializer::new(v, &mut track))
            .map_err(|e| serde::de::Error::custom(format!("{}: {e}", track.path())))
    }
}

/// `GET /integration/order/sellers/{id}/orders` — a classic page (size ≤ 200, page × size ≤ 10,000).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OrdersPage {
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub total_pages: u64,
    #[serde(default)]
    pub total_elements: u64,
    #[serde(default)]
    pub content: Lenient<ShipmentPackage>,
}

/// `GET .../orders/stream` — cursor pages over a ≤ 14-day `lastModified` window. A cursor is bound
/// to the filters it was issued for: changing them while passing it is a 400.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OrdersStream {
    #[serde(default)]
    pub content: Lenient<ShipmentPackage>,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub has_more: bool,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// `{"lineId","quantity"}` in status and unsupplied bodies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LineQuantity {
    #[serde(default)]
    pub line_id: u64,
    #[serde(default)]
    pub quantity: i64,
}

/// `PUT .../shipment-packages/{id}`: `status` is `Picking` or (after it) `Invoiced` with
/// `params.invoiceNumber`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StatusUpdateRequest {
    #[serde(default)]
    pub lines: Vec<LineQuantity>,
    #[serde(default)]
    pub params: Map<String, Value>,
    #[serde(default)]
    pub status: String,
}

/// `PUT .../shipment-packages/{id}/items/unsupplied` — creates a new package for what remains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UnsuppliedRequest {
    #[serde(default)]
    pub lines: Vec<LineQuantity>,
    #[serde(default)]
    pub reason_id: Option<u64>,
}

/// `PUT .../shipment-packages/{id}/update-tracking-number`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TrackingNumberRequest {
    #[serde(default)]
    pub tracking_number: String,
}

/// `POST /integration/sellers/{id}/seller-invoice-links` → 201; 409 when already set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLinkRequest {
    #[serde(default)]
    pub invoice_link: String,
    #[serde(default)]
    pub shipment_package_id: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: &str = r#"{"shipmentPackageId":11,"orderNumber":"900","status":"Created",
      "packageGrossAmount":100.0,"packageSellerDiscount":5.0,"packageTyDiscount":2.0,"packageTotalPrice":93.0,
      "lines":[{"lineId":7,"stockCode":"S1","lineUnitPrice":93.0,"lineGrossAmount":100.0,
      "lineSellerDiscount":5.0,"lineTyDiscount":2.0,"contentId":55,"quantity":1}]}"#;
    const OLD: &str = r#"{"id":11,"orderNumber":900,"shipmentPackageStatus":"Created",
      "grossAmount":100.0,"totalDiscount":5.0,"totalTyDiscount":2.0,"totalPrice":93.0,
      "lines":[{"id":7,"merchantSku":"S1","price":93.0,"amount":100.0,
      "discount":5.0,"tyDiscount":2.0,"productCode":55,"quantity":1}]}"#;

    #[test]
    fn old_and_new_names_parse_to_the_same_package() {
        let a: ShipmentPackage = serde_json::from_str(NEW).unwrap();
        let b: ShipmentPackage = serde_json::from_str(OLD).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.shipment_package_id, Some(11));
        assert_eq!(a.order_number.as_deref(), Some("900"));
        assert_eq!(a.status, Some(PackageStatus::Created));
        assert_eq!(a.lines[0].line_id, Some(7));
        assert_eq!(a.lines[0].stock_code.as_deref(), Some("S1"));
        assert_eq!(a.lines[0].content_id, Some(55));
        assert_eq!(a.lines[0].net_unit_price(), Some(93.0));
    }

    #[test]
    fn both_names_at_once_do_not_fail_and_new_wins() {
        let p: ShipmentPackage = serde_json::from_str(
            r#"{"id":1,"shipmentPackageId":2,"status":"Picking","shipmentPackageStatus":"Created",
                "lines":[{"id":3,"lineId":4,"price":1.0,"lineUnitPrice":2.0}]}"#,
        )
        .unwrap();
        assert_eq!(p.shipment_package_id, Some(2));
        assert_eq!(p.status, Some(PackageStatus::Picking));
        assert_eq!(p.lines[0].line_id, Some(4));
        assert_eq!(p.lines[0].line_unit_price, Some(2.0));
    }

    #[test]
    fn serializes_new_names_and_converts_to_legacy() {
        let p: ShipmentPackage = serde_json::from_str(OLD).unwrap();
        let mut v = serde_json::to_value(&p).unwrap();
        assert!(v.get("shipmentPackageId").is_some());
        assert!(v.get("id").is_none());
        assert!(v["lines"][0].get("lineId").is_some());
        to_legacy_names(&mut v);
        assert_eq!(v["id"], 11);
        assert_eq!(v["shipmentPackageStatus"], "Created");
        assert_eq!(v["status"], "Created");
        assert_eq!(v["totalPrice"], 93.0);
        assert_eq!(v["lines"][0]["merchantSku"], "S1");
        assert_eq!(v["lines"][0]["productCode"], 55);
        assert!(v.get("shipmentPackageId").is_none());
        let back: ShipmentPackage = serde_json::from_value(v).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn legacy_conversion_of_an_envelope() {
        let mut v = serde_json::json!({"content":[{"shipmentPackageId":1,"lines":[]}],"page":0});
        to_legacy_names(&mut v);
        assert_eq!(v["content"][0]["id"], 1);
    }

    #[test]
    fn statuses_are_lenient() {
        assert_eq!(
            PackageStatus::parse("AT_COLLECTION_POINT"),
            PackageStatus::AtCollectionPoint
        );
        assert_eq!(
            PackageStatus::parse("unsupplied"),
            PackageStatus::UnSupplied
        );
        let s: PackageStatus = serde_json::from_str(r#""Teleported""#).unwrap();
        assert_eq!(s, PackageStatus::Unknown("Teleported".into()));
        assert_eq!(PackageStatus::Created.webhook_name(), Some("CREATED"));
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let p: ShipmentPackage =
            serde_json::from_str(r#"{"shipmentPackageId":1,"brandNewField":{"x":1}}"#).unwrap();
        assert_eq!(p.shipment_package_id, Some(1));
    }
}
