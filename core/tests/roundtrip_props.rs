//! Property tests: decode(encode(v)) == v for arbitrary values, and arbitrary
//! or mutated bytes never panic the decoder.

use libdubbo_core::hessian2::{self, Decoder, Encoder};
use libdubbo_core::value::{equivalent, equivalent_messages, Value};
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::Int),
        any::<i64>().prop_map(Value::Long),
        // -0.0 is written as 0.0, as Java writes it; PartialEq treats them as equal.
        any::<f64>().prop_map(Value::Double),
        (-1_000_000i32..1_000_000).prop_map(|m| Value::Double(f64::from(m) / 1000.0)),
        any::<String>().prop_map(Value::String),
        "[a-z😀中é]{0,40}".prop_map(Value::String),
        prop::collection::vec(any::<u16>(), 0..20).prop_map(Value::Utf16),
        prop::collection::vec(any::<u8>(), 0..300).prop_map(Value::Bytes),
        any::<i64>().prop_map(Value::Date),
        (-1_000_000i64..1_000_000).prop_map(|m| Value::Date(m * 60_000)),
    ]
}

fn type_name() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        Just("[int".to_owned()),
        Just("java.util.HashSet".to_owned()),
        "[a-z]{1,8}(\\.[A-Z][a-z]{0,6})?",
    ])
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 64, 10, |inner| {
        prop_oneof![
            (type_name(), prop::collection::vec(inner.clone(), 0..12)).prop_map(|(t, items)| match t {
                Some(t) => Value::typed_list(&t, items),
                None => Value::list(items),
            }),
            (type_name(), prop::collection::vec((inner.clone(), inner.clone()), 0..6)).prop_map(|(t, e)| match t {
                Some(t) => Value::typed_map(&t, e),
                None => Value::map(e),
            }),
            // Few class names, so definitions get reused (and redefined with other fields).
            ("[AB]", prop::collection::vec(("[a-c]", inner), 0..4))
                .prop_map(|(c, fields)| Value::object(format!("x.{c}"), fields)),
        ]
    })
}

/// A `Utf16` that happens to be valid Unicode comes back as `String`.
fn normalise(v: Value) -> Value {
    match v {
        Value::Utf16(units) => String::from_utf16(&units).map_or(Value::Utf16(units), Value::String),
        Value::List(mut l) => {
            l.items = l.items.into_iter().map(normalise).collect();
            Value::List(l)
        }
        Value::Map(mut m) => {
            m.entries = m.entries.into_iter().map(|(k, v)| (normalise(k), normalise(v))).collect();
            Value::Map(m)
        }
        Value::Object(o) => {
            let fields: Vec<(String, Value)> = o.fields().map(|(n, v)| (n.to_owned(), normalise(v.clone()))).collect();
            Value::object(o.class(), fields)
        }
        other => other,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decode_of_encode_is_identity(values in prop::collection::vec(value(), 1..4)) {
        let mut e = Encoder::new();
        for v in &values {
            e.write(v).unwrap();
        }
        let back = hessian2::decode_all(e.bytes()).unwrap();
        let want: Vec<Value> = values.into_iter().map(normalise).collect();
        prop_assert!(equivalent_messages(&back, &want), "{:?} != {:?}", back, want);
    }

    #[test]
    fn refs_to_earlier_containers_round_trip(v in value(), at in 0u32..8) {
        // A list holding the value and then a ref: to itself (a cycle) or an earlier container.
        let containers = libdubbo_core::value::RefTable::build([&Value::list([v.clone()])]).len() as u32;
        let msg = Value::list([v, Value::Ref(at % containers)]);
        let bytes = hessian2::encode(&msg).unwrap();
        prop_assert!(equivalent(&hessian2::decode(&bytes).unwrap(), &normalise(msg)));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let mut d = Decoder::new(&bytes);
        while !d.is_at_end() {
            if d.read().is_err() { break; }
        }
    }

    #[test]
    fn mutated_encodings_never_panic(v in value(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        let mut bytes = hessian2::encode(&v).unwrap();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let _ = hessian2::decode_all(&bytes);
    }
}
