//! Any bytes: the decoder returns values or a typed error, never panics; a
//! class cache changes nothing; and whatever it decodes re-encodes and decodes
//! to the same values.
#![no_main]

use libdubbo_core::hessian2::{self, ClassCache, Decoder, Encoder};
use libdubbo_core::value::{equivalent_messages, Value};
use libfuzzer_sys::fuzz_target;

fn decode_all(data: &[u8], cache: Option<&ClassCache>) -> Option<Vec<Value>> {
    let mut decoder = Decoder::new(data);
    if let Some(cache) = cache {
        decoder = decoder.class_cache(cache);
    }
    let mut values = Vec::new();
    while !decoder.is_at_end() {
        values.push(decoder.read().ok()?);
    }
    Some(values)
}

fuzz_target!(|data: &[u8]| {
    let cache = ClassCache::new();
    let plain = decode_all(data, None);
    // Twice with one cache: the first fills it, the second reads from it.
    for _ in 0..2 {
        let cached = decode_all(data, Some(&cache));
        assert_eq!(cached.is_some(), plain.is_some());
        if let (Some(a), Some(b)) = (&cached, &plain) {
            assert!(equivalent_messages(a, b));
        }
    }
    let Some(values) = plain else { return };
    let mut encoder = Encoder::new();
    for v in &values {
        encoder.write(v).expect("a decoded value re-encodes");
    }
    let again = hessian2::decode_all(encoder.bytes()).expect("our encoding decodes");
    assert!(equivalent_messages(&again, &values));
});
