//! Values cross the C ABI as JSON text (DESIGN "The Value model", the C ABI column).
//!
//! | Value | JSON |
//! |---|---|
//! | null, bool, string | `null`, `true`, `"text"` |
//! | int (i32) | a number without a fraction that fits i32: `5` |
//! | long (i64) | a number that does not fit i32, else `{"$type":"long","value":5}` |
//! | double | a number with a fraction or exponent: `2.0`, `1e300`; NaN/±Infinity as `{"$type":"double","value":"NaN"}` |
//! | bytes | `{"$bytes":"base64"}` |
//! | date | `{"$date": ms}` |
//! | list | an array; a typed one (`[int`, `java.util.HashSet`) `{"$list":"[int","items":[...]}` |
//! | map | an object with string keys; a typed one, or one with other keys, `{"$map":"type or null","entries":[[k,v],...]}` |
//! | object | `{"$class":"org.example.User","name":"Bob","age":14}` (BigDecimal: `"value":"1.50"`, enum: `"name":"RED"`) |
//! | shared / cyclic | `{"$ref": n}`: the n-th list, map or object of the message (pre-order, from 0) |
//! | a lone-surrogate string | `{"$utf16":[55357]}` |
//!
//! Going in, `{"$type": T, "value": v}` pins a Java type: `int`, `long`, `short`,
//! `byte`, `float`, `double`, `char`, `boolean`, `string`. Any other key starting
//! with `$` at the top of an object is an error, so typos do not turn into maps.

use base64::Engine;
use libdubbo_core::value::{List, Map};
use libdubbo_core::Value;
use serde_json::{json, Map as JsonMap, Number, Value as Json};

use crate::error::dubbo_error;

/// Deeper values are refused (the Hessian2 decoder allows 256 levels).
const MAX_DEPTH: usize = 300;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// `values[0]` (or all of them as an array, when `as_array`) as JSON text.
pub fn to_json(values: &[Value], as_array: bool) -> Result<String, dubbo_error> {
    let json = if as_array {
        Json::Array(values.iter().map(|v| out(v, 0)).collect::<Result<_, _>>()?)
    } else {
        out(values.first().unwrap_or(&Value::Null), 0)?
    };
    serde_json::to_string(&json).map_err(|e| codec(format!("cannot write JSON: {e}")))
}

/// One value from JSON text.
pub fn from_json(text: &str) -> Result<Value, dubbo_error> {
    let json: Json = serde_json::from_str(text).map_err(|e| dubbo_error::invalid(format!("bad JSON value: {e}")))?;
    inp(&json, 0)
}

/// Call arguments: a JSON array (empty text is no arguments).
pub fn args_from_json(text: &str) -> Result<Vec<Value>, dubbo_error> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    match from_json_raw(text)? {
        Json::Array(items) => items.iter().map(|v| inp(v, 1)).collect(),
        _ => Err(dubbo_error::invalid("arguments must be a JSON array")),
    }
}

/// Attachments: a JSON object of key → value (empty text is none).
pub fn attachments_from_json(text: &str) -> Result<Vec<(String, Value)>, dubbo_error> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    match from_json_raw(text)? {
        Json::Object(m) => m.iter().map(|(k, v)| Ok((k.clone(), inp(v, 1)?))).collect(),
        _ => Err(dubbo_error::invalid("attachments must be a JSON object")),
    }
}

/// Attachments as a JSON object.
pub fn attachments_to_json(attachments: &[(String, Value)]) -> Result<String, dubbo_error> {
    let mut m = JsonMap::new();
    for (k, v) in attachments {
        m.insert(k.clone(), out(v, 1)?);
    }
    serde_json::to_string(&Json::Object(m)).map_err(|e| codec(format!("cannot write JSON: {e}")))
}

/// A JSON array of strings (`["int","java.lang.String"]`); empty text is none.
pub fn strings_from_json(text: &str, what: &str) -> Result<Vec<String>, dubbo_error> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(text).map_err(|e| dubbo_error::invalid(format!("{what} must be a JSON array of strings: {e}")))
}

/// A parsed JSON document.
pub fn from_json_raw(text: &str) -> Result<Json, dubbo_error> {
    serde_json::from_str(text).map_err(|e| dubbo_error::invalid(format!("bad JSON: {e}")))
}

fn codec(message: String) -> dubbo_error {
    dubbo_error::new(crate::error::DUBBO_E_CODEC, message)
}

