//! Unit tests of the codec: Java's exact bytes for each compact form, and a
//! typed error (never a panic) for every kind of bad input.

use super::*;
use crate::value::Value;

fn enc(v: Value) -> Vec<u8> {
    encode(&v).unwrap()
}

fn kind(bytes: &[u8]) -> DecodeErrorKind {
    decode(bytes).unwrap_err().kind
}

#[test]
fn ints_use_java_compact_forms() {
    assert_eq!(enc(Value::Int(-16)), [0x80]);
    assert_eq!(enc(Value::Int(47)), [0xbf]);
    assert_eq!(enc(Value::Int(48)), [0xc8, 0x30]);
    assert_eq!(enc(Value::Int(-2048)), [0xc0, 0x00]);
    assert_eq!(enc(Value::Int(262143)), [0xd7, 0xff, 0xff]);
    assert_eq!(enc(Value::Int(262144)), [b'I', 0x00, 0x04, 0x00, 0x00]);
}

#[test]
fn longs_use_java_compact_forms() {
    assert_eq!(enc(Value::Long(-8)), [0xd8]);
    assert_eq!(enc(Value::Long(15)), [0xef]);
    assert_eq!(enc(Value::Long(2047)), [0xff, 0xff]);
    assert_eq!(enc(Value::Long(-262144)), [0x38, 0x00, 0x00]);
    assert_eq!(enc(Value::Long(i32::MAX.into())), [0x59, 0x7f, 0xff, 0xff, 0xff]);
    assert_eq!(enc(Value::Long(1 << 40))[0], b'L');
}

#[test]
fn doubles_use_mills_and_small_forms() {
    assert_eq!(enc(Value::Double(0.0)), [0x5b]);
    assert_eq!(enc(Value::Double(-0.0)), [0x5b], "Java's (int) cast loses the sign too");
    assert_eq!(enc(Value::Double(1.0)), [0x5c]);
    assert_eq!(enc(Value::Double(-128.0)), [0x5d, 0x80]);
    assert_eq!(enc(Value::Double(10.1)), [0x5f, 0x00, 0x00, 0x27, 0x74]);
    assert_eq!(enc(Value::float(0.1)), [0x5f, 0x00, 0x00, 0x00, 0x64], "Float goes through its decimal string");
    assert_eq!(enc(Value::Double(f64::NAN))[0], b'D');
}

#[test]
fn dates_on_whole_minutes_are_minutes() {
    assert_eq!(enc(Value::Date(894_621_060_000)), [0x4b, 0x00, 0xe3, 0x83, 0x8f]);
    assert_eq!(enc(Value::Date(894_621_091_000))[0], 0x4a);
}

