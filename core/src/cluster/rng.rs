//! A small, fast random source for the balancers (xorshift64*, one per thread,
//! seeded from the std hasher's per-process keys and the clock). Not for secrets.

use std::cell::Cell;

thread_local! {
    static STATE: Cell<u64> = Cell::new(seed());
}

fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.finish() | 1
}

/// A number in `0..n` (0 when `n` is 0).
pub fn below(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        // The high bits of xorshift64* are the good ones; the modulo bias is < n / 2^64.
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 1) % n
    })
}

/// An index into a slice of `len` items.
pub fn index(len: usize) -> usize {
    below(len as u64) as usize
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_stay_in_range_and_spread() {
        let mut seen = [0u32; 4];
        for _ in 0..4000 {
            seen[super::index(4)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 800), "{seen:?}");
        assert_eq!(super::below(0), 0);
    }
}