fn out(v: &Value, depth: usize) -> Result<Json, dubbo_error> {
    if depth > MAX_DEPTH {
        return Err(codec(format!("the value nests deeper than {MAX_DEPTH} levels")));
    }
    let d = depth + 1;
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => json!(i),
        Value::Long(l) if i32::try_from(*l).is_ok() => json!({"$type": "long", "value": l}),
        Value::Long(l) => json!(l),
        // serde_json writes 2.0 as "2.0", which reads back as a double.
        Value::Double(f) => match Number::from_f64(*f) {
            Some(n) => Json::Number(n),
            None => json!({"$type": "double", "value": if f.is_nan() { "NaN" } else if *f > 0.0 { "Infinity" } else { "-Infinity" }}),
        },
        Value::String(s) => Json::String(s.clone()),
        Value::Utf16(units) => json!({"$utf16": units}),
        Value::Bytes(b) => json!({"$bytes": B64.encode(b)}),
        Value::Date(ms) => json!({"$date": ms}),
        Value::Ref(n) => json!({"$ref": n}),
        Value::List(l) => {
            let items = l.items.iter().map(|i| out(i, d)).collect::<Result<Vec<_>, _>>()?;
            match &l.type_name {
                None => Json::Array(items),
                Some(t) => json!({"$list": &**t, "items": items}),
            }
        }
        Value::Map(m) => {
            let plain = m.type_name.is_none() && m.entries.iter().all(|(k, _)| k.as_str().is_some_and(|k| !k.starts_with('$')));
            let unique = plain && {
                let mut keys: Vec<&str> = m.entries.iter().filter_map(|(k, _)| k.as_str()).collect();
                keys.sort_unstable();
                keys.windows(2).all(|w| w[0] != w[1])
            };
            if unique {
                let mut o = JsonMap::new();
                for (k, v) in &m.entries {
                    o.insert(k.as_str().unwrap_or_default().to_owned(), out(v, d)?);
                }
                Json::Object(o)
            } else {
                let entries = m.entries.iter().map(|(k, v)| Ok(json!([out(k, d)?, out(v, d)?]))).collect::<Result<Vec<_>, dubbo_error>>()?;
                json!({"$map": m.type_name.as_deref(), "entries": entries})
            }
        }
        Value::Object(o) => {
            let mut m = JsonMap::new();
            m.insert("$class".to_owned(), Json::String(o.class().to_owned()));
            for (name, value) in o.fields() {
                m.insert(name.to_owned(), out(value, d)?);
            }
            Json::Object(m)
        }
    })
}

fn inp(j: &Json, depth: usize) -> Result<Value, dubbo_error> {
    if depth > MAX_DEPTH {
        return Err(dubbo_error::invalid(format!("the JSON value nests deeper than {MAX_DEPTH} levels")));
    }
    let d = depth + 1;
    Ok(match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => number(n)?,
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::list(items.iter().map(|i| inp(i, d)).collect::<Result<Vec<_>, _>>()?),
        Json::Object(m) => match m.keys().find(|k| k.starts_with('$')).map(String::as_str) {
            None => Value::map(m.iter().map(|(k, v)| Ok((Value::String(k.clone()), inp(v, d)?))).collect::<Result<Vec<_>, dubbo_error>>()?),
            Some("$class") => {
                let class = m["$class"].as_str().filter(|c| !c.is_empty()).ok_or_else(|| dubbo_error::invalid("$class must be a class name"))?;
                let fields = m.iter().filter(|(k, _)| *k != "$class").map(|(k, v)| Ok((k.clone(), inp(v, d)?))).collect::<Result<Vec<_>, dubbo_error>>()?;
                Value::object(class, fields)
            }
            Some("$type") => typed(m, d)?,
            Some("$bytes") => {
                let text = m["$bytes"].as_str().ok_or_else(|| dubbo_error::invalid("$bytes must be a base64 string"))?;
                Value::Bytes(B64.decode(text).map_err(|e| dubbo_error::invalid(format!("bad base64 in $bytes: {e}")))?)
            }
            Some("$date") => Value::Date(m["$date"].as_i64().ok_or_else(|| dubbo_error::invalid("$date must be milliseconds (an integer)"))?),
            Some("$ref") => {
                let n = m["$ref"].as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| dubbo_error::invalid("$ref must be a container index"))?;
                Value::Ref(n)
            }
            Some("$utf16") => {
                let units: Vec<u16> = serde_json::from_value(m["$utf16"].clone()).map_err(|e| dubbo_error::invalid(format!("$utf16: {e}")))?;
                Value::Utf16(units)
            }
            Some("$list") => {
                let type_name = m["$list"].as_str().map(Into::into);
                let items = m.get("items").and_then(Json::as_array).ok_or_else(|| dubbo_error::invalid("$list needs \"items\": [...]"))?;
                Value::List(List { type_name, items: items.iter().map(|i| inp(i, d)).collect::<Result<_, _>>()? })
            }
            Some("$map") => {
                let type_name = m["$map"].as_str().map(Into::into);
                let entries = m.get("entries").and_then(Json::as_array).ok_or_else(|| dubbo_error::invalid("$map needs \"entries\": [[k, v], ...]"))?;
                let entries = entries
                    .iter()
                    .map(|e| match e.as_array().map(Vec::as_slice) {
                        Some([k, v]) => Ok((inp(k, d)?, inp(v, d)?)),
                        _ => Err(dubbo_error::invalid("each $map entry is [key, value]")),
                    })
                    .collect::<Result<_, _>>()?;
                Value::Map(Map { type_name, entries })
            }
            Some(other) => return Err(dubbo_error::invalid(format!("unknown JSON wrapper key {other:?}"))),
        },
    })
}

