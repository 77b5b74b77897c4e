//! The dubbo2 bytes of facts §1, checked against our codec.

use super::*;
use crate::value::Value;

fn s(text: &str) -> Value {
    Value::from(text)
}

#[test]
fn header_bytes_match_java() {
    let request = Header { kind: Kind::Request { twoway: true, event: false }, serialization: 2, id: 7, body_len: 300 };
    let bytes = request.encode();
    assert_eq!(bytes, [0xda, 0xbb, 0xc2, 0x00, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0x01, 0x2c]);
    assert_eq!(Header::decode(&bytes, DEFAULT_PAYLOAD).unwrap(), request);
    let flag = |kind| Header { kind, serialization: 2, id: -1, body_len: 0 }.encode()[2];
    assert_eq!(flag(Kind::Request { twoway: false, event: false }), 0x82, "oneway");
    assert_eq!(flag(Kind::Request { twoway: true, event: true }), 0xe2, "heartbeat");
    assert_eq!(flag(Kind::Request { twoway: false, event: true }), 0xa2, "readonly event");
    assert_eq!(flag(Kind::Response { status: Status::Ok, event: false }), 0x02, "response");
    assert_eq!(flag(Kind::Response { status: Status::Ok, event: true }), 0x22, "heartbeat reply");
    let reply = Header { kind: Kind::Response { status: Status::ServiceError, event: false }, serialization: 2, id: i64::MIN, body_len: 0 };
    assert_eq!(reply.encode()[3], 70);
    assert_eq!(Header::decode(&reply.encode(), DEFAULT_PAYLOAD).unwrap(), reply);
}

#[test]
fn status_codes_and_names() {
    for code in [20, 25, 30, 31, 35, 40, 50, 60, 70, 80, 90, 100, 7] {
        assert_eq!(Status::from_code(code).code(), code);
    }
    assert_eq!(Status::from_code(100), Status::ServerThreadpoolExhausted);
    assert_eq!(Status::BadRequest.name(), "BAD_REQUEST");
    assert_eq!(Status::from_code(7).name(), "UNKNOWN");
}

#[test]
fn request_body_is_java_s_say_hello() {
    let mut call = Invocation::new("org.apache.dubbo.demo.DemoService", "sayHello", "Ljava/lang/String;", vec![s("world")]);
    call.attachments = vec![("path".into(), s("org.apache.dubbo.demo.DemoService")), ("timeout".into(), s("1000"))];
    let body = call.encode_body().unwrap();
    let mut want = vec![0x05];
    want.extend_from_slice(b"2.0.2");
    want.extend_from_slice(&[0x30, 0x21]);
    want.extend_from_slice(b"org.apache.dubbo.demo.DemoService");
    want.push(0x05);
    want.extend_from_slice(b"0.0.0");
    want.push(0x08);
    want.extend_from_slice(b"sayHello");
    want.push(0x12);
    want.extend_from_slice(b"Ljava/lang/String;");
    want.push(0x05);
    want.extend_from_slice(b"world");
    want.push(b'H');
    assert_eq!(&body[..want.len()], &want[..]);
    assert_eq!(body.last(), Some(&b'Z'));
    assert_eq!(Invocation::decode_body(&body, None).unwrap(), call);
}

#[test]
fn consumer_attachments_are_java_s() {
    let call = Invocation::new("x.S", "m", "", vec![]).with_consumer_attachments(1000);
    let keys: Vec<(&str, &str)> = call.attachments.iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap())).collect();
    assert_eq!(keys, [("path", "x.S"), ("interface", "x.S"), ("version", "0.0.0"), ("timeout", "1000")]);
}

#[test]
fn request_arguments_are_counted_by_the_descriptor() {
    let args = vec![Value::Int(1), Value::int_array(&[2]), Value::Null, Value::Long(3)];
    let call = Invocation::new("x.S", "m", "I[ILjava/lang/String;J", args);
    assert_eq!(Invocation::decode_body(&call.encode_body().unwrap(), None).unwrap(), call);
    // A descriptor that does not parse, or names another number of arguments.
    assert!(matches!(Invocation::new("x.S", "m", "Lnope", vec![]).encode_body(), Err(ProtocolError::BadBody(_))));
    assert!(matches!(Invocation::new("x.S", "m", "II", vec![Value::Int(1)]).encode_body(), Err(ProtocolError::BadBody(_))));
    let bad = [&[0x05][..], b"2.0.2", &[0x03], b"x.S", &[0x05], b"0.0.0", &[0x01, b'm', 0x05], b"Lnope", b"HZ"].concat();
    assert!(matches!(Invocation::decode_body(&bad, None), Err(ProtocolError::BadBody(_))));
}

