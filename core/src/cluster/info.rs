//! What the balancers read from a provider URL, worked out once when the
//! provider enters a directory (a URL never changes under one entry), so that
//! a selection over many providers allocates nothing and parses nothing.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::url::{defaults, keys, Url};

/// A provider URL's address, identity, weights and warm-up, read once.
#[derive(Debug, Clone)]
pub struct ProviderInfo {
    /// `host:port` (consistent hashing hashes it).
    pub address: String,
    /// `toIdentityString()` (round robin keys its state by it).
    pub identity: String,
    /// A hash of the full URL, to tell lists apart.
    pub fingerprint: u64,
    /// True when the URL has a `weight` (any method's) or a `timestamp`
    /// (random then draws by weight, else uniformly).
    pub weighted: bool,
    weight: i64,
    method_weights: HashMap<String, i64>,
    timestamp: Option<i64>,
    warmup: i64,
}

impl ProviderInfo {
    /// Reads `url`.
    pub fn of(url: &Url) -> ProviderInfo {
        let mut method_weights = HashMap::new();
        for (k, v) in &url.params {
            let method = k.strip_suffix(".weight").map(|m| m.strip_prefix("methods.").unwrap_or(m));
            if let (Some(method), Ok(w)) = (method, v.trim().parse::<i64>()) {
                // `m.weight` wins over `methods.m.weight`, as Url::method_param reads them.
                if !k.starts_with("methods.") || !method_weights.contains_key(method) {
                    method_weights.insert(method.to_owned(), w);
                }
            }
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        url.to_full_string().hash(&mut h);
        ProviderInfo {
            address: url.address(),
            identity: url.to_identity_string(),
            fingerprint: h.finish(),
            weighted: url.params.contains_key(keys::WEIGHT) || url.params.contains_key(keys::TIMESTAMP) || !method_weights.is_empty(),
            weight: url.param(keys::WEIGHT).and_then(|w| w.parse().ok()).unwrap_or(defaults::WEIGHT),
            method_weights,
            timestamp: url.timestamp().filter(|t| *t > 0),
            warmup: url.warmup(),
        }
    }

    /// Java's `AbstractLoadBalance.getWeight`: the method's `weight` (default 100),
    /// ramped up over `warmup` (default 10 min) after `timestamp`; never negative.
    pub fn weight(&self, method: &str, now_ms: i64) -> i64 {
        let weight = self.method_weights.get(method).copied().unwrap_or(self.weight);
        if weight > 0
            && let Some(timestamp) = self.timestamp {
                let uptime = now_ms - timestamp;
                if uptime < 0 {
                    return 1;
                }
                if uptime > 0 && uptime < self.warmup {
                    return warmup_weight(uptime, self.warmup, weight);
                }
            }
        weight.max(0)
    }
}

/// Java's `calculateWarmupWeight`: `(int)(uptime / ((float) warmup / weight))` in `[1, weight]`.
fn warmup_weight(uptime: i64, warmup: i64, weight: i64) -> i64 {
    let ww = (uptime as f32 / (warmup as f32 / weight as f32)) as i64;
    ww.clamp(1, weight.max(1))
}
