//! Endpoint classes: one per Trendyol operation (method + path template), with the service group
//! and the documented limits that apply to it.
//!
//! Trendyol limits requests "to the same endpoint" (50 per 10 s) and per service (the TR
//! per-minute table). An [`EndpointClass`] is the unit of both: the limiter keeps one bucket per
//! class and one per [`Service`], the circuit breaker and the metrics count per class, and errors
//! name the class. Path parameters (package ids, claim ids) do not make a new endpoint: every
//! status update of every package shares one class, which is the conservative reading.

use std::fmt;

/// Trendyol's per-service groups (the TR rate-limit table of Trendyol's developer documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    ProductCreate,
    ProductUpdate,
    ProductFilter,
    ProductDelete,
    BatchResult,
    /// Brands, categories, attributes, cargo providers.
    Catalog,
    /// Orders, packages and claims.
    Orders,
    PriceInventory,
    Webhooks,
}

impl Service {
    pub const ALL: [Service; 9] = [
        Service::ProductCreate,
        Service::ProductUpdate,
        Service::ProductFilter,
        Service::ProductDelete,
        Service::BatchResult,
        Service::Catalog,
        Service::Orders,
        Service::PriceInventory,
        Service::Webhooks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Service::ProductCreate => "product_create",
            Service::ProductUpdate => "product_update",
            Service::ProductFilter => "product_filter",
            Service::ProductDelete => "product_delete",
            Service::BatchResult => "batch_result",
            Service::Catalog => "catalog",
            Service::Orders => "orders",
            Service::PriceInventory => "price_inventory",
            Service::Webhooks => "webhooks",
        }
    }

    pub fn parse(name: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Requests per minute from Trendyol's TR table; 0 = no documented limit ("no limit" for
    /// price & inventory; none published for webhooks).
    pub fn default_per_minute(self) -> u32 {
        match self {
            Service::ProductCreate => 1000,
            Service::ProductUpdate => 1000,
            Service::ProductFilter => 2000,
            Service::ProductDelete => 100,
            Service::BatchResult => 1000,
            Service::Catalog => 50,
            Service::Orders => 1000,
            Service::PriceInventory => 0,
            Service::Webhooks => 0,
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Writes change state at Trendyol: they are never re-sent unless known not applied.
    pub fn is_write(self) -> bool {
        !matches!(self, Method::Get)
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

macro_rules! endpoint_classes {
    ($($variant:ident => ($method:ident, $name:literal, $service:ident),)*) => {
        /// One Trendyol operation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EndpointClass {
            $($variant,)*
        }

        impl EndpointClass {
            /// Every class, in declaration order.
            pub const ALL: &'static [EndpointClass] = &[$(EndpointClass::$variant,)*];

            /// Stable name, used in bucket keys, logs, metrics and errors.
            pub fn name(self) -> &'static str {
                match self { $(EndpointClass::$variant => $name,)* }
            }

            pub fn method(self) -> Method {
                match self { $(EndpointClass::$variant => Method::$method,)* }
            }

            pub fn service(self) -> Service {
                match self { $(EndpointClass::$variant => Service::$service,)* }
            }
        }
    };
}

endpoint_classes! {
    Brands => (Get, "product.brands", Catalog),
    BrandsByName => (Get, "product.brands.by-name", Catalog),
    Categories => (Get, "product.categories", Catalog),
    CategoryAttributes => (Get, "product.category-attributes", Catalog),
    AttributeValues => (Get, "product.attribute-values", Catalog),
    CargoProviders => (Get, "product.cargo-providers", Catalog),
    ProductCreateV1 => (Post, "product.create.v1", ProductCreate),
    ProductUpdateV1 => (Put, "product.update.v1", ProductUpdate),
    ProductFilter => (Get, "product.filter.v1", ProductFilter),
    ProductDelete => (Delete, "product.delete", ProductDelete),
    ProductCreateV2 => (Post, "product.create.v2", ProductCreate),
    ProductUpdateUnapproved => (Post, "product.update.unapproved", ProductUpdate),
    ProductUpdateContent => (Post, "product.update.content", ProductUpdate),
    ProductUpdateVariant => (Post, "product.update.variant", ProductUpdate),
    ProductsApproved => (Get, "product.approved", ProductFilter),
    ProductsUnapproved => (Get, "product.unapproved", ProductFilter),
    ProductArchive => (Put, "product.archive", ProductUpdate),
    BatchResult => (Get, "product.batch-result", BatchResult),
    PriceInventory => (Post, "inventory.price-and-inventory", PriceInventory),
    OrderList => (Get, "order.list", Orders),
    OrderStream => (Get, "order.stream", Orders),
    PackageStatus => (Put, "order.package.status", Orders),
    PackageUnsupplied => (Put, "order.package.unsupplied", Orders),
    PackageTracking => (Put, "order.package.tracking-number", Orders),
    InvoiceLink => (Post, "order.invoice-link", Orders),
    ClaimList => (Get, "claim.list", Orders),
    ClaimApprove => (Put, "claim.approve", Orders),
    ClaimReject => (Post, "claim.reject", Orders),
    ClaimIssueReasons => (Get, "claim.issue-reasons", Orders),
    WebhookCreate => (Post, "webhook.create", Webhooks),
    WebhookList => (Get, "webhook.list", Webhooks),
    WebhookUpdate => (Put, "webhook.update", Webhooks),
    WebhookDelete => (Delete, "webhook.delete", Webhooks),
    WebhookActivate => (Put, "webhook.activate", Webhooks),
    WebhookDeactivate => (Put, "webhook.deactivate", Webhooks),
}

impl EndpointClass {
    pub fn is_write(self) -> bool {
        self.method().is_write()
    }

    pub fn parse(name: &str) -> Option<EndpointClass> {
        EndpointClass::ALL
            .iter()
            .copied()
            .find(|c| c.name() == name)
    }
}

impl fmt::Display for EndpointClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Trendyol's general rule: at most this many requests to one endpoint...
pub const DEFAULT_PER_ENDPOINT_LIMIT: u32 = 50;
/// ...in this many seconds.
pub const DEFAULT_PER_ENDPOINT_WINDOW_SECS: u32 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut names: Vec<&str> = EndpointClass::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), EndpointClass::ALL.len());
        for c in EndpointClass::ALL {
            assert_eq!(EndpointClass::parse(c.name()), Some(*c));
        }
        assert!(EndpointClass::PriceInventory.is_write());
        assert!(!EndpointClass::BatchResult.is_write());
        assert_eq!(Service::parse("catalog"), Some(Service::Catalog));
        assert_eq!(Service::Catalog.default_per_minute(), 50);
    }
}
