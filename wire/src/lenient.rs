//! Lists read one item at a time.
//!
//! A page of a thousand packages must not be lost because one of them carries a field the
//! client cannot read (a number where a text was documented, a required id missing): serde
//! would refuse the whole page, and the run with it. [`Lenient`] reads each element on its
//! own; the readable ones are the list, the others are kept aside as [`Unreadable`] — which
//! item (its position and id) and which field, in serde's words — for the caller to log and
//! report against that one item.

use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// An element that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// Its position in the list.
    pub index: usize,
    /// Its id as far as it can be told (`shipmentPackageId`, `id`, `orderNumber`, `barcode`).
    pub id: Option<String>,
    /// The field that failed (`lines[0].quantity`), empty when the element itself is wrong.
    pub field: String,
    pub error: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = self
            .id
            .as_deref()
            .map_or_else(|| format!("item {}", self.index), |id| format!("item {id}"));
        if self.field.is_empty() || self.field == "." {
            write!(f, "{id}: {}", self.error)
        } else {
            write!(f, "{id}, field {}: {}", self.field, self.error)
        }
    }
}

/// A list whose unreadable elements are set aside instead of failing the whole list.
#[derive(Debug, Clone, PartialEq)]
pub struct Lenient<T> {
    items: Vec<T>,
    unreadable: Vec<Unreadable>,
}

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient {
            items: Vec::new(),
            unreadable: Vec::new(),
        }
    }
}

impl<T> Lenient<T> {
    /// The elements that could not be read.
    pub fn unreadable(&self) -> &[Unreadable] {
        &self.unreadable
    }

    /// The readable elements.
    pub fn into_vec(self) -> Vec<T> {
        self.items
    }

    /// The readable elements and the others.
    pub fn into_parts(self) -> (Vec<T>, Vec<Unreadable>) {
        (self.items, self.unreadable)
    }
}

impl<T> From<Vec<T>> for Lenient<T> {
    fn from(items: Vec<T>) -> Self {
        Lenient {
            items,
            unreadable: Vec::new(),
        }
    }
}

impl<T> Deref for Lenient<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T> DerefMut for Lenient<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.items
    }
}

impl<T> IntoIterator for Lenient<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Lenient<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

/// The id of an element, from the keys Trendyol's lists use.
fn id_of(v: &Value) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    [
        "shipmentPackageId",
        "id",
        "claimId",
        "orderNumber",
        "barcode",
    ]
    .iter()
    .find_map(|k| v.get(k).and_then(text))
    // A batch item names its product inside its request item.
    .or_else(|| v.get("requestItem")?.get("barcode").and_then(text))
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Option::<Vec<Value>>::deserialize(d)?.unwrap_or_default();
        let mut out = Lenient::default();
        for (index, v) in raw.into_iter().enumerate() {
            let id = id_of(&v);
            match serde_path_to_error::deserialize::<_, T>(&v) {
                Ok(item) => out.items.push(item),
                Err(e) => out.unreadable.push(Unreadable {
                    index,
                    id,
                    field: e.path().to_string(),
                    error: e.into_inner().to_string(),
                }),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: u64,
        qty: i64,
    }

    #[test]
    fn one_bad_element_is_set_aside_with_its_id_and_field() {
        let l: Lenient<Item> =
            serde_json::from_str(r#"[{"id":1,"qty":2},{"id":7,"qty":"x"},{"id":3,"qty":4}]"#)
                .unwrap();
        assert_eq!(l.iter().map(|i| i.id).collect::<Vec<_>>(), vec![1, 3]);
        let bad = &l.unreadable()[0];
        assert_eq!(
            (bad.index, bad.id.as_deref(), bad.field.as_str()),
            (1, Some("7"), "qty")
        );
        assert!(bad.to_string().contains("item 7, field qty"), "{bad}");
    }

    #[test]
    fn null_is_an_empty_list() {
        let l: Lenient<Item> = serde_json::from_str("null").unwrap();
        assert!(l.is_empty() && l.unreadable().is_empty());
    }
}
