//! `libdubbo` for Node: the napi-rs skin over libdubbo-core's facade. Values
//! cross as bytes (`wire`), converted to and from JS in the TypeScript layer
//! (`ts/`), which also gives the ergonomic API (`Client`, `Server`, `java`,
//! `DubboError`). Each native method reads its bytes, makes one facade call and
//! settles a Promise on the core's one runtime; provider handlers run on the JS
//! thread through a thread-safe function returning a Promise.

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
