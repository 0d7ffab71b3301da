//! Read-only Trendyol lookups by name, for PHP: the admin's search pickers (brands, categories,
//! attributes, cargo providers), its diagnostics (a package, a batch, the webhook list) and
//! scripts that need to ask Trendyol one thing.
//!
//! Only reads are offered here: writes belong to the sync jobs, which track every write to its
//! end. Parameters arrive as a PHP array; a missing or mistyped one is a configuration error
//! that names it, never a request Trendyol would reject.

use serde::Serialize;
use serde_json::{Map, Value};

use super::api::{OrdersQuery, Paging, ProductListQuery};
use super::client::TrendyolClient;
use crate::error::{Error, Result};

/// The operations [`read`] understands, with their parameters (for error messages and docs).
pub const OPERATIONS: &[(&str, &str)] = &[
    ("brands", "page, size"),
    ("brand_by_name", "name"),
    ("categories", ""),
    ("category_attributes", "category_id"),
    ("attribute_values", "category_id, attribute_id, page, size"),
    ("cargo_providers", ""),
    ("claim_issue_reasons", ""),
    ("webhooks", ""),
    ("batch_result", "batch_request_id"),
    (
        "orders",
        "page, size, status, order_number, start_date, end_date",
    ),
    ("approved_products", "page, size, barcode"),
    ("unapproved_products", "page, size, barcode"),
];

/// Runs one read-only operation and returns Trendyol's answer as JSON.
pub async fn read(
    client: &TrendyolClient,
    operation: &str,
    params: &Map<String, Value>,
) -> Result<Value> {
    let p = Params { operation, params };
    p.check_known()?;
    match operation {
        "brands" => to_json(client.brands(p.paging()?).await?),
        "brand_by_name" => to_json(client.brands_by_name(&p.text("name")?).await?),
        "categories" => to_json(client.categories().await?),
        "category_attributes" => to_json(client.category_attributes(p.id("category_id")?).await?),
        "attribute_values" => to_json(
            client
                .attribute_values(p.id("category_id")?, p.id("attribute_id")?, p.paging()?)
                .await?,
        ),
        "cargo_providers" => to_json(client.cargo_providers().await?),
        "claim_issue_reasons" => to_json(client.claim_issue_reasons().await?),
        "webhooks" => to_json(client.webhooks().await?),
        "batch_result" => to_json(client.batch_result(&p.text("batch_request_id")?).await?),
        "orders" => {
            let query = OrdersQuery {
                page: p.optional_id("page")?,
                size: p.optional_id("size")?,
                status: p.optional_text("status")?,
                order_number: p.optional_text("order_number")?,
                start_date: p.optional_id("start_date")?.map(|v| v as i64),
                end_date: p.optional_id("end_date")?.map(|v| v as i64),
                ..Default::default()
            };
            to_json(client.orders(&query).await?)
        }
        "approved_products" | "unapproved_products" => {
            let query = ProductListQuery {
                page: p.optional_id("page")?,
                size: p.optional_id("size")?,
                barcode: p.optional_text("barcode")?,
                ..Default::default()
            };
            if operation == "approved_products" {
                to_json(client.approved_products(&query).await?)
            } else {
                to_json(client.unapproved_products(&query).await?)
            }
        }
        _ => unreachable!("check_known accepted only listed operations"),
    }
}

fn to_json<T: Serialize>(value: T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::Internal(format!("serialising an answer: {e}")))
}

struct Params<'a> {
    operation: &'a str,
    params: &'a Map<String, Value>,
}

impl Params<'_> {
    fn check_known(&self) -> Result<()> {
        let Some((_, allowed)) = OPERATIONS.iter().find(|(name, _)| *name == self.operation) else {
            let names: Vec<&str> = OPERATIONS.iter().map(|(n, _)| *n).collect();
            return Err(Error::Config(format!(
                "unknown Trendyol read '{}'; allowed: {}",
                self.operation,
                names.join(", ")
            )));
        };
        for key in self.params.keys() {
            if !allowed.split(", ").any(|a| a == key) {
                return Err(Error::Config(format!(
                    "'{}' takes {}; got an unknown parameter '{key}'",
                    self.operation,
                    if allowed.is_empty() {
                        "no parameters"
                    } else {
                        allowed
                    }
                )));
            }
        }
        Ok(())
    }

    fn bad(&self, key: &str, wanted: &str) -> Error {
        Error::Config(format!("'{}' needs '{key}' as {wanted}", self.operation))
    }

    fn optional_id(&self, key: &str) -> Result<Option<u64>> {
        match self.params.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.bad(key, "a whole number ≥ 0")),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| self.bad(key, "a whole number ≥ 0")),
            Some(_) => Err(self.bad(key, "a whole number ≥ 0")),
        }
    }

    fn id(&self, key: &str) -> Result<u64> {
        self.optional_id(key)?
            .ok_or_else(|| self.bad(key, "a whole number"))
    }

    fn optional_text(&self, key: &str) -> Result<Option<String>> {
        match self.params.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(self.bad(key, "non-empty text")),
        }
    }

    fn text(&self, key: &str) -> Result<String> {
        self.optional_text(key)?
            .ok_or_else(|| self.bad(key, "non-empty text"))
    }

    fn paging(&self) -> Result<Paging> {
        Ok(Paging {
            page: self.optional_id("page")?,
            size: self.optional_id("size")?,
        })
    }
}
