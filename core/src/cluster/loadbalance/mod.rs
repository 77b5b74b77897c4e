//! Load balancers with Java's names and algorithms (facts §5): `random`
//! (weights, warm-up), `roundrobin` (smooth weighted), `leastactive`,
//! `consistenthash` (MD5 ketama), `shortestresponse`, `adaptive` (P2C).
//! A balancer keeps its state (round-robin counters, hash rings) per
//! `serviceKey.method`, as Java's do; a reference keeps one per name.

mod adaptive;
mod consistenthash;
mod leastactive;
mod random;
mod roundrobin;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Invoker, ProviderInfo};
use crate::url::Url;
use crate::value::Value;

pub use consistenthash::{java_string, ConsistentHash};
pub use roundrobin::RoundRobin;

/// What a selection is for.
#[derive(Debug, Clone, Copy)]
pub struct Pick<'a> {
    /// Java's service key of the reference (`group/interface:version`).
    pub service_key: &'a str,
    /// The method called (for `$invoke`, the method it invokes).
    pub method: &'a str,
    /// The call's arguments (for `$invoke`, the invoked method's).
    pub args: &'a [Value],
    /// The consumer's parameters, which win over the providers' (as in Java's merged URL).
    pub consumer: &'a Url,
}

impl Pick<'_> {
    /// A method parameter as Java's merged URL gives it: the consumer's, else
    /// the first provider's.
    pub fn param<'u, I: Invoker>(&'u self, invokers: &'u [Arc<I>], key: &str) -> Option<&'u str> {
        self.consumer.method_param(self.method, key).or_else(|| invokers.first()?.url().method_param(self.method, key))
    }
}

/// A load balancer.
#[derive(Debug)]
pub enum LoadBalancer {
    /// `random`: weighted random.
    Random,
    /// `roundrobin`: smooth weighted round robin.
    RoundRobin(RoundRobin),
    /// `leastactive`: fewest calls in flight.
    LeastActive,
    /// `consistenthash`: the same arguments go to the same provider.
    ConsistentHash(ConsistentHash),
    /// `shortestresponse`: the shortest expected response time.
    ShortestResponse,
    /// `adaptive`: power of two choices on an estimated load.
    Adaptive,
}

impl LoadBalancer {
    /// The names Java's SPI knows, in its order.
    pub const NAMES: [&'static str; 6] = ["random", "roundrobin", "leastactive", "consistenthash", "shortestresponse", "adaptive"];

    /// The balancer called `name` (Java's SPI names), `None` for an unknown name.
    pub fn named(name: &str) -> Option<LoadBalancer> {
        Some(match name.trim() {
            "random" => LoadBalancer::Random,
            "roundrobin" => LoadBalancer::RoundRobin(RoundRobin::default()),
            "leastactive" => LoadBalancer::LeastActive,
            "consistenthash" => LoadBalancer::ConsistentHash(ConsistentHash::default()),
            "shortestresponse" => LoadBalancer::ShortestResponse,
            "adaptive" => LoadBalancer::Adaptive,
            _ => return None,
        })
    }

    /// Picks one of `invokers` (an index), `None` only when there are none.
    pub fn select<I: Invoker>(&self, invokers: &[Arc<I>], pick: &Pick<'_>) -> Option<usize> {
        match invokers.len() {
            0 => return None,
            1 => return Some(0),
            _ => {}
        }
        let chosen = match self {
            LoadBalancer::Random => random::select(invokers, pick),
            LoadBalancer::RoundRobin(rr) => rr.select(invokers, pick),
            LoadBalancer::LeastActive => leastactive::select(invokers, pick, |i| i.stats().active() as u64),
            LoadBalancer::ConsistentHash(ch) => ch.select(invokers, pick),
            LoadBalancer::ShortestResponse => {
                // Java: the window's average success time × (calls in flight + 1).
                leastactive::select(invokers, pick, |i| i.stats().average_elapsed_ms().saturating_mul(i.stats().active() as u64 + 1))
            }
            LoadBalancer::Adaptive => adaptive::select(invokers, pick),
        };
        Some(chosen.min(invokers.len() - 1))
    }
}

/// Java's `AbstractLoadBalance.getWeight` of `url` for `method` (see [`ProviderInfo::weight`]).
pub fn weight(url: &Url, method: &str, now_ms: i64) -> i64 {
    ProviderInfo::of(url).weight(method, now_ms)
}

/// Milliseconds since the epoch now.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// The weights of `invokers` for the method of `pick`.
fn weights<I: Invoker>(invokers: &[Arc<I>], pick: &Pick<'_>) -> Vec<i64> {
    let now = now_ms();
    invokers.iter().map(|i| i.info().weight(pick.method, now)).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn pick<'a>(consumer: &'a Url, args: &'a [Value]) -> Pick<'a> {
        Pick { service_key: "org.example.Greeter", method: "sayHello", args, consumer }
    }

    #[test]
    fn weights_ramp_up_over_the_warmup_as_java_computes_them() {
        let now = 1_000_000_000;
        let url = |params: &str| Url::parse(&format!("dubbo://127.0.0.1:1/I?{params}")).unwrap();
        assert_eq!(weight(&url(""), "m", now), 100);
        assert_eq!(weight(&url("weight=7"), "m", now), 7);
        assert_eq!(weight(&url("weight=7&m.weight=3"), "m", now), 3);
        assert_eq!(weight(&url("weight=-5"), "m", now), 0);
        // Half-way through the default 10 min warm-up: half the weight.
        assert_eq!(weight(&url(&format!("timestamp={}", now - 300_000)), "m", now), 50);
        assert_eq!(weight(&url(&format!("timestamp={}", now - 1)), "m", now), 1);
        assert_eq!(weight(&url(&format!("timestamp={}", now + 5)), "m", now), 1, "a clock ahead");
        assert_eq!(weight(&url(&format!("timestamp={}&warmup=1000&weight=10", now - 250)), "m", now), 2);
        assert_eq!(weight(&url(&format!("timestamp={}", now - 700_000)), "m", now), 100);
        assert_eq!(weight(&url(&format!("timestamp={}", now)), "m", now), 100, "uptime 0 is not ramped (Java)");
    }

    #[test]
    fn every_java_name_makes_a_balancer() {
        for name in LoadBalancer::NAMES {
            assert!(LoadBalancer::named(name).is_some(), "{name}");
        }
        assert!(LoadBalancer::named("nope").is_none());
    }
}
