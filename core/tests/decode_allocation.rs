//! Hostile lengths cost no more memory than the input justifies: a counting
//! allocator records the largest single allocation while decoding each input.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use libdubbo_core::hessian2;

struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn declared_lengths_do_not_drive_allocation() {
    let hostile: &[(&str, Vec<u8>)] = &[
        ("list of 2^31-1 items", vec![0x58, b'I', 0x7f, 0xff, 0xff, 0xff, b'N']),
        ("typed list of 2^31-1 items", [&[b'V', 0x04][..], b"[int", &[b'I', 0x7f, 0xff, 0xff, 0xff, 0x90]].concat()),
        ("class with 2^31-1 fields", [&[b'C', 0x01, b'A'][..], &[b'I', 0x7f, 0xff, 0xff, 0xff, 0x01, b'x']].concat()),
        ("string of 65535 units", vec![b'S', 0xff, 0xff, b'a', b'b']),
        ("binary of 65535 bytes", vec![b'B', 0xff, 0xff, 1, 2, 3]),
        ("endless binary chunks", [&[b'A', 0xff, 0xff][..], &[0u8; 64]].concat()),
    ];
    for (what, bytes) in hostile {
        LARGEST.store(0, Ordering::Relaxed);
        assert!(hessian2::decode(bytes).is_err(), "{what} decoded");
        let largest = LARGEST.load(Ordering::Relaxed);
        // A Value is 56 bytes: a few per input byte is what the input justifies.
        assert!(largest <= 64 * bytes.len() + 1024, "{what}: allocated {largest} bytes for {} input bytes", bytes.len());
    }
}
