//! Plain-data strings in and bytes out (bindings-rules §5.2 rule 5).

use std::ffi::c_char;

use crate::boundary::{ffi_boundary, str_arg, FfiResult};

/// A borrowed UTF-8 string: `len` bytes at `ptr`, no NUL needed. `{NULL, 0}` is
/// "not set" in options structs. `dubbo_str_c` makes one from a C string.
#[repr(C)]
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct dubbo_str {
    /// The first byte (may be NULL when `len` is 0).
    pub ptr: *const c_char,
    /// The length in bytes.
    pub len: usize,
}

impl dubbo_str {
    /// The empty / unset string.
    pub const EMPTY: dubbo_str = dubbo_str { ptr: std::ptr::null(), len: 0 };

    /// The string, checked for UTF-8.
    pub(crate) fn get<'a>(&self, what: &str) -> FfiResult<&'a str> {
        str_arg(self.ptr, self.len, what)
    }

    /// `None` when unset or empty.
    pub(crate) fn optional(&self, what: &str) -> FfiResult<Option<String>> {
        Ok(Some(self.get(what)?).filter(|s| !s.is_empty()).map(str::to_owned))
    }
}

/// Bytes owned by libdubbo (a JSON text, Hessian2 bytes): read `len` bytes at
/// `ptr`, then free with `dubbo_bytes_free`, never with `free()`. No NUL
/// terminator is promised: print with `"%.*s", (int)b.len, b.ptr`.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct dubbo_bytes {
    /// The first byte (NULL for an empty or freed value).
    pub ptr: *const u8,
    /// The length.
    pub len: usize,
    /// The allocation's size (libdubbo's business).
    pub cap: usize,
}

impl dubbo_bytes {
    pub(crate) fn from_vec(v: Vec<u8>) -> dubbo_bytes {
        if v.is_empty() {
            return dubbo_bytes { ptr: std::ptr::null(), len: 0, cap: 0 };
        }
        let boxed = v.into_boxed_slice();
        let len = boxed.len();
        let ptr = Box::into_raw(boxed) as *const u8;
        dubbo_bytes { ptr, len, cap: len }
    }

    pub(crate) fn from_string(s: String) -> dubbo_bytes {
        Self::from_vec(s.into_bytes())
    }
}

/// Frees the bytes `b` points at and sets `*b` to `{NULL, 0, 0}`, so that a
/// second call is harmless. NULL and empty values are fine.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_bytes_free(b: *mut dubbo_bytes) {
    ffi_boundary!(() => {
        // SAFETY: `b` is NULL or a `dubbo_bytes` this library filled in.
        let Some(b) = (unsafe { b.as_mut() }) else { return };
        if !b.ptr.is_null() && b.cap > 0 {
            let slice = std::ptr::slice_from_raw_parts_mut(b.ptr as *mut u8, b.cap);
            // SAFETY: made by `from_vec` from a boxed slice of exactly `cap` bytes.
            drop(unsafe { Box::from_raw(slice) });
        }
        *b = dubbo_bytes { ptr: std::ptr::null(), len: 0, cap: 0 };
    })
}
