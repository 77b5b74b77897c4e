//! libdubbo's C ABI (`include/dubbo.h`, generated from this crate by cbindgen).
//!
//! Every function is "convert → one facade call → map the error": handles wrap
//! the facade's `Runtime`, `Client`, `Reference` and `Server`; values cross as
//! JSON text ([`json`]); errors are a `dubbo_status` plus an optional
//! `dubbo_error`. `include/README.md` states the contract (ownership, threads,
//! errors, lifetimes).

#![allow(clippy::missing_safety_doc)] // the header documents each function's contract
#![allow(non_camel_case_types)]

mod boundary;
mod client;
mod error;
pub mod json;
mod server;
mod types;

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use libdubbo_core::facade::Runtime;

pub use client::*;
pub use error::*;
pub use server::*;
pub use types::*;

use boundary::{arg, ffi_boundary, out, FfiResult};

/// A pointer that may cross threads: user data the caller promised is usable
/// from any thread (the header says so for every callback's context).
#[derive(Clone, Copy)]
pub(crate) struct SendPtr(pub(crate) *mut c_void);
// SAFETY: the header requires callback contexts to be usable from any thread.
unsafe impl Send for SendPtr {}
// SAFETY: as above.
unsafe impl Sync for SendPtr {}

/// The version of the library, `"MAJOR.MINOR.PATCH"` (a static string).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_version() -> *const c_char {
    ffi_boundary!(std::ptr::null() => { concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast() })
}

/// The library's version packed as `MAJOR << 16 | MINOR << 8 | PATCH`; compare it
/// with the header's `DUBBO_ABI_VERSION` at start-up (same MAJOR, MINOR at least
/// the header's).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_abi_version() -> u32 {
    ffi_boundary!(0 => { abi_version() })
}

fn abi_version() -> u32 {
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    (n(env!("CARGO_PKG_VERSION_MAJOR")) << 16) | (n(env!("CARGO_PKG_VERSION_MINOR")) << 8) | n(env!("CARGO_PKG_VERSION_PATCH"))
}

/// The name of a status (`"DUBBO_E_TIMEOUT"`), a static NUL-terminated string;
/// `"DUBBO_E_UNKNOWN"` for a number that is not a status.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_status_name(status: dubbo_status) -> *const c_char {
    ffi_boundary!(std::ptr::null() => {
        let name = STATUS_NAMES.iter().find(|(s, _)| *s == status).map_or("DUBBO_E_UNKNOWN\0", |(_, n)| n);
        name.as_ptr().cast()
    })
}

/// The process's libdubbo runtime: the threads that own sockets and timers.
/// Every client and server hangs off one.
pub struct dubbo_runtime {
    pub(crate) rt: Arc<Runtime>,
}

/// Options of `dubbo_runtime_new`; set with `dubbo_runtime_options_default` first.
#[repr(C)]
pub struct dubbo_runtime_options {
    /// Worker threads; 0: the number of CPUs, at most 4.
    pub threads: u32,
}

/// Fills `opts` with the defaults.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_runtime_options_default(opts: *mut dubbo_runtime_options) {
    ffi_boundary!(() => {
        if let Ok(o) = out(opts, "opts") {
            *o = dubbo_runtime_options { threads: 0 };
        }
    })
}

/// Starts a runtime. `opts` may be NULL (defaults). On success `*out` owns it:
/// free it with `dubbo_runtime_free`. Clients and servers made from it keep its
/// threads alive until they are freed too. A handle used in a child process
/// after `fork()` fails with `DUBBO_E_FORKED`: start a new runtime there.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_runtime_new(
    opts: *const dubbo_runtime_options,
    out_rt: *mut *mut dubbo_runtime,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_rt, "out")?;
        // SAFETY: NULL or a valid options struct.
        let threads = unsafe { opts.as_ref() }.map_or(0, |o| o.threads) as usize;
        let threads = if threads == 0 { std::thread::available_parallelism().map_or(2, |n| n.get()).min(4) } else { threads };
        let rt = Runtime::new(threads)?;
        *slot = Box::into_raw(Box::new(dubbo_runtime { rt }));
        Ok(())
    })
}

