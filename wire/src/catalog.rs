//! Reference data: brands, the category tree, category attributes and their values, cargo
//! providers. These are read-mostly lookups with a tight limit (50 req/min), so a client should
//! cache them.

use serde::{Deserialize, Serialize};

/// A brand. Names are matched case-sensitively by `brands/by-name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Brand {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub name: String,
}

/// `GET /integration/product/brands` → `{"brands":[...]}`.
/// `brands/by-name` answers a bare array of [`Brand`] instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BrandsResponse {
    #[serde(default)]
    pub brands: Vec<Brand>,
}

/// A node of the category tree. Only leaves (no `subCategories`) accept products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<u64>,
    #[serde(default)]
    pub sub_categories: Vec<Category>,
}

impl Category {
    /// True when products may be created in this category.
    pub fn is_leaf(&self) -> bool {
        self.sub_categories.is_empty()
    }

    /// Every leaf under (and including) this node, depth first.
    pub fn leaves(&self) -> Vec<&Category> {
        let mut out = Vec::new();
        fn walk<'a>(c: &'a Category, out: &mut Vec<&'a Category>) {
            if c.is_leaf() {
                out.push(c);
            }
            for s in &c.sub_categories {
                walk(s, out);
            }
        }
        walk(self, &mut out);
        out
    }
}

/// `GET /integration/product/product-categories` → `{"categories":[...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CategoryTree {
    #[serde(default)]
    pub categories: Vec<Category>,
}

impl CategoryTree {
    /// Finds a node anywhere in the tree.
    pub fn find(&self, id: u64) -> Option<&Category> {
        fn walk(cs: &[Category], id: u64) -> Option<&Category> {
            for c in cs {
                if c.id == id {
                    return Some(c);
                }
                if let Some(f) = walk(&c.sub_categories, id) {
                    return Some(f);
                }
            }
            None
        }
        walk(&self.categories, id)
    }
}

/// `{id, name}` pairs used in several places.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct IdName {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub name: String,
}

/// One attribute of a category with the flags that drive product forms.
/// `varianter`/`slicer` attributes cannot change after approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CategoryAttribute {
    #[serde(default)]
    pub category_id: Option<u64>,
    #[serde(default)]
    pub attribute: IdName,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub allow_custom: bool,
    #[serde(default)]
    pub varianter: bool,
    #[serde(default)]
    pub slicer: bool,
    #[serde(default)]
    pub allow_multiple_attribute_values: bool,
    /// The values to choose from (empty for a free-text attribute); the full list pages
    /// through the attribute-values endpoint.
    #[serde(default)]
    pub attribute_values: Vec<IdName>,
}

/// `GET /integration/product/categories/{id}/attributes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CategoryAttributes {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub category_attributes: Vec<CategoryAttribute>,
}

/// One allowed value of an attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AttributeValue {
    #[serde(default)]
    pub attribute_value_id: u64,
    #[serde(default)]
    pub attribute_value_name: String,
}

/// `GET .../categories/{id}/attributes/{attrId}/values?page=&size=` (size ≤ 1000).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AttributeValuesPage {
    #[serde(default)]
    pub content: Vec<AttributeValue>,
    #[serde(default)]
    pub page: Option<u64>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub total_elements: Option<u64>,
    #[serde(default)]
    pub total_pages: Option<u64>,
}

/// `GET /integration/product/lookup/cargo-providers` → a bare array of these. V2 products name
/// providers by `code`; V1 products use the numeric `id` as `cargoCompanyId`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CargoProvider {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub tax_number: Option<String>,
}
