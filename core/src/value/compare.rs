//! Comparing values as Java would: fields by name, map entries as a set.

use super::Value;

/// True when two values mean the same Java data: objects are compared field by
/// field by name (Java's field order depends on the JVM), maps by content
/// (Java's `HashMap` order is not ours to keep), doubles by bits (so NaN matches
/// itself), and everything else exactly, refs included.
pub fn equivalent(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits() || x == y,
        (Value::List(x), Value::List(y)) => {
            x.type_name == y.type_name
                && x.items.len() == y.items.len()
                && x.items.iter().zip(&y.items).all(|(p, q)| equivalent(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.type_name == y.type_name
                && x.entries.len() == y.entries.len()
                && x.entries.iter().all(|(k, v)| {
                    y.entries.iter().any(|(k2, v2)| equivalent(k, k2) && equivalent(v, v2))
                })
        }
        (Value::Object(x), Value::Object(y)) => {
            let same_order = x.def().fields == y.def().fields;
            x.class() == y.class()
                && x.values().len() == y.values().len()
                && if same_order {
                    x.values().iter().zip(y.values()).all(|(v, w)| equivalent(v, w))
                } else {
                    x.fields().all(|(name, v)| y.get(name).is_some_and(|w| equivalent(v, w)))
                }
        }
        _ => a == b,
    }
}
