//! `random` (Java's `RandomLoadBalance`): uniform when no provider has a
//! weight or a timestamp, else weighted by a prefix sum (linear scan up to 4
//! providers, binary search beyond), uniform again when all weights are equal.

use std::sync::Arc;

use super::{weights, Pick};
use crate::cluster::{rng, Invoker};

pub(super) fn select<I: Invoker>(invokers: &[Arc<I>], pick: &Pick<'_>) -> usize {
    let len = invokers.len();
    let weighted = invokers.iter().any(|i| i.info().weighted);
    if !weighted {
        return rng::index(len);
    }
    let mut prefix = Vec::with_capacity(len);
    let (mut total, mut same) = (0i64, true);
    for (i, w) in weights(invokers, pick).into_iter().enumerate() {
        total += w;
        prefix.push(total);
        if same && total != w * (i as i64 + 1) {
            same = false;
        }
    }
    if total > 0 && !same {
        let offset = rng::below(total as u64) as i64;
        return offset_index(&prefix, offset);
    }
    rng::index(len)
}

/// The first index whose prefix sum is above `offset`.
fn offset_index(prefix: &[i64], offset: i64) -> usize {
    if prefix.len() <= 4 {
        return prefix.iter().position(|&p| offset < p).unwrap_or(prefix.len() - 1);
    }
    prefix.partition_point(|&p| p <= offset)
}

#[cfg(test)]
mod tests {
    use super::super::tests::pick;
    use super::*;
    use crate::cluster::testing::Fake;
    use crate::url::Url;

    #[test]
    fn weights_share_the_picks() {
        let consumer = Url::default();
        for n in [3usize, 6] {
            let mut fakes: Vec<_> = (1..n).map(|p| Fake::with_url(&format!("dubbo://127.0.0.1:{p}/I?weight=100"))).collect();
            fakes.push(Fake::with_url("dubbo://127.0.0.1:99/I?weight=300"));
            let mut counts = vec![0u32; n];
            for _ in 0..20_000 {
                counts[select(&fakes, &pick(&consumer, &[]))] += 1;
            }
            let heavy = counts[n - 1] as f64 / 20_000.0;
            let want = 300.0 / (100.0 * (n - 1) as f64 + 300.0);
            assert!((heavy - want).abs() < 0.03, "{n}: {counts:?}");
        }
        // Zero weights everywhere: uniform, never a panic.
        let zero: Vec<_> = (1..4).map(|p| Fake::with_url(&format!("dubbo://127.0.0.1:{p}/I?weight=0"))).collect();
        assert!(select(&zero, &pick(&consumer, &[])) < 3);
    }

    #[test]
    fn offsets_map_like_java_s_scan_and_binary_search() {
        let prefix = [10, 10, 30, 60, 100, 150];
        assert_eq!(offset_index(&prefix, 0), 0);
        assert_eq!(offset_index(&prefix, 10), 2, "an empty slot is skipped");
        assert_eq!(offset_index(&prefix, 59), 3);
        assert_eq!(offset_index(&prefix, 149), 5);
        assert_eq!(offset_index(&prefix[..3], 10), 2);
    }
}