/// Frees a runtime handle (NULL is fine). Freed last (after every client,
/// reference, server and request made from it), it stops the runtime and joins
/// its threads (waiting at most 1 s for tasks that are ending to let go of it,
/// and 5 s for handlers still running); freed earlier,
/// the last of those handles stops it, in the background. Returns
/// `DUBBO_E_IN_CALLBACK`, doing nothing, when called from inside a libdubbo callback.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_runtime_free(rt: *mut dubbo_runtime) -> dubbo_status {
    ffi_boundary!(std::ptr::null_mut(), {
        if rt.is_null() {
            return Ok(());
        }
        if boundary::in_callback() {
            return Err(dubbo_error::new(DUBBO_E_IN_CALLBACK, "a runtime cannot be freed from inside a libdubbo callback"));
        }
        // SAFETY: made by `dubbo_runtime_new`, freed once (the header's contract).
        let rt = unsafe { Box::from_raw(rt) }.rt;
        // Calls that just completed may still be letting go of their handles:
        // give them a moment (bounded) so that this free can join the threads.
        let settle = std::time::Instant::now() + std::time::Duration::from_secs(1);
        while Arc::strong_count(&rt) > 1 && std::time::Instant::now() < settle {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        Runtime::shutdown_last(rt, std::time::Duration::from_secs(5));
        Ok(())
    })
}

/// Frees a boxed handle unless called from a callback.
pub(crate) fn free_owner<T>(p: *mut T, what: &str) -> dubbo_status {
    ffi_boundary!(std::ptr::null_mut(), {
        if p.is_null() {
            return Ok(());
        }
        if boundary::in_callback() {
            return Err(dubbo_error::new(DUBBO_E_IN_CALLBACK, format!("{what} cannot be freed from inside a libdubbo callback")));
        }
        // SAFETY: made by this library with Box::into_raw, freed once (the header's contract).
        drop(unsafe { Box::from_raw(p) });
        Ok(())
    })
}

/// The runtime of a handle argument.
pub(crate) fn runtime_of<'a>(rt: *const dubbo_runtime) -> FfiResult<&'a Arc<Runtime>> {
    let rt = arg(rt, "runtime")?;
    rt.rt.check()?;
    Ok(&rt.rt)
}

/// The kind of an error (`DUBBO_E_*`); `DUBBO_E_NULL` for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_error_kind(e: *const dubbo_error) -> dubbo_status {
    ffi_boundary!(DUBBO_E_PANIC => { arg(e, "error").map_or(DUBBO_E_NULL, |e| e.status) })
}

/// The message (UTF-8, `*len` bytes, not NUL-terminated), valid while `e` lives.
/// NULL `len` is allowed; NULL `e` gives NULL.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_error_message(e: *const dubbo_error, len: *mut usize) -> *const c_char {
    ffi_boundary!(std::ptr::null() => { arg(e, "error").map_or(std::ptr::null(), |e| error::view(&e.message, len)) })
}

/// The Java class of a remote exception (`org.example.GreeterException`); empty
/// (`*len` = 0) for other errors. Valid while `e` lives.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_error_java_class(e: *const dubbo_error, len: *mut usize) -> *const c_char {
    ffi_boundary!(std::ptr::null() => { arg(e, "error").map_or(std::ptr::null(), |e| error::view(&e.java_class, len)) })
}

/// The remote stack trace, one `at Class.method(File:line)` line per frame; empty
/// when the provider sent none. Valid while `e` lives.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_error_remote_stack(e: *const dubbo_error, len: *mut usize) -> *const c_char {
    ffi_boundary!(std::ptr::null() => { arg(e, "error").map_or(std::ptr::null(), |e| error::view(&e.remote_stack, len)) })
}

