//! The core's errors for Node: a stable `code` per kind (`DUBBO_TIMEOUT`, ...),
//! as `napi::Error<DubboStatus>` for what fails at once, and as the error form
//! of an answer (with the Java exception's class, message, stack, fields and
//! cause) for what a Promise settles with; `ts/errors.ts` makes `DubboError`
//! subclasses of both.

use libdubbo_core::facade::{Error, ErrorKind, RemoteException};
use napi::Status;

use crate::wire::Writer;

/// The `code` of a JS error thrown by the native module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DubboStatus {
    Timeout,
    NoProvider,
    Network,
    Overloaded,
    Codec,
    RemoteException,
    RemoteServer,
    InvalidArgument,
    Cancelled,
    Closed,
    Forked,
    Panic,
    /// An error from napi itself (a JS value of the wrong type, ...).
    Napi(Status),
}

impl From<ErrorKind> for DubboStatus {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::Timeout => DubboStatus::Timeout,
            ErrorKind::NoProvider => DubboStatus::NoProvider,
            ErrorKind::Network => DubboStatus::Network,
            ErrorKind::Overloaded => DubboStatus::Overloaded,
            ErrorKind::Codec => DubboStatus::Codec,
            ErrorKind::RemoteException => DubboStatus::RemoteException,
            ErrorKind::RemoteServer => DubboStatus::RemoteServer,
            ErrorKind::InvalidArgument => DubboStatus::InvalidArgument,
            ErrorKind::Cancelled => DubboStatus::Cancelled,
            ErrorKind::Closed => DubboStatus::Closed,
            ErrorKind::Forked => DubboStatus::Forked,
            // No wildcard: a kind added to the core breaks this build until it has a code.
            ErrorKind::Panic => DubboStatus::Panic,
        }
    }
}

impl From<Status> for DubboStatus {
    fn from(status: Status) -> Self {
        DubboStatus::Napi(status)
    }
}

impl AsRef<str> for DubboStatus {
    fn as_ref(&self) -> &str {
        match self {
            DubboStatus::Timeout => "DUBBO_TIMEOUT",
            DubboStatus::NoProvider => "DUBBO_NO_PROVIDER",
            DubboStatus::Network => "DUBBO_NETWORK",
            DubboStatus::Overloaded => "DUBBO_OVERLOADED",
            DubboStatus::Codec => "DUBBO_CODEC",
            DubboStatus::RemoteException => "DUBBO_REMOTE_EXCEPTION",
            DubboStatus::RemoteServer => "DUBBO_REMOTE_SERVER",
            DubboStatus::InvalidArgument => "DUBBO_INVALID_ARGUMENT",
            DubboStatus::Cancelled => "DUBBO_CANCELLED",
            DubboStatus::Closed => "DUBBO_CLOSED",
            DubboStatus::Forked => "DUBBO_FORKED",
            DubboStatus::Panic => "DUBBO_PANIC",
            DubboStatus::Napi(s) => s.as_ref(),
        }
    }
}

/// What the native functions return.
pub type Result<T> = napi::Result<T, DubboStatus>;

/// A core error as a JS error (thrown at once).
pub fn to_js(e: Error) -> napi::Error<DubboStatus> {
    napi::Error::new(DubboStatus::from(e.kind), e.message)
}

/// An invalid-argument error.
pub fn invalid(message: impl Into<String>) -> napi::Error<DubboStatus> {
    to_js(Error::invalid(message))
}

/// A napi error (a JS value of the wrong type) with our status type.
pub fn from_napi(e: napi::Error) -> napi::Error<DubboStatus> {
    napi::Error::new(DubboStatus::Napi(e.status), e.reason.clone())
}

/// The error form of an answer: `1`, code, message, status (-1: none), then the
/// Java exception if there is one.
pub fn write_error(w: &mut Writer, e: &Error) {
    w.u8(1);
    w.str(DubboStatus::from(e.kind).as_ref());
    w.str(&e.message);
    w.i32(e.status.map_or(-1, |s| i32::from(s.code())));
    match &e.exception {
        Some(x) => {
            w.u8(1);
            write_exception(w, x, 0);
        }
        None => w.u8(0),
    }
}

/// Class, message, stack lines, the whole exception object (for its fields), cause.
fn write_exception(w: &mut Writer, x: &RemoteException, depth: usize) {
    w.str(&x.class);
    w.opt_str(x.message.as_deref());
    w.u32(x.stack_trace.len() as u32);
    for f in &x.stack_trace {
        w.str(&format!("{}.{}({}:{})", f.class, f.method, f.file.as_deref().unwrap_or("Unknown Source"), f.line));
    }
    w.value(&x.value);
    match x.cause.as_deref().filter(|_| depth < 16) {
        Some(cause) => {
            w.u8(1);
            write_exception(w, cause, depth + 1);
        }
        None => w.u8(0),
    }
}
