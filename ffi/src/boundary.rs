//! The boundary every `extern "C"` body goes through (bindings-rules §5.2 rule 6):
//! a panic becomes `DUBBO_E_PANIC` (or the function's documented default), and
//! pointers and strings are checked before use.

use std::cell::Cell;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{dubbo_error, dubbo_status, DUBBO_E_PANIC, DUBBO_OK};

/// What an ffi body returns before the boundary turns it into a status.
pub(crate) type FfiResult<T = ()> = Result<T, dubbo_error>;

/// Runs a status-returning body: `DUBBO_OK`, or the error's status with the
/// error written to `*err` (when `err` is not NULL). A panic is `DUBBO_E_PANIC`.
pub(crate) fn status_boundary(err: *mut *mut dubbo_error, body: impl FnOnce() -> FfiResult) -> dubbo_status {
    let result = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| {
        Err(dubbo_error::new(DUBBO_E_PANIC, format!("libdubbo panicked: {}", libdubbo_core::transport::panic_text(panic))))
    });
    match result {
        Ok(()) => DUBBO_OK,
        Err(e) => {
            let status = e.status;
            if !err.is_null() {
                // SAFETY: `err` is a writable `dubbo_error *` slot (the header's contract).
                unsafe { *err = Box::into_raw(Box::new(e)) };
            }
            status
        }
    }
}

/// Runs a body that returns a plain value; a panic returns `default`.
pub(crate) fn plain_boundary<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(default)
}

/// `ffi_boundary!(err, { ... FfiResult })` for functions returning `dubbo_status`;
/// `ffi_boundary!(default => { ... })` for the rest (getters, `_free`).
macro_rules! ffi_boundary {
    ($default:expr => $body:block) => {
        $crate::boundary::plain_boundary($default, || $body)
    };
    ($err:expr, $body:block) => {
        $crate::boundary::status_boundary($err, || $body)
    };
}
pub(crate) use ffi_boundary;

/// A borrowed handle argument, or `DUBBO_E_NULL`.
pub(crate) fn arg<'a, T>(p: *const T, what: &str) -> FfiResult<&'a T> {
    // SAFETY: non-NULL handle pointers come from this library and are alive (the header's contract).
    unsafe { p.as_ref() }.ok_or_else(|| dubbo_error::null(what))
}

/// An out-parameter slot, or `DUBBO_E_NULL`.
pub(crate) fn out<'a, T>(p: *mut T, what: &str) -> FfiResult<&'a mut T> {
    // SAFETY: a non-NULL out pointer is writable (the header's contract).
    unsafe { p.as_mut() }.ok_or_else(|| dubbo_error::null(what))
}

/// A UTF-8 string argument `(ptr, len)`: NULL with length 0 is the empty string.
pub(crate) fn str_arg<'a>(ptr: *const c_char, len: usize, what: &str) -> FfiResult<&'a str> {
    if ptr.is_null() {
        return if len == 0 { Ok("") } else { Err(dubbo_error::null(what)) };
    }
    // SAFETY: the caller passes `len` readable bytes at `ptr`, alive for the call.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|e| dubbo_error::invalid(format!("{what} is not UTF-8: {e}")))
}

/// A byte-string argument `(ptr, len)`: NULL with length 0 is empty.
pub(crate) fn bytes_arg<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a [u8]> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(dubbo_error::null(what)) };
    }
    // SAFETY: as for `str_arg`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

thread_local! {
    /// How many libdubbo callbacks this thread is inside now.
    static IN_CALLBACK: Cell<u32> = const { Cell::new(0) };
    /// How many of them run on a runtime worker (completion callbacks).
    static ON_WORKER: Cell<u32> = const { Cell::new(0) };
}

/// True inside a callback that libdubbo runs: where freeing a runtime, client or
/// server would pull state from under the caller (or deadlock).
pub(crate) fn in_callback() -> bool {
    IN_CALLBACK.with(Cell::get) > 0
}

/// True inside a callback on a runtime worker thread, where a blocking wait
/// would stall the very thread the call needs.
pub(crate) fn in_worker_callback() -> bool {
    ON_WORKER.with(Cell::get) > 0
}

/// Runs user code (a C callback) marked as such for [`in_callback`] (and, with
/// `on_worker`, [`in_worker_callback`]). A panic in Rust code around it is
/// contained; C code must not unwind through it (C++ exceptions included).
pub(crate) fn run_callback(on_worker: bool, f: impl FnOnce()) {
    struct Scope(bool);
    impl Drop for Scope {
        fn drop(&mut self) {
            IN_CALLBACK.with(|c| c.set(c.get().saturating_sub(1)));
            if self.0 {
                ON_WORKER.with(|c| c.set(c.get().saturating_sub(1)));
            }
        }
    }
    IN_CALLBACK.with(|c| c.set(c.get() + 1));
    if on_worker {
        ON_WORKER.with(|c| c.set(c.get() + 1));
    }
    let _scope = Scope(on_worker);
    let _ = catch_unwind(AssertUnwindSafe(f));
}
