//! Fault tolerance (Java's cluster invokers, facts §6): how a call uses the
//! providers the balancer picks. `failover` (default: up to `retries` (2) more
//! tries on other providers, never after a business exception), `failfast`,
//! `failsafe` (errors become an empty result), `failback` (an empty result now,
//! retries in the background every 5 s), `forking` (`forks` providers at once,
//! the first success wins), `broadcast` (every provider in turn, the last
//! error is thrown), `available` (the first available provider).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::{rng, Directory, Invoker, LoadBalancer, Pick};
use crate::url::{defaults, keys};

/// Java's failback retry period.
pub const FAILBACK_PERIOD: Duration = Duration::from_secs(5);

/// What a call's error tells the cluster.
pub trait CallError: Send + 'static {
    /// False for errors another provider would not fix: a business exception
    /// from the provider (Java's `isBiz`), a closed client, a bad argument.
    fn retryable(&self) -> bool;
    /// The error when no provider can be called.
    fn no_provider(message: String) -> Self;
    /// The last error after `attempts` tries on `providers` (addresses), for its message.
    fn tried(self, attempts: usize, providers: &[String]) -> Self;
}

/// A fault-tolerance strategy, as Java's `cluster` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// `failover`: `retries` more tries on other providers.
    Failover {
        /// Tries after the first.
        retries: u32,
    },
    /// `failfast`: one try.
    Failfast,
    /// `failsafe`: one try; an error is logged and an empty result returned.
    Failsafe,
    /// `failback`: one try; on error an empty result now and `retries` background tries.
    Failback {
        /// Background tries.
        retries: u32,
    },
    /// `forking`: `forks` providers at once; the first success wins.
    Forking {
        /// How many providers are called.
        forks: usize,
    },
    /// `broadcast`: every provider, one after the other.
    Broadcast {
        /// Stop once this share (percent) of the providers failed.
        fail_percent: u32,
    },
    /// `available`: the first available provider.
    Available,
}