#[test]
fn response_body_is_java_s_hello_world() {
    let body = [&[0x94, 0x0b][..], b"Hello world", &[b'H', 0x05], b"dubbo", &[0x05], b"2.0.2", b"Z"].concat();
    let result = RpcResult::decode_body(&body, None).unwrap();
    assert_eq!(result.outcome, Outcome::Value(s("Hello world")));
    assert_eq!(result.attachments, Some(vec![("dubbo".into(), s("2.0.2"))]));
    assert_eq!(result.encode_body().unwrap(), body);
}

#[test]
fn response_flags_cover_values_nulls_and_exceptions() {
    let e = Value::throwable("x.Biz", Some("no"), None);
    let cases = [
        (Outcome::Exception(e.clone()), None, 0),
        (Outcome::Value(Value::Int(1)), None, 1),
        (Outcome::Null, None, 2),
        (Outcome::Exception(e), Some(vec![]), 3),
        (Outcome::Value(s("v")), Some(vec![("k".into(), Value::Int(2))]), 4),
        (Outcome::Null, Some(vec![]), 5),
    ];
    for (outcome, attachments, flag) in cases {
        let r = RpcResult { outcome, attachments };
        let body = r.encode_body().unwrap();
        assert_eq!(body[0], 0x90 + flag, "flag of {r:?}");
        assert_eq!(RpcResult::decode_body(&body, None).unwrap(), r);
    }
    // A null value is written as flag 2, as Java writes it.
    let null = RpcResult { outcome: Outcome::Value(Value::Null), attachments: None };
    assert_eq!(null.encode_body().unwrap(), [0x92]);
    assert!(matches!(RpcResult::decode_body(&[0x96], None), Err(ProtocolError::BadBody(m)) if m.contains("Unknown result flag 6")));
}

#[test]
fn error_bodies_are_one_string() {
    let body = encode_error_body("Service not found");
    assert_eq!(decode_error_body(2, &body).unwrap(), "Service not found");
    assert!(decode_error_body(2, &[0x90]).is_err());
}

#[test]
fn events_and_heartbeats() {
    let hb = Frame::heartbeat(42);
    assert_eq!(&hb.to_bytes()[..4], [0xda, 0xbb, 0xe2, 0x00]);
    assert!(hb.is_heartbeat() && !hb.is_readonly_event());
    let reply = Frame::heartbeat_reply(&hb);
    assert_eq!(reply.header.kind, Kind::Response { status: Status::Ok, event: true });
    assert_eq!((reply.header.id, &reply.body[..]), (42, &HEARTBEAT_BODY[..]));
    assert!(reply.is_heartbeat());
    let event = |body: &[u8]| Frame::new(Kind::Request { twoway: false, event: true }, 1, body.to_vec(), DEFAULT_PAYLOAD).unwrap();
    assert!(event(&READONLY_BODY).is_readonly_event());
    assert!(event(b"\x00\x00\x00\x02\xaf\x52").is_readonly_event(), "a fastjson2 \"R\" counts as readonly");
    assert!(event(&WRITEABLE_BODY).is_writeable_event() && !event(&WRITEABLE_BODY).is_readonly_event());
}

#[test]
fn frames_are_cut_from_a_stream() {
    let call = Invocation::new("x.S", "m", "", vec![]);
    let a = Frame::new(Kind::Request { twoway: true, event: false }, 1, call.encode_body().unwrap(), DEFAULT_PAYLOAD).unwrap();
    let b = Frame::heartbeat(2);
    let stream = [a.to_bytes(), b.to_bytes()].concat();
    for cut in 0..a.to_bytes().len() {
        assert_eq!(Frame::parse(&stream[..cut], DEFAULT_PAYLOAD).unwrap(), None, "cut at {cut}");
    }
    let (first, used) = Frame::parse(&stream, DEFAULT_PAYLOAD).unwrap().unwrap();
    assert_eq!(first, a);
    assert_eq!(Frame::parse(&stream[used..], DEFAULT_PAYLOAD).unwrap(), Some((b, 17)));
}

#[test]
fn bad_magic_and_oversized_bodies_are_errors() {
    assert_eq!(Frame::parse(b"GET / HTTP/1.1\r\n", DEFAULT_PAYLOAD), Err(ProtocolError::BadMagic(*b"GE")));
    assert_eq!(Frame::parse(b"ls", DEFAULT_PAYLOAD), Err(ProtocolError::BadMagic(*b"ls")));
    let big = Header { kind: Kind::Response { status: Status::Ok, event: false }, serialization: 2, id: 1, body_len: 9 << 20 };
    assert_eq!(
        Frame::parse(&big.encode(), DEFAULT_PAYLOAD),
        Err(ProtocolError::PayloadTooLarge { len: 9 << 20, max: DEFAULT_PAYLOAD, header: Some(big) })
    );
    assert!(matches!(
        Frame::new(Kind::Request { twoway: true, event: false }, 1, vec![0; 11], 10),
        Err(ProtocolError::PayloadTooLarge { len: 11, max: 10, header: None })
    ));
}
