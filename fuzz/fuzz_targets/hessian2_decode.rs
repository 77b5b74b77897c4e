//! Any bytes: the decoder returns values or a typed error, never panics, and
//! whatever it decodes re-encodes and decodes to the same values.
#![no_main]

use libdubbo_core::hessian2::{self, Decoder, Encoder};
use libdubbo_core::value::equivalent;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut decoder = Decoder::new(data);
    let mut values = Vec::new();
    while !decoder.is_at_end() {
        match decoder.read() {
            Ok(v) => values.push(v),
            Err(_) => return,
        }
    }
    let mut encoder = Encoder::new();
    for v in &values {
        encoder.write(v).expect("a decoded value re-encodes");
    }
    let again = hessian2::decode_all(encoder.bytes()).expect("our encoding decodes");
    assert_eq!(again.len(), values.len());
    assert!(again.iter().zip(&values).all(|(a, b)| equivalent(a, b)));
});
