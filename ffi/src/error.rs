//! Status codes and the error object (bindings-rules §5.2 rules 3 and 4).

use std::ffi::c_char;

use libdubbo_core::facade::{Error, ErrorKind};

use crate::json;

/// What a fallible function returns: `DUBBO_OK` (0) or a negative `DUBBO_E_*` kind.
#[allow(non_camel_case_types)]
pub type dubbo_status = i32;

/// Success.
pub const DUBBO_OK: dubbo_status = 0;
/// The call's deadline passed.
pub const DUBBO_E_TIMEOUT: dubbo_status = -1;
/// No provider to call.
pub const DUBBO_E_NO_PROVIDER: dubbo_status = -2;
/// Connecting, reading or writing failed.
pub const DUBBO_E_NETWORK: dubbo_status = -3;
/// Too many calls in flight on the connection: back off and retry.
pub const DUBBO_E_OVERLOADED: dubbo_status = -4;
/// A request or response (or a JSON value) could not be encoded or decoded.
pub const DUBBO_E_CODEC: dubbo_status = -5;
/// The provider threw a Java exception: see `dubbo_error_java_class`.
pub const DUBBO_E_REMOTE_EXCEPTION: dubbo_status = -6;
/// The provider answered with an error status: see `dubbo_error_remote_status`.
pub const DUBBO_E_REMOTE_SERVER: dubbo_status = -7;
/// An argument is unusable (bad UTF-8, bad JSON, bad URL, a request answered twice).
pub const DUBBO_E_INVALID_ARG: dubbo_status = -8;
/// The call was cancelled before it completed (its runtime went away).
pub const DUBBO_E_CANCELLED: dubbo_status = -9;
/// The client, server, service or runtime is closed.
pub const DUBBO_E_CLOSED: dubbo_status = -10;
/// The handle was made before `fork()`; make a new runtime in the child.
pub const DUBBO_E_FORKED: dubbo_status = -11;
/// A bug: something panicked inside libdubbo. The process is still usable.
pub const DUBBO_E_PANIC: dubbo_status = -12;
/// A required pointer argument was NULL (C ABI only).
pub const DUBBO_E_NULL: dubbo_status = -13;
/// Refused: called from inside a libdubbo callback or on a libdubbo thread,
/// where it would deadlock or free state in use (C ABI only).
pub const DUBBO_E_IN_CALLBACK: dubbo_status = -14;

/// The status of a core error kind. Exhaustive, without a wildcard: a new core
/// kind must get its own code here before the C ABI builds.
pub fn status_of(kind: ErrorKind) -> dubbo_status {
    match kind {
        ErrorKind::Timeout => DUBBO_E_TIMEOUT,
        ErrorKind::NoProvider => DUBBO_E_NO_PROVIDER,
        ErrorKind::Network => DUBBO_E_NETWORK,
        ErrorKind::Overloaded => DUBBO_E_OVERLOADED,
        ErrorKind::Codec => DUBBO_E_CODEC,
        ErrorKind::RemoteException => DUBBO_E_REMOTE_EXCEPTION,
        ErrorKind::RemoteServer => DUBBO_E_REMOTE_SERVER,
        ErrorKind::InvalidArgument => DUBBO_E_INVALID_ARG,
        ErrorKind::Cancelled => DUBBO_E_CANCELLED,
        ErrorKind::Closed => DUBBO_E_CLOSED,
        ErrorKind::Forked => DUBBO_E_FORKED,
        ErrorKind::Panic => DUBBO_E_PANIC,
    }
}

/// Every status with its name, for `dubbo_status_name` and the tests.
pub const STATUS_NAMES: &[(dubbo_status, &str)] = &[
    (DUBBO_OK, "DUBBO_OK\0"),
    (DUBBO_E_TIMEOUT, "DUBBO_E_TIMEOUT\0"),
    (DUBBO_E_NO_PROVIDER, "DUBBO_E_NO_PROVIDER\0"),
    (DUBBO_E_NETWORK, "DUBBO_E_NETWORK\0"),
    (DUBBO_E_OVERLOADED, "DUBBO_E_OVERLOADED\0"),
    (DUBBO_E_CODEC, "DUBBO_E_CODEC\0"),
    (DUBBO_E_REMOTE_EXCEPTION, "DUBBO_E_REMOTE_EXCEPTION\0"),
    (DUBBO_E_REMOTE_SERVER, "DUBBO_E_REMOTE_SERVER\0"),
    (DUBBO_E_INVALID_ARG, "DUBBO_E_INVALID_ARG\0"),
    (DUBBO_E_CANCELLED, "DUBBO_E_CANCELLED\0"),
    (DUBBO_E_CLOSED, "DUBBO_E_CLOSED\0"),
    (DUBBO_E_FORKED, "DUBBO_E_FORKED\0"),
    (DUBBO_E_PANIC, "DUBBO_E_PANIC\0"),
    (DUBBO_E_NULL, "DUBBO_E_NULL\0"),
    (DUBBO_E_IN_CALLBACK, "DUBBO_E_IN_CALLBACK\0"),
];

/// An error: its status, a message, and what a remote provider sent. Read it
/// with the `dubbo_error_*` functions; free it with `dubbo_error_free`.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct dubbo_error {
    pub(crate) status: dubbo_status,
    pub(crate) message: String,
    /// The Java class of a remote exception (empty otherwise).
    pub(crate) java_class: String,
    /// The remote stack trace, one `at class.method(file:line)` line per frame.
    pub(crate) remote_stack: String,
    /// The remote exception object as JSON (empty otherwise).
    pub(crate) exception_json: String,
    /// Dubbo's response status byte for `DUBBO_E_REMOTE_SERVER` (0 otherwise).
    pub(crate) remote_status: u8,
}

impl dubbo_error {
    /// An ffi-level error.
    pub fn new(status: dubbo_status, message: impl Into<String>) -> Self {
        dubbo_error {
            status,
            message: message.into(),
            java_class: String::new(),
            remote_stack: String::new(),
            exception_json: String::new(),
            remote_status: 0,
        }
    }

    /// A NULL pointer argument.
    pub fn null(what: &str) -> Self {
        Self::new(DUBBO_E_NULL, format!("{what} is NULL"))
    }

    /// An invalid argument.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(DUBBO_E_INVALID_ARG, message)
    }
}

impl From<Error> for dubbo_error {
    fn from(e: Error) -> Self {
        let mut out = dubbo_error::new(status_of(e.kind), e.message);
        out.remote_status = e.status.map_or(0, |s| s.code());
        if let Some(x) = e.exception {
            out.java_class = x.class.clone();
            out.remote_stack = x
                .stack_trace
                .iter()
                .map(|f| format!("at {}.{}({}:{})\n", f.class, f.method, f.file.as_deref().unwrap_or("Unknown Source"), f.line))
                .collect();
            out.exception_json = json::to_json(std::slice::from_ref(&x.value), false).unwrap_or_default();
        }
        out
    }
}

/// A string field as (pointer, length); the pointer stays valid while the error lives.
pub(crate) fn view(s: &str, len: *mut usize) -> *const c_char {
    if !len.is_null() {
        // SAFETY: the caller passed a writable size_t or NULL.
        unsafe { *len = s.len() };
    }
    s.as_ptr().cast()
}
