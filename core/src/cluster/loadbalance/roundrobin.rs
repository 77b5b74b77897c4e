//! `roundrobin` (Java's `RoundRobinLoadBalance`): smooth weighted round robin.
//! Per `serviceKey.method` and provider identity (`toIdentityString`), each pick
//! adds every provider's weight to its `current`, takes the largest, and
//! subtracts the total from the winner's. A changed weight restarts its
//! `current`; entries not seen for 60 s are dropped when the provider count
//! differs from the table's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{weights, Pick};
use crate::cluster::Invoker;

/// Java's `RECYCLE_PERIOD`.
const RECYCLE: Duration = Duration::from_secs(60);

#[derive(Debug)]
struct Entry {
    weight: i64,
    current: i64,
    seen: Instant,
}

/// The round-robin state of one reference.
#[derive(Debug, Default)]
pub struct RoundRobin {
    /// `serviceKey.method` → provider identity → entry.
    methods: Mutex<HashMap<String, HashMap<String, Entry>>>,
}

impl RoundRobin {
    pub(super) fn select<I: Invoker>(&self, invokers: &[Arc<I>], pick: &Pick<'_>) -> usize {
        let key = format!("{}.{}", pick.service_key, pick.method);
        let weights = weights(invokers, pick);
        let now = Instant::now();
        let mut methods = self.methods.lock().unwrap_or_else(|p| p.into_inner());
        let table = methods.entry(key).or_default();
        let (mut total, mut best, mut best_current) = (0i64, None, i64::MIN);
        for (i, (invoker, &weight)) in invokers.iter().zip(&weights).enumerate() {
            let identity = &invoker.info().identity;
            let current = match table.get_mut(identity) {
                Some(entry) => {
                    if entry.weight != weight {
                        entry.weight = weight;
                        entry.current = 0;
                    }
                    entry.current += weight;
                    entry.seen = now;
                    entry.current
                }
                None => {
                    table.insert(identity.clone(), Entry { weight, current: weight, seen: now });
                    weight
                }
            };
            if current > best_current {
                best_current = current;
                best = Some(i);
            }
            total += weight;
        }
        if invokers.len() != table.len() {
            table.retain(|_, e| now.duration_since(e.seen) <= RECYCLE);
        }
        match best {
            Some(i) => {
                if let Some(entry) = table.get_mut(&invokers[i].info().identity) {
                    entry.current -= total;
                }
                i
            }
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::pick;
    use super::*;
    use crate::cluster::testing::Fake;
    use crate::url::Url;

    #[test]
    fn picks_are_smooth_and_follow_weights() {
        let fakes = vec![
            Fake::with_url("dubbo://127.0.0.1:1/I?weight=5"),
            Fake::with_url("dubbo://127.0.0.1:2/I?weight=1"),
            Fake::with_url("dubbo://127.0.0.1:3/I?weight=1"),
        ];
        let (rr, consumer) = (RoundRobin::default(), Url::default());
        let order: Vec<usize> = (0..7).map(|_| rr.select(&fakes, &pick(&consumer, &[]))).collect();
        // nginx's smooth sequence for 5:1:1.
        assert_eq!(order, [0, 0, 1, 0, 2, 0, 0]);
        // Equal weights take turns.
        let even = vec![Fake::new("127.0.0.1:1"), Fake::new("127.0.0.1:2")];
        let rr = RoundRobin::default();
        let order: Vec<usize> = (0..4).map(|_| rr.select(&even, &pick(&consumer, &[]))).collect();
        assert_eq!(order, [0, 1, 0, 1]);
    }
}
