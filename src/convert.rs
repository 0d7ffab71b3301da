//! PHP arrays ⇄ Rust values.
//!
//! The engine speaks `serde_json::Value` (with `preserve_order`, so PHP's key order survives a
//! round trip); this module is the only place that touches Zvals. Lists become PHP lists, maps
//! become associative arrays, integers stay integers.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::{Map, Number, Value};

/// Nesting deeper than this is refused: no configuration or payload needs it, and it bounds
/// recursion on hostile input.
const MAX_DEPTH: usize = 32;

/// A PHP value → JSON-like value. Objects and resources are refused with a clear message.
fn to_value(zval: &Zval, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("array nested deeper than {MAX_DEPTH} levels"));
    }
    if zval.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = zval.bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = zval.long() {
        return Ok(Value::Number(n.into()));
    }
    if let Some(f) = zval.double() {
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("{f} is not a finite number"));
    }
    if let Some(s) = zval.string() {
        return Ok(Value::String(s));
    }
    if let Some(array) = zval.array() {
        return array_to_value(array, depth + 1);
    }
    if let Some(object) = zval.object() {
        let class = object.get_class_name().unwrap_or_else(|_| "?".into());
        return Err(format!(
            "an object of class {class} cannot be passed to MesChain (use scalars and arrays)"
        ));
    }
    Err(format!(
        "a {} cannot be passed to MesChain (use scalars and arrays)",
        zval.get_type()
    ))
}

/// A PHP array → a JSON array if its keys are 0..n-1, otherwise an object.
pub fn array_to_value(array: &ZendHashTable, depth: usize) -> Result<Value, String> {
    if array.has_sequential_keys() {
        let mut list = Vec::with_capacity(array.len());
        for (_, value) in array.iter() {
            list.push(to_value(value, depth)?);
        }
        return Ok(Value::Array(list));
    }
    let mut map = Map::new();
    for (key, value) in array.iter() {
        map.insert(key.to_string(), to_value(value, depth)?);
    }
    Ok(Value::Object(map))
}

/// A JSON-like value → a PHP value.
pub fn value_to_zval(value: &Value) -> Result<Zval, String> {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(b) => zval.set_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => zval.set_long(i),
            None => zval.set_double(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => zval.set_string(s, false).map_err(|e| e.to_string())?,
        Value::Array(_) | Value::Object(_) => zval.set_hashtable(value_to_array(value)?),
    }
    Ok(zval)
}

/// A JSON array or object → a PHP array (a scalar becomes a one-element list).
pub fn value_to_array(value: &Value) -> Result<ZBox<ZendHashTable>, String> {
    let mut array = ZendHashTable::new();
    match value {
        Value::Array(items) => {
            for item in items {
                array
                    .push(value_to_zval(item)?)
                    .map_err(|e| e.to_string())?;
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                array
                    .insert(key.as_str(), value_to_zval(item)?)
                    .map_err(|e| e.to_string())?;
            }
        }
        scalar => array
            .push(value_to_zval(scalar)?)
            .map_err(|e| e.to_string())?,
    }
    Ok(array)
}

/// A PHP headers array (`name => value` or `name => [values]`) → `(name, value)` pairs. Values
/// that are not strings are converted as PHP would print them; anything else is skipped (a header
/// is never worth failing a delivery over).
pub fn header_pairs(headers: &ZendHashTable) -> Vec<(String, String)> {
    fn text(zval: &Zval) -> Option<String> {
        if let Some(s) = zval.zend_str() {
            return Some(String::from_utf8_lossy(s.as_bytes()).into_owned());
        }
        if let Some(n) = zval.long() {
            return Some(n.to_string());
        }
        None
    }
    let mut pairs = Vec::with_capacity(headers.len());
    for (key, value) in headers.iter() {
        let name = key.to_string();
        if let Some(list) = value.array() {
            for (_, item) in list.iter() {
                if let Some(v) = text(item) {
                    pairs.push((name.clone(), v));
                }
            }
        } else if let Some(v) = text(value) {
            pairs.push((name, v));
        }
    }
    pairs
}
