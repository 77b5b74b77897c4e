//! `libdubbo` for Node: the napi-rs skin over libdubbo-core's facade. Values
//! cross as bytes (`wire`), converted to and from JS in the TypeScript layer
//! (`ts/`), which also gives the ergonomic API (`Client`, `Server`, `java`,
//! `DubboError`). Each native method reads its bytes and starts one facade call
//! on the core's one runtime, whose answer comes back through a thread-safe
//! function; provider handlers run on the JS thread through a thread-safe
//! function returning a Promise.

// Under cfg(test) (`cargo build --all-targets`) napi-derive registers nothing, so
// exports only JS calls look unused there.
#![cfg_attr(test, allow(dead_code))]

mod client;
mod errors;
mod server;
mod wire;

use napi_derive::napi;

/// The version of the native module (the package's).
#[napi]
pub fn native_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Panics inside the native module, for the test that a panic reaches JS as an
/// error and leaves the process running.
#[napi(catch_unwind)]
pub fn panic_for_test() {
    panic!("a test asked libdubbo to panic");
}

/// The error form of an answer for the core's error kind named `kind`
/// (`"timeout"`, ...), for the test that every kind reaches JS as its own class.
#[napi(catch_unwind)]
pub fn error_for_test(kind: String) -> errors::Result<napi::bindgen_prelude::Buffer> {
    use libdubbo_core::facade::{Error, ErrorKind};
    const KINDS: [ErrorKind; 12] = [
        ErrorKind::Timeout,
        ErrorKind::NoProvider,
        ErrorKind::Network,
        ErrorKind::Overloaded,
        ErrorKind::Codec,
        ErrorKind::RemoteException,
        ErrorKind::RemoteServer,
        ErrorKind::InvalidArgument,
        ErrorKind::Cancelled,
        ErrorKind::Closed,
        ErrorKind::Forked,
        ErrorKind::Panic,
    ];
    let kind = KINDS.into_iter().find(|k| k.name() == kind).ok_or_else(|| errors::invalid(format!("no error kind {kind:?}")))?;
    let mut w = wire::Writer::default();
    errors::write_error(&mut w, &Error::new(kind, format!("a test {} error", kind.name())));
    Ok(w.out.into())
}
