//! `adaptive` (Java's `AdaptiveLoadBalance`): power of two choices. Two
//! distinct providers are drawn; the one with the lower estimated load wins,
//! ties are drawn by weight. The load is Java's formula
//! `cpu × (√ewma + 1) × (inflight + 1) / (success ratio × weight + 1)` with the
//! consumer's own measures: Java also folds in the provider's CPU load from its
//! `lb_adaptive` response attachment, which this takes as 1. A provider not
//! picked for over twice the timeout counts as load 0 (try it again).

use std::sync::Arc;
use std::time::Duration;

use super::{now_ms, Pick};
use crate::cluster::{rng, Invoker};
use crate::url::{defaults, keys};

pub(super) fn select<I: Invoker>(invokers: &[Arc<I>], pick: &Pick<'_>) -> usize {
    let len = invokers.len();
    let a = rng::index(len);
    let mut b = rng::index(len - 1);
    if b >= a {
        b += 1;
    }
    let timeout = pick.param(invokers, keys::TIMEOUT).and_then(|t| t.parse().ok()).unwrap_or(defaults::TIMEOUT);
    let now = now_ms();
    let (wa, wb) = (invokers[a].info().weight(pick.method, now), invokers[b].info().weight(pick.method, now));
    let (la, lb) = (load(&*invokers[a], wa, timeout), load(&*invokers[b], wb, timeout));
    let chosen = if la == lb {
        let total = wa + wb;
        if total > 0 {
            if (rng::below(total as u64) as i64) < wa { a } else { b }
        } else if rng::below(2) == 0 {
            a
        } else {
            b
        }
    } else if la > lb {
        b
    } else {
        a
    };
    invokers[chosen].stats().picked();
    chosen
}

fn load<I: Invoker>(invoker: &I, weight: i64, timeout_ms: u64) -> f64 {
    let stats = invoker.stats();
    let (requests, succeeded) = stats.totals();
    if requests > 0 && stats.since_pick() > Duration::from_millis(timeout_ms.saturating_mul(2)) {
        return 0.0;
    }
    let inflight = stats.active() as f64;
    let ratio = succeeded as f64 / (requests as f64 + 1.0);
    (stats.ewma_ms().sqrt() + 1.0) * (inflight + 1.0) / (ratio * weight as f64 + 1.0)
}

#[cfg(test)]
mod tests {
    use super::super::tests::pick;
    use super::*;
    use crate::cluster::testing::Fake;
    use crate::url::Url;

    #[test]
    fn the_less_loaded_of_two_wins() {
        let fakes = vec![Fake::new("127.0.0.1:1"), Fake::new("127.0.0.1:2")];
        fakes[0].stats().picked();
        fakes[1].stats().picked();
        let _busy: Vec<_> = (0..5).map(|_| fakes[0].stats().begin()).collect();
        fakes[1].stats().begin().succeeded();
        let consumer = Url::default();
        for _ in 0..20 {
            assert_eq!(select(&fakes, &pick(&consumer, &[])), 1);
        }
        let three = vec![Fake::new("127.0.0.1:1"), Fake::new("127.0.0.1:2"), Fake::new("127.0.0.1:3")];
        assert!((0..50).all(|_| select(&three, &pick(&consumer, &[])) < 3));
    }
}
