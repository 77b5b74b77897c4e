//! `consistenthash` (Java's `ConsistentHashLoadBalance`): a ketama ring per
//! `serviceKey.method`, rebuilt when the provider list changes. Each provider
//! gets `hash.nodes` (160) points: for `i` in `0..nodes/4`, MD5 of
//! `"{host}:{port}{i}"` gives four 32-bit little-endian points. A call's key is
//! the concatenated `String.valueOf` of the `hash.arguments` (default `"0"`),
//! hashed the same way (first point); the provider is the first point at or
//! after it, wrapping around. Same providers and arguments → the same provider
//! as Java picks.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use super::Pick;
use crate::cluster::Invoker;
use crate::url::{defaults, keys};
use crate::value::Value;

/// One ring: its points (hash → provider index) and what it was built from.
#[derive(Debug)]
struct Ring {
    /// The providers it was built for, by entry and URL (Java compares `invokers.hashCode()`).
    built_for: Vec<(usize, u64)>,
    points: BTreeMap<u32, usize>,
    arguments: Vec<usize>,
}

/// The consistent-hash state of one reference.
#[derive(Debug, Default)]
pub struct ConsistentHash {
    rings: Mutex<HashMap<String, Arc<Ring>>>,
}

/// The `number`-th 32-bit point of an MD5 digest, as Java's `hash(digest, number)`.
fn point(digest: &[u8; 16], number: usize) -> u32 {
    let b = &digest[number * 4..number * 4 + 4];
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

impl ConsistentHash {
    pub(super) fn select<I: Invoker>(&self, invokers: &[Arc<I>], pick: &Pick<'_>) -> usize {
        let identities: Vec<(usize, u64)> = invokers.iter().map(|i| (Arc::as_ptr(i) as *const () as usize, i.info().fingerprint)).collect();
        let key = format!("{}.{}", pick.service_key, pick.method);
        let ring = {
            let mut rings = self.rings.lock().unwrap_or_else(|p| p.into_inner());
            match rings.get(&key) {
                Some(ring) if ring.built_for == identities => ring.clone(),
                _ => {
                    let ring = Arc::new(build(invokers, pick, identities));
                    rings.insert(key, ring.clone());
                    ring
                }
            }
        };
        let mut text = String::new();
        for &i in &ring.arguments {
            if let Some(arg) = pick.args.get(i) {
                text.push_str(&java_string(arg));
            }
        }
        let hash = point(&md5::compute(text.as_bytes()).0, 0);
        ring.points.range(hash..).next().or_else(|| ring.points.iter().next()).map_or(0, |(_, &i)| i)
    }
}

fn build<I: Invoker>(invokers: &[Arc<I>], pick: &Pick<'_>, built_for: Vec<(usize, u64)>) -> Ring {
    let nodes = pick.param(invokers, keys::HASH_NODES).and_then(|n| n.parse().ok()).unwrap_or(defaults::HASH_NODES);
    let arguments = pick
        .param(invokers, keys::HASH_ARGUMENTS)
        .unwrap_or(defaults::HASH_ARGUMENTS)
        .split(',')
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    let mut points = BTreeMap::new();
    for (index, invoker) in invokers.iter().enumerate() {
        let address = &invoker.info().address;
        for i in 0..nodes / 4 {
            let digest = md5::compute(format!("{address}{i}").as_bytes()).0;
            for h in 0..4 {
                // A later provider takes a point an earlier one had, as TreeMap.put does.
                points.insert(point(&digest, h), index);
            }
        }
    }
    Ring { built_for, points, arguments }
}

/// Java's `String.valueOf(arg)` for the values that have one in common with
/// Java: strings, numbers, booleans, null. Other values (objects, lists) print
/// as Java's `toString` would not, so they do not hash like Java's.
pub fn java_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Long(l) => l.to_string(),
        Value::Double(d) => java_double(*d),
        Value::String(s) => s.clone(),
        Value::Date(ms) => ms.to_string(),
        other => format!("{other:?}"),
    }
}

/// `Double.toString` for the common cases: integral values keep `.0`, and
/// Java's scientific form for very large or small magnitudes is approximated.
fn java_double(d: f64) -> String {
    if d.is_nan() {
        return "NaN".to_owned();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let abs = d.abs();
    if abs != 0.0 && !(1e-3..1e7).contains(&abs) {
        let s = format!("{d:E}");
        return if s.contains('.') { s } else { s.replacen('E', ".0E", 1) };
    }
    if d.fract() == 0.0 { format!("{d:.1}") } else { format!("{d}") }
}

#[cfg(test)]
mod tests {
    use super::super::tests::pick;
    use super::*;
    use crate::cluster::testing::Fake;
    use crate::url::Url;

    #[test]
    fn points_are_little_endian_words_of_the_digest() {
        let d: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0xFF];
        assert_eq!(point(&d, 0), 0x0403_0201);
        assert_eq!(point(&d, 3), 0xFF0F_0E0D);
    }

    #[test]
    fn the_same_arguments_go_to_the_same_provider_and_few_move_when_one_goes() {
        let fakes: Vec<_> = (1..=5).map(|p| Fake::new(&format!("127.0.0.1:{}", 20880 + p))).collect();
        let (ch, consumer) = (ConsistentHash::default(), Url::default());
        let keys: Vec<Vec<Value>> = (0..200).map(|i| vec![Value::from(format!("user-{i}"))]).collect();
        let first: Vec<usize> = keys.iter().map(|k| ch.select(&fakes, &pick(&consumer, k))).collect();
        assert_eq!(first, keys.iter().map(|k| ch.select(&fakes, &pick(&consumer, k))).collect::<Vec<_>>());
        assert!(first.iter().collect::<std::collections::HashSet<_>>().len() == 5, "all providers get keys");
        // Without the last provider, only its keys move.
        let fewer = &fakes[..4];
        for (k, &was) in keys.iter().zip(&first) {
            let now = ch.select(fewer, &pick(&consumer, k));
            if was != 4 {
                assert_eq!(now, was);
            }
        }
        // hash.arguments picks which arguments count.
        let by_second = Url::default().with("hash.arguments", "1");
        let a = ch.select(&fakes, &pick(&by_second, &[Value::from("x"), Value::Int(7)]));
        assert_eq!(a, ch.select(&fakes, &pick(&by_second, &[Value::from("y"), Value::Int(7)])));
    }

    #[test]
    fn java_strings_of_plain_values() {
        assert_eq!(java_string(&Value::Double(1.0)), "1.0");
        assert_eq!(java_string(&Value::Double(0.5)), "0.5");
        assert_eq!(java_string(&Value::Double(1e10)), "1.0E10");
        assert_eq!(java_string(&Value::Int(-3)), "-3");
        assert_eq!(java_string(&Value::Null), "null");
        assert_eq!(java_string(&Value::Bool(true)), "true");
    }
}
