//! A mapping row as the admin posts it, checked completely before anything is written: ids in
//! range, VAT one of Trendyol's rates, names trimmed and at most 255 characters.

use serde_json::{Map, Value};

use super::{trendyol_statuses, Kind, MAX_ID, MAX_TRENDYOL_ID, VAT_RATES};
use crate::admin::{bad, Input};
use crate::error::Result;

/// A validated row, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Row {
    Category {
        category_id: i64,
        trendyol_id: i64,
        name: String,
    },
    Brand {
        manufacturer_id: i64,
        trendyol_id: i64,
        name: String,
    },
    Attribute {
        attribute_map_id: Option<i64>,
        trendyol_category_id: i64,
        trendyol_attribute_id: i64,
        trendyol_attribute_name: String,
        source: &'static str,
        source_id: i64,
        trendyol_value_id: Option<i64>,
        custom_value: String,
    },
    AttributeValue {
        attribute_map_id: i64,
        source_value: String,
        trendyol_value_id: i64,
        trendyol_value_name: String,
    },
    Vat {
        tax_class_id: i64,
        vat_rate: i64,
    },
    OrderStatus {
        trendyol_status: String,
        order_status_id: i64,
    },
}

/// Reads and checks the shape of a row (existence in OpenCart is checked by [`save`]).
pub(super) fn parse_row(kind: Kind, row: &Map<String, Value>) -> Result<Row> {
    let name = |input: &Input, key: &str| -> Result<String> {
        Ok(input.text(key, 255)?.unwrap_or_default())
    };
    Ok(match kind {
        Kind::Category => {
            let input = Input::new(
                row,
                "a category mapping",
                &[
                    "category_id",
                    "trendyol_category_id",
                    "trendyol_category_name",
                ],
            )?;
            Row::Category {
                category_id: input.required_int("category_id", 1, MAX_ID)?,
                trendyol_id: input.required_int("trendyol_category_id", 1, MAX_TRENDYOL_ID)?,
                name: name(&input, "trendyol_category_name")?,
            }
        }
        Kind::Brand => {
            let input = Input::new(
                row,
                "a brand mapping",
                &[
                    "manufacturer_id",
                    "trendyol_brand_id",
                    "trendyol_brand_name",
                ],
            )?;
            Row::Brand {
                manufacturer_id: input.required_int("manufacturer_id", 1, MAX_ID)?,
                trendyol_id: input.required_int("trendyol_brand_id", 1, MAX_TRENDYOL_ID)?,
                name: name(&input, "trendyol_brand_name")?,
            }
        }
        Kind::Attribute => {
            let input = Input::new(
                row,
                "an attribute mapping",
                &[
                    "attribute_map_id",
                    "trendyol_category_id",
                    "trendyol_attribute_id",
                    "trendyol_attribute_name",
                    "source",
                    "source_id",
                    "trendyol_value_id",
                    "custom_value",
                ],
            )?;
            let source = input
                .choice("source", &["attribute", "option", "fixed"])?
                .ok_or_else(|| bad("source", "is required (attribute, option or fixed)"))?;
            let source_id = input.int("source_id", 0, MAX_ID)?.unwrap_or(0);
            let trendyol_value_id = input.int("trendyol_value_id", 1, MAX_TRENDYOL_ID)?;
            let custom_value = name(&input, "custom_value")?;
            match source {
                "fixed" if source_id != 0 => {
                    return Err(bad("source_id", "must be 0 for a fixed value"))
                }
                "fixed" if trendyol_value_id.is_none() && custom_value.is_empty() => {
                    return Err(bad(
                        "trendyol_value_id",
                        "a fixed value needs a Trendyol value id or a custom value",
                    ))
                }
                "attribute" | "option" if source_id == 0 => {
                    return Err(bad("source_id", format!("is required for source {source}")))
                }
                _ => {}
            }
            Row::Attribute {
                attribute_map_id: input.int("attribute_map_id", 1, MAX_ID)?,
                trendyol_category_id: input.required_int(
                    "trendyol_category_id",
                    1,
                    MAX_TRENDYOL_ID,
                )?,
                trendyol_attribute_id: input.required_int(
                    "trendyol_attribute_id",
                    1,
                    MAX_TRENDYOL_ID,
                )?,
                trendyol_attribute_name: name(&input, "trendyol_attribute_name")?,
                source,
                source_id,
                trendyol_value_id,
                custom_value,
            }
        }
        Kind::AttributeValue => {
            let input = Input::new(
                row,
                "an attribute value mapping",
                &[
                    "attribute_map_id",
                    "source_value",
                    "trendyol_value_id",
                    "trendyol_value_name",
                ],
            )?;
            Row::AttributeValue {
                attribute_map_id: input.required_int("attribute_map_id", 1, MAX_ID)?,
                source_value: input
                    .text("source_value", 255)?
                    .ok_or_else(|| bad("source_value", "is required"))?,
                trendyol_value_id: input.required_int("trendyol_value_id", 1, MAX_TRENDYOL_ID)?,
                trendyol_value_name: name(&input, "trendyol_value_name")?,
            }
        }
        Kind::Vat => {
            let input = Input::new(row, "a VAT mapping", &["tax_class_id", "vat_rate"])?;
            let vat_rate = input.required_int("vat_rate", 0, 100)?;
            if !VAT_RATES.contains(&vat_rate) {
                return Err(bad(
                    "vat_rate",
                    format!("{vat_rate} is not one of 0, 1, 10, 20"),
                ));
            }
            Row::Vat {
                tax_class_id: input.required_int("tax_class_id", 1, MAX_ID)?,
                vat_rate,
            }
        }
        Kind::OrderStatus => {
            let input = Input::new(
                row,
                "an order status mapping",
                &["trendyol_status", "order_status_id"],
            )?;
            let status = input
                .text("trendyol_status", 32)?
                .ok_or_else(|| bad("trendyol_status", "is required"))?;
            let known = trendyol_statuses();
            if !known.contains(&status.as_str()) {
                return Err(bad(
                    "trendyol_status",
                    format!("'{status}' is not one of {}", known.join(", ")),
                ));
            }
            Row::OrderStatus {
                trendyol_status: status,
                // 0: the status leaves the OpenCart order as it is.
                order_status_id: input.required_int("order_status_id", 0, MAX_ID)?,
            }
        }
    })
}
