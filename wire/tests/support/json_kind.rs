//! The JSON type of a value, by name: the contract tests compare shapes with it, never through
//! the wire structs (shared by the engine's and the sandbox's contract tests).

use serde_json::Value;

/// `null`, `bool`, `number`, `string`, `array` or `object`.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
