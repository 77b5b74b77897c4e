//! Any bytes as a dubbo2 stream: frames are cut or refused with a typed error,
//! and request and response bodies decode or fail cleanly, never panic.
#![no_main]

use libdubbo_core::protocol::{decode_error_body, generalize, Frame, Invocation, Kind, RpcResult, Status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The data as a whole body, each way.
    let _ = Invocation::decode_body(data, None);
    let _ = RpcResult::decode_body(data, None);
    let _ = decode_error_body(2, data);
    let _ = decode_error_body(23, data);
    // The data as a stream of frames, with a small payload limit.
    let mut rest = data;
    while let Ok(Some((frame, used))) = Frame::parse(rest, 4096) {
        assert!(used >= 16 && used <= rest.len());
        match frame.header.kind {
            Kind::Request { event: false, .. } => {
                if let Ok(call) = Invocation::decode_body(&frame.body, None) {
                    // What decodes re-encodes when the descriptor matches the arguments.
                    let _ = call.encode_body();
                    // Any call as a generic one: unwrapped, realized and generalized, or refused.
                    if let Ok(plain) = call.unwrap_generic() {
                        plain.args.into_iter().map(generalize).for_each(drop);
                    }
                }
            }
            Kind::Response { status: Status::Ok, event: false } => {
                if let Ok(result) = RpcResult::decode_body(&frame.body, None) {
                    result.encode_body().expect("a decoded result re-encodes");
                }
            }
            _ => {}
        }
        rest = &rest[used..];
    }
});