#[test]
fn supplementary_characters_are_two_three_byte_surrogates() {
    // U+1F600 = D83D DE00: two UTF-16 units, six bytes.
    assert_eq!(enc("😀".into()), [0x02, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
    assert_eq!(decode(&[0x02, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]).unwrap(), Value::from("😀"));
}

#[test]
fn four_byte_utf8_is_rejected_as_java_does() {
    assert_eq!(kind(&[0x01, 0xf0, 0x9f, 0x98, 0x80]), DecodeErrorKind::BadUtf8);
}

#[test]
fn lone_surrogates_survive_as_utf16() {
    let v = Value::Utf16(vec![0x61, 0xd800, 0x62]);
    let bytes = enc(v.clone());
    assert_eq!(bytes, [0x03, 0x61, 0xed, 0xa0, 0x80, 0x62]);
    assert_eq!(decode(&bytes).unwrap(), v);
}

#[test]
fn strings_chunk_without_splitting_a_pair() {
    let text = format!("{}😀{}", "a".repeat(0x7fff), "b".repeat(10));
    let bytes = enc(text.clone().into());
    // 0x7fff units in the first chunk: the pair starting at unit 0x7fff waits for the next.
    assert_eq!(&bytes[..3], [b'R', 0x7f, 0xff]);
    assert_eq!(decode(&bytes).unwrap(), Value::String(text));
}

#[test]
fn any_chunking_is_accepted_on_read() {
    // "ab" + "c" as R-chunk + final compact; binary as A-chunk + final compact.
    assert_eq!(decode(&[b'R', 0, 2, b'a', b'b', 0x01, b'c']).unwrap(), Value::from("abc"));
    assert_eq!(decode(&[b'A', 0, 1, 7, 0x21, 8]).unwrap(), Value::Bytes(vec![7, 8]));
    // A pair split across chunks still joins.
    assert_eq!(decode(&[b'R', 0, 1, 0xed, 0xa0, 0xbd, 0x01, 0xed, 0xb8, 0x80]).unwrap(), Value::from("😀"));
}

#[test]
fn tables_span_one_stream_and_reset() {
    let user = Value::object("org.example.User", [("name", Value::from("Bob")), ("age", Value::Int(14))]);
    let mut e = Encoder::new();
    e.write(&user).unwrap();
    e.write(&user).unwrap();
    e.write(&Value::Ref(0)).unwrap();
    let bytes = e.bytes().to_vec();
    // One definition, two instances of it (0x60), then `Q 0`.
    assert_eq!(bytes.iter().filter(|&&b| b == b'C').count(), 1);
    assert_eq!(bytes.iter().filter(|&&b| b == 0x60).count(), 2);
    assert!(bytes.ends_with(&[b'Q', 0x90]));
    assert_eq!(decode_all(&bytes).unwrap(), vec![user.clone(), user.clone(), Value::Ref(0)]);
    e.reset();
    e.write(&user).unwrap();
    assert_eq!(e.bytes()[0], b'C', "a reset stream defines the class again");
}

#[test]
fn truncated_input_is_an_error_at_every_cut() {
    let v = Value::list([
        Value::object("a.B", [("x", Value::from("héllo 😀")), ("y", Value::Long(1 << 40))]),
        Value::typed_map("java.util.TreeMap", [(Value::Int(1), Value::Double(10.123))]),
        Value::Bytes(vec![1; 300]),
        Value::Date(1),
        Value::Ref(0),
    ]);
    let bytes = enc(v.clone());
    assert_eq!(decode(&bytes).unwrap(), v);
    for cut in 0..bytes.len() {
        assert!(decode(&bytes[..cut]).is_err(), "cut at {cut} decoded");
    }
}

#[test]
fn unknown_and_misplaced_codes_are_errors() {
    for code in [0x40, 0x45, 0x47, 0x50] {
        assert_eq!(kind(&[code]), DecodeErrorKind::UnknownCode(code));
    }
    assert!(matches!(kind(b"Z"), DecodeErrorKind::UnexpectedCode { code: b'Z', .. }));
    // A map key where a list length should be.
    assert!(matches!(kind(&[0x58, b'H']), DecodeErrorKind::UnexpectedCode { code: b'H', .. }));
}

#[test]
fn refs_and_definitions_out_of_range_are_errors() {
    assert_eq!(kind(&[b'Q', 0x90]), DecodeErrorKind::RefOutOfRange { index: 0, len: 0 });
    assert_eq!(kind(&[0x79, b'Q', 0x91]), DecodeErrorKind::RefOutOfRange { index: 1, len: 1 });
    assert_eq!(kind(&[0x60]), DecodeErrorKind::ClassOutOfRange { index: 0, len: 0 });
    assert_eq!(kind(&[b'O', 0x95]), DecodeErrorKind::ClassOutOfRange { index: 5, len: 0 });
    assert_eq!(kind(&[0x71, 0x92, 0x90]), DecodeErrorKind::TypeOutOfRange { index: 2, len: 0 });
}

#[test]
fn class_definitions_that_disagree_with_their_fields_are_errors() {
    // Two fields declared, one name given, then an int.
    let bytes = [b'C', 0x01, b'A', 0x92, 0x01, b'x', 0x90, 0x60, 0x90, 0x90];
    assert!(matches!(kind(&bytes), DecodeErrorKind::BadClassDef(_)));
    // A negative field count.
    assert!(matches!(kind(&[b'C', 0x01, b'A', 0x8f]), DecodeErrorKind::BadClassDef(_)));
    // An instance with fewer values than its definition has fields.
    assert_eq!(kind(&[b'C', 0x01, b'A', 0x92, 0x01, b'x', 0x01, b'y', 0x60, 0x90]), DecodeErrorKind::UnexpectedEnd);
}

#[test]
fn lengths_beyond_the_input_are_errors_before_allocating() {
    assert!(matches!(kind(&[0x58, b'I', 0x7f, 0xff, 0xff, 0xff]), DecodeErrorKind::BadLength { .. }));
    assert!(matches!(kind(&[0x58, 0x8f]), DecodeErrorKind::BadLength { len: -1, .. }));
    assert!(matches!(kind(&[b'S', 0xff, 0xff, b'a']), DecodeErrorKind::BadLength { .. }));
    assert_eq!(kind(&[b'B', 0xff, 0xff, 1, 2]), DecodeErrorKind::UnexpectedEnd);
}

#[test]
fn nesting_past_the_limit_is_an_error() {
    let deep = |n: usize| [vec![0x79; n], vec![b'N']].concat();
    assert!(decode(&deep(Limits::default().max_depth)).is_ok());
    assert_eq!(kind(&deep(Limits::default().max_depth + 1)), DecodeErrorKind::TooDeep(256));
    let mut d = Decoder::with_limits(&[0x79, 0x79, b'N'], Limits { max_depth: 1 });
    assert_eq!(d.read().unwrap_err().kind, DecodeErrorKind::TooDeep(1));
    // Far past the limit: still an error, not a stack overflow.
    assert_eq!(kind(&deep(1_000_000)), DecodeErrorKind::TooDeep(256));
}

#[test]
fn a_long_run_of_class_definitions_does_not_recurse() {
    let def = [b'C', 0x01, b'A', 0x90];
    let bytes = [def.repeat(300_000), vec![b'N']].concat();
    assert_eq!(decode(&bytes).unwrap(), Value::Null);
}

#[test]
fn a_class_cache_reuses_definitions_across_messages() {
    let user = |name: &str| Value::object("org.example.User", [("name", Value::from(name)), ("age", Value::Int(1))]);
    let other = Value::object("org.example.User", [("name", Value::from("x")), ("email", Value::Null)]);
    let cache = ClassCache::new();
    let decode_with = |bytes: &[u8]| {
        let mut d = Decoder::new(bytes).class_cache(&cache);
        let v = d.read().unwrap();
        d.finish().unwrap();
        v
    };
    let first = decode_with(&enc(user("a")));
    let second = decode_with(&enc(user("b")));
    assert_eq!((first.clone(), second.clone()), (user("a"), user("b")));
    let (a, b) = (first.as_object().unwrap().def(), second.as_object().unwrap().def());
    assert!(std::sync::Arc::ptr_eq(a, b), "the second message reused the first one's definition");
    // Same class name, other fields: a definition of its own.
    assert_eq!(decode_with(&enc(other.clone())), other);
    assert_eq!(cache.len(), 2);
}

#[test]
fn a_class_cache_is_bounded_and_keeps_errors_typed() {
    let cache = ClassCache::new();
    for i in 0..1100 {
        let v = Value::object(format!("x.C{i}"), [("f", Value::Null)]);
        let bytes = enc(v.clone());
        assert_eq!(Decoder::new(&bytes).class_cache(&cache).read().unwrap(), v);
    }
    assert_eq!(cache.len(), 1024);
    // Two fields declared, one name given, then an int: the same error as without a cache.
    let bytes = [b'C', 0x01, b'A', 0x92, 0x01, b'x', 0x90, 0x60, 0x90, 0x90];
    let err = Decoder::new(&bytes).class_cache(&cache).read().unwrap_err();
    assert!(matches!(err.kind, DecodeErrorKind::BadClassDef(_)));
}

#[test]
fn trailing_bytes_are_reported() {
    assert_eq!(kind(b"NN"), DecodeErrorKind::TrailingBytes(1));
    assert_eq!(decode_all(b"NN").unwrap(), vec![Value::Null, Value::Null]);
}

#[test]
fn encoder_rejects_what_java_cannot_read() {
    assert_eq!(encode(&Value::Ref(0)).unwrap_err(), EncodeError::RefOutOfRange { index: 0, len: 0 });
    assert_eq!(encode(&Value::typed_list("", [])).unwrap_err(), EncodeError::EmptyTypeName);
    let mut v = Value::Null;
    for _ in 0..600 {
        v = Value::list([v]);
    }
    assert_eq!(encode(&v).unwrap_err(), EncodeError::TooDeep(256));
}