impl Strategy {
    /// The names Java's SPI knows that this implements.
    pub const NAMES: [&'static str; 7] = ["failover", "failfast", "failsafe", "failback", "forking", "broadcast", "available"];

    /// The strategy configured for `pick`'s method (`cluster`, `retries`, `forks`,
    /// `broadcast.fail.percent`, consumer parameters first); an unknown name is an error.
    pub fn configured<I: Invoker>(invokers: &[Arc<I>], pick: &Pick<'_>) -> Result<Strategy, String> {
        let name = pick
            .consumer
            .param(keys::CLUSTER)
            .or_else(|| invokers.first()?.url().param(keys::CLUSTER))
            .unwrap_or(defaults::CLUSTER);
        let number = |key: &str| pick.param(invokers, key).and_then(|v| v.trim().parse::<i64>().ok());
        Ok(match name {
            "failover" => Strategy::Failover { retries: number(keys::RETRIES).unwrap_or(defaults::RETRIES as i64).clamp(0, 100) as u32 },
            "failfast" => Strategy::Failfast,
            "failsafe" => Strategy::Failsafe,
            "failback" => Strategy::Failback { retries: number(keys::RETRIES).unwrap_or(defaults::FAILBACK_RETRIES as i64).clamp(0, 100) as u32 },
            "forking" => Strategy::Forking { forks: number(keys::FORKS).unwrap_or(defaults::FORKS as i64).clamp(0, 1000) as usize },
            "broadcast" => Strategy::Broadcast {
                fail_percent: number(keys::BROADCAST_FAIL_PERCENT).unwrap_or(defaults::BROADCAST_FAIL_PERCENT as i64).clamp(0, 100) as u32,
            },
            "available" => Strategy::Available,
            other => return Err(format!("unknown cluster {other:?} (known: {})", Strategy::NAMES.join(", "))),
        })
    }
}

/// Java's `AbstractClusterInvoker.select`: the balancer's pick, or when that was
/// tried already, the balancer's pick among the untried (the next one when all were).
pub fn select<I: Invoker>(balancer: &LoadBalancer, invokers: &[Arc<I>], pick: &Pick<'_>, tried: &[Arc<I>]) -> Option<Arc<I>> {
    let chosen = invokers.get(balancer.select(invokers, pick)?)?.clone();
    if invokers.len() == 1 || !tried.iter().any(|t| Arc::ptr_eq(t, &chosen)) {
        return Some(chosen);
    }
    let fresh: Vec<Arc<I>> = invokers.iter().filter(|i| !tried.iter().any(|t| Arc::ptr_eq(t, i))).cloned().collect();
    match balancer.select(&fresh, pick) {
        Some(i) => fresh.get(i).cloned(),
        None => {
            let at = invokers.iter().position(|i| Arc::ptr_eq(i, &chosen)).unwrap_or(0);
            invokers.get((at + 1) % invokers.len()).cloned()
        }
    }
}

/// Runs one call under `strategy`: `call` makes the call to one provider.
pub async fn invoke<I, R, E, F, Fut>(
    strategy: Strategy,
    directory: &Arc<Directory<I>>,
    balancer: &LoadBalancer,
    pick: &Pick<'_>,
    call: F,
) -> Result<R, E>
where
    I: Invoker,
    R: Default + Send + 'static,
    E: CallError,
    F: Fn(Arc<I>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
{
    let none = || E::no_provider(format!("no provider available for {}.{}", pick.service_key, pick.method));
    let invokers = directory.selectable();
    if invokers.is_empty() {
        return Err(none());
    }
    match strategy {
        Strategy::Failover { retries } => {
            let attempts = retries as usize + 1;
            let (mut tried, mut addresses) = (Vec::new(), Vec::new());
            let mut last = None;
            for attempt in 0..attempts {
                let invokers = if attempt == 0 { invokers.clone() } else { directory.selectable() };
                let Some(provider) = select(balancer, &invokers, pick, &tried) else { break };
                tried.push(provider.clone());
                addresses.push(provider.url().address());
                match call(provider).await {
                    Ok(r) => return Ok(r),
                    Err(e) if !e.retryable() => return Err(e),
                    Err(e) => last = Some(e),
                }
            }
            Err(last.map_or_else(none, |e| e.tried(addresses.len(), &addresses)))
        }
        Strategy::Failfast => {
            let provider = select(balancer, &invokers, pick, &[]).ok_or_else(none)?;
            call(provider).await
        }
        Strategy::Failsafe => {
            let provider = select(balancer, &invokers, pick, &[]).ok_or_else(none)?;
            Ok(call(provider).await.unwrap_or_else(|_| {
                tracing::warn!(service = pick.service_key, method = pick.method, "failsafe: the call failed; an empty result is returned");
                R::default()
            }))
        }
        Strategy::Failback { retries } => {
            let provider = select(balancer, &invokers, pick, &[]).ok_or_else(none)?;
            match call(provider).await {
                Ok(r) => Ok(r),
                Err(e) if !e.retryable() => Err(e),
                Err(_) => {
                    tracing::warn!(service = pick.service_key, method = pick.method, retries, "failback: the call failed; retrying in the background");
                    tokio::spawn(failback(directory.clone(), retries, call));
                    Ok(R::default())
                }
            }
        }
        Strategy::Forking { forks } => {
            let chosen: Vec<Arc<I>> = if forks == 0 || forks >= invokers.len() {
                invokers
            } else {
                let mut chosen: Vec<Arc<I>> = Vec::with_capacity(forks);
                for _ in 0..forks {
                    if let Some(p) = select(balancer, &invokers, pick, &chosen)
                        && !chosen.iter().any(|c| Arc::ptr_eq(c, &p)) {
                            chosen.push(p);
                        }
                }
                chosen
            };
            let mut calls = tokio::task::JoinSet::new();
            for provider in chosen {
                calls.spawn(call(provider));
            }
            let mut last = None;
            while let Some(done) = calls.join_next().await {
                match done {
                    Ok(Ok(r)) => return Ok(r),
                    Ok(Err(e)) => last = Some(e),
                    Err(_) => {}
                }
            }
            Err(last.unwrap_or_else(none))
        }
        Strategy::Broadcast { fail_percent } => {
            let threshold = invokers.len() * fail_percent as usize / 100;
            let (mut result, mut error, mut failures) = (None, None, 0usize);
            for provider in invokers {
                match call(provider).await {
                    Ok(r) => result = Some(r),
                    Err(e) => {
                        error = Some(e);
                        failures += 1;
                        if failures == threshold {
                            break;
                        }
                    }
                }
            }
            match error {
                Some(e) => Err(e),
                None => Ok(result.unwrap_or_default()),
            }
        }
        Strategy::Available => {
            let all = directory.all();
            let provider = all.iter().find(|i| i.is_available()).cloned().ok_or_else(none)?;
            call(provider).await
        }
    }
}

/// Failback's background tries: every [`FAILBACK_PERIOD`], a random provider of
/// the directory then, until one succeeds or `retries` ran out.
async fn failback<I, R, E, F, Fut>(directory: Arc<Directory<I>>, retries: u32, call: F)
where
    I: Invoker,
    E: CallError,
    F: Fn(Arc<I>) -> Fut,
    Fut: Future<Output = Result<R, E>>,
{
    for _ in 0..retries {
        tokio::time::sleep(FAILBACK_PERIOD).await;
        let invokers = directory.selectable();
        if invokers.is_empty() {
            continue;
        }
        let provider = invokers[rng::index(invokers.len())].clone();
        if call(provider).await.is_ok() {
            return;
        }
    }
    tracing::warn!("failback: every background retry failed; the call is dropped");
}

#[cfg(test)]
#[path = "strategy_tests.rs"]
mod tests;
