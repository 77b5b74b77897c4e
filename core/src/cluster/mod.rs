//! Clusters (DESIGN "How a call flows"): the directory of a reference's live
//! providers, the load balancers that pick one for a call, and the
//! fault-tolerance strategies around the call, with Java's names, defaults and
//! algorithms (facts §5, §6).
//!
//! The layer knows providers only through [`Invoker`] (a URL, availability and
//! [`Stats`]) and calls only through closures, so it is tested with fakes and
//! knows nothing of sockets.

mod directory;
mod info;
pub mod loadbalance;
mod rng;
mod stats;
pub mod strategy;

pub use directory::Directory;
pub use info::ProviderInfo;
pub use strategy::{invoke, CallError, Strategy};
pub use loadbalance::{LoadBalancer, Pick};
pub use stats::{CallGuard, Stats, SLIDE_PERIOD};

use crate::url::Url;

/// A provider as the cluster sees it.
pub trait Invoker: Send + Sync + 'static {
    /// Its URL (weight, warmup, timestamp and per-method parameters come from it).
    fn url(&self) -> &Url;
    /// False while it must not be picked (readonly, connect backing off).
    fn is_available(&self) -> bool;
    /// Its call statistics.
    fn stats(&self) -> &Stats;
    /// What the balancers read from its URL, worked out once ([`ProviderInfo::of`]).
    fn info(&self) -> &ProviderInfo;
}

#[cfg(test)]
pub(crate) mod testing {
    //! A fake provider for the cluster's unit tests.
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use super::{Invoker, ProviderInfo, Stats};
    use crate::url::Url;

    pub struct Fake {
        pub url: Url,
        available: AtomicBool,
        stats: Stats,
        info: ProviderInfo,
    }

    impl Fake {
        /// A provider at `addr` (`host:port`) with no parameters.
        pub fn new(addr: &str) -> Arc<Fake> {
            Fake::with_url(&format!("dubbo://{addr}/org.example.Greeter"))
        }

        pub fn with_url(url: &str) -> Arc<Fake> {
            let url = Url::parse(url).expect("a test URL");
            Arc::new(Fake { info: ProviderInfo::of(&url), url, available: AtomicBool::new(true), stats: Stats::default() })
        }

        pub fn set_available(&self, yes: bool) {
            self.available.store(yes, Ordering::Relaxed);
        }
    }

    impl Invoker for Fake {
        fn url(&self) -> &Url {
            &self.url
        }
        fn is_available(&self) -> bool {
            self.available.load(Ordering::Relaxed)
        }
        fn stats(&self) -> &Stats {
            &self.stats
        }
        fn info(&self) -> &ProviderInfo {
            &self.info
        }
    }
}
