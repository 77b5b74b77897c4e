//! `leastactive` (Java's `LeastActiveLoadBalance`) and, with another score,
//! `shortestresponse`: the providers with the lowest score; one is returned
//! as is, ties of unequal weight are drawn by weight, equal ones uniformly.
//! Calls in flight are counted for every call here (Java counts them only with
//! its `actives` filter on; without it every score is 0 and this is random).

use std::sync::Arc;

use super::{weights, Pick};
use crate::cluster::{rng, Invoker};

pub(super) fn select<I: Invoker>(invokers: &[Arc<I>], pick: &Pick<'_>, score: impl Fn(&I) -> u64) -> usize {
    let weights = weights(invokers, pick);
    let mut least: Option<u64> = None;
    let mut ties: Vec<usize> = Vec::with_capacity(invokers.len());
    let (mut total, mut first, mut same) = (0i64, 0i64, true);
    for (i, invoker) in invokers.iter().enumerate() {
        let s = score(invoker);
        let w = weights[i];
        if least.is_none_or(|l| s < l) {
            least = Some(s);
            ties.clear();
            ties.push(i);
            (total, first, same) = (w, w, true);
        } else if least == Some(s) {
            ties.push(i);
            total += w;
            if same && w != first {
                same = false;
            }
        }
    }
    if ties.len() == 1 {
        return ties[0];
    }
    if !same && total > 0 {
        let mut offset = rng::below(total as u64) as i64;
        for &i in &ties {
            offset -= weights[i];
            if offset < 0 {
                return i;
            }
        }
    }
    ties[rng::index(ties.len())]
}

#[cfg(test)]
mod tests {
    use super::super::tests::pick;
    use super::super::LoadBalancer;
    use crate::cluster::testing::Fake;
    use crate::cluster::Invoker;
    use crate::url::Url;

    #[test]
    fn the_provider_with_fewest_calls_in_flight_wins() {
        let fakes = vec![Fake::new("127.0.0.1:1"), Fake::new("127.0.0.1:2"), Fake::new("127.0.0.1:3")];
        let _busy = [fakes[0].stats().begin(), fakes[1].stats().begin(), fakes[1].stats().begin()];
        let consumer = Url::default();
        for _ in 0..20 {
            assert_eq!(LoadBalancer::LeastActive.select(&fakes, &pick(&consumer, &[])), Some(2));
        }
        // Ties spread over the tied ones only.
        let _more = fakes[2].stats().begin();
        let picks: std::collections::HashSet<_> = (0..200).map(|_| LoadBalancer::LeastActive.select(&fakes, &pick(&consumer, &[])).unwrap()).collect();
        assert_eq!(picks, [0, 2].into_iter().collect());
    }

    #[test]
    fn shortest_response_prefers_the_fast_provider() {
        let fakes = vec![Fake::new("127.0.0.1:1"), Fake::new("127.0.0.1:2")];
        {
            let slow = fakes[0].stats().begin();
            std::thread::sleep(std::time::Duration::from_millis(20));
            slow.succeeded();
            fakes[1].stats().begin().succeeded();
        }
        let consumer = Url::default();
        for _ in 0..20 {
            assert_eq!(LoadBalancer::ShortestResponse.select(&fakes, &pick(&consumer, &[])), Some(1));
        }
    }
}