fn number(n: &Number) -> Result<Value, dubbo_error> {
    if let Some(i) = n.as_i64() {
        return Ok(i32::try_from(i).map_or(Value::Long(i), Value::Int));
    }
    if n.is_u64() {
        return Err(dubbo_error::invalid(format!("{n} does not fit a Java long")));
    }
    Ok(Value::Double(n.as_f64().unwrap_or(f64::NAN)))
}

fn typed(m: &JsonMap<String, Json>, depth: usize) -> Result<Value, dubbo_error> {
    let t = m["$type"].as_str().unwrap_or_default();
    let v = m.get("value").unwrap_or(&Json::Null);
    let bad = || dubbo_error::invalid(format!("{v} is not a valid {t:?}"));
    let int = || v.as_i64().ok_or_else(bad);
    let float = || -> Result<f64, dubbo_error> {
        match v {
            Json::String(s) => match s.as_str() {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => Err(bad()),
            },
            _ => v.as_f64().ok_or_else(bad),
        }
    };
    Ok(match t {
        "int" | "java.lang.Integer" => Value::Int(i32::try_from(int()?).map_err(|_| bad())?),
        "long" | "java.lang.Long" => Value::Long(int()?),
        "short" | "java.lang.Short" => Value::short(i16::try_from(int()?).map_err(|_| bad())?),
        "byte" | "java.lang.Byte" => Value::byte(i8::try_from(int()?).map_err(|_| bad())?),
        "double" | "java.lang.Double" => Value::Double(float()?),
        "float" | "java.lang.Float" => Value::float(float()? as f32),
        "boolean" | "java.lang.Boolean" => Value::Bool(v.as_bool().ok_or_else(bad)?),
        "char" | "java.lang.Character" => {
            let s = v.as_str().filter(|s| s.chars().count() == 1).ok_or_else(bad)?;
            Value::String(s.to_owned())
        }
        "string" | "java.lang.String" => match v {
            Json::Null => Value::Null,
            _ => Value::String(v.as_str().ok_or_else(bad)?.to_owned()),
        },
        _ => {
            let _ = depth;
            return Err(dubbo_error::invalid(format!("unknown $type {t:?} (int, long, short, byte, double, float, boolean, char, string)")));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(v: Value) {
        let text = to_json(std::slice::from_ref(&v), false).unwrap();
        assert_eq!(from_json(&text).unwrap(), v, "{text}");
    }

    #[test]
    fn every_value_kind_survives_json() {
        round(Value::Null);
        round(Value::Bool(true));
        round(Value::Int(-5));
        round(Value::Long(7));
        round(Value::Long(1 << 40));
        round(Value::Double(2.0));
        round(Value::Double(0.1));
        round(Value::Double(1e300));
        round(Value::String("héllo ✓".into()));
        round(Value::Utf16(vec![0xd83d]));
        round(Value::Bytes((0..=255).collect()));
        round(Value::Date(1_700_000_000_123));
        round(Value::int_array(&[1, 2, 3]));
        round(Value::list([Value::Int(1), Value::from("a")]));
        round(Value::map([(Value::from("k"), Value::Int(1)), (Value::from("j"), Value::Null)]));
        round(Value::map([(Value::Int(1), Value::Int(1))]));
        round(Value::typed_map("java.util.LinkedHashMap", [(Value::from("k"), Value::Int(1))]));
        round(Value::object("org.example.User", [("name", Value::from("Bob")), ("age", Value::Int(14))]));
        round(Value::big_decimal("12.50"));
        round(Value::list([Value::object("org.example.Node", [("name", Value::from("a")), ("next", Value::Ref(1))]), Value::Ref(0)]));
        round(Value::hash_set([Value::from("x")]));
        let text = to_json(&[Value::Double(f64::NAN)], false).unwrap();
        assert!(matches!(from_json(&text).unwrap(), Value::Double(f) if f.is_nan()));
    }

    #[test]
    fn wrappers_pin_java_types() {
        assert_eq!(from_json(r#"{"$type":"long","value":5}"#).unwrap(), Value::Long(5));
        assert_eq!(from_json(r#"{"$type":"float","value":0.1}"#).unwrap(), Value::float(0.1));
        assert_eq!(from_json("5").unwrap(), Value::Int(5));
        assert_eq!(from_json("5000000000").unwrap(), Value::Long(5_000_000_000));
        assert_eq!(from_json("5.0").unwrap(), Value::Double(5.0));
        for bad in [r#"{"$type":"int","value":5000000000}"#, r#"{"$nope":1}"#, r#"{"$bytes":"!!"}"#, "18446744073709551615", "[1,"] {
            assert!(from_json(bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(from_json(&deep).is_ok());
        let deeper = "[".repeat(5000) + &"]".repeat(5000);
        assert!(from_json(&deeper).is_err());
        assert_eq!(args_from_json("").unwrap(), vec![]);
        assert!(args_from_json("{}").is_err());
    }
}