/// The remote exception object as JSON (`{"$class":..., "detailMessage":...,
/// "code":42, ...}`), for its fields; empty for other errors. Valid while `e` lives.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_error_exception_json(e: *const dubbo_error, len: *mut usize) -> *const c_char {
    ffi_boundary!(std::ptr::null() => { arg(e, "error").map_or(std::ptr::null(), |e| error::view(&e.exception_json, len)) })
}

/// Dubbo's response status byte of a `DUBBO_E_REMOTE_SERVER` error (40, 70, 100, ...); 0 otherwise.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_error_remote_status(e: *const dubbo_error) -> u8 {
    ffi_boundary!(0 => { arg(e, "error").map_or(0, |e| e.remote_status) })
}

/// Frees an error (NULL is fine).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_error_free(e: *mut dubbo_error) {
    ffi_boundary!(() => {
        if !e.is_null() {
            // SAFETY: made by this library with Box::into_raw, freed once.
            drop(unsafe { Box::from_raw(e) });
        }
    })
}

/// Test hook, not in the header: panics inside the boundary, which must come out
/// as `DUBBO_E_PANIC` with the process intact.
#[doc(hidden)]
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_test_panic(err: *mut *mut dubbo_error) -> dubbo_status {
    ffi_boundary!(err, {
        if std::env::var_os("LIBDUBBO_TEST_NO_PANIC").is_none() {
            panic!("a test panic, on purpose");
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header's version macros match Cargo.toml, and so does the packed number.
    #[test]
    fn header_version_matches_cargo() {
        let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/dubbo.h")).expect("include/dubbo.h");
        let macro_value = |name: &str| -> u32 {
            let line = header.lines().find(|l| l.starts_with(&format!("#define {name} "))).unwrap_or_else(|| panic!("{name} in dubbo.h"));
            line.split_whitespace().nth(2).unwrap().parse().unwrap()
        };
        let (major, minor, patch) = (macro_value("DUBBO_VERSION_MAJOR"), macro_value("DUBBO_VERSION_MINOR"), macro_value("DUBBO_VERSION_PATCH"));
        assert_eq!(format!("{major}.{minor}.{patch}"), env!("CARGO_PKG_VERSION"));
        assert_eq!(dubbo_abi_version(), (major << 16) | (minor << 8) | patch);
        assert!(header.contains("#define DUBBO_ABI_VERSION ((DUBBO_VERSION_MAJOR << 16) | (DUBBO_VERSION_MINOR << 8) | DUBBO_VERSION_PATCH)"));
        // SAFETY: a static NUL-terminated string.
        let v = unsafe { std::ffi::CStr::from_ptr(dubbo_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn a_panic_is_a_status_and_an_error() {
        let mut err = std::ptr::null_mut();
        assert_eq!(dubbo_test_panic(&mut err), DUBBO_E_PANIC);
        assert_eq!(dubbo_error_kind(err), DUBBO_E_PANIC);
        dubbo_error_free(err);
        assert_eq!(dubbo_error_kind(std::ptr::null()), DUBBO_E_NULL);
    }

    #[test]
    fn every_core_kind_has_its_own_status() {
        use libdubbo_core::facade::ErrorKind::*;
        let kinds = [Timeout, NoProvider, Network, Overloaded, Codec, RemoteException, RemoteServer, InvalidArgument, Cancelled, Closed, Forked, Panic];
        let mut codes: Vec<_> = kinds.iter().map(|k| status_of(*k)).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), kinds.len());
        for (k, c) in kinds.iter().zip(kinds.iter().map(|k| status_of(*k))) {
            let name = STATUS_NAMES.iter().find(|(s, _)| *s == c).unwrap().1;
            let want = match k.name() {
                "invalid_argument" => "invalid_arg".to_owned(),
                n => n.to_owned(),
            };
            assert_eq!(name.trim_end_matches('\0'), format!("DUBBO_E_{}", want.to_uppercase()));
        }
    }
}
