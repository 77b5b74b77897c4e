//! The directory: the current providers of one reference, replaced as a whole
//! when the registry sends a new list (lock-free reads for every call), and the
//! ones fit for selection (connected or not yet tried, not readonly, not backing
//! off after a failed connect).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use arc_swap::ArcSwap;
use tokio::sync::Notify;

use super::Invoker;

/// The providers of one reference.
pub struct Directory<I> {
    providers: ArcSwap<Vec<Arc<I>>>,
    /// False until the first list (from a registry) arrived.
    ready: AtomicBool,
    notify: Notify,
}

impl<I: Invoker> Directory<I> {
    /// A directory with a first list (`ready` says whether that list is final for now:
    /// true for direct URLs, false while a registry's first answer is awaited).
    pub fn new(providers: Vec<Arc<I>>, ready: bool) -> Self {
        Directory { providers: ArcSwap::from_pointee(providers), ready: AtomicBool::new(ready), notify: Notify::new() }
    }

    /// Every provider now.
    pub fn all(&self) -> Arc<Vec<Arc<I>>> {
        self.providers.load_full()
    }

    /// Replaces the list.
    pub fn replace(&self, providers: Vec<Arc<I>>) {
        self.providers.store(Arc::new(providers));
        self.ready.store(true, Ordering::Release);
        self.notify.notify_waiters();
    }

    /// True once a list arrived.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Waits until a list arrived (callers bound it with their deadline).
    pub async fn wait_ready(&self) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_ready() {
                return;
            }
            notified.await;
        }
    }

    /// The providers fit for selection; all of them when none is (Java then
    /// still tries one rather than failing without a call).
    pub fn selectable(&self) -> Vec<Arc<I>> {
        let all = self.all();
        let live: Vec<Arc<I>> = all.iter().filter(|i| i.is_available()).cloned().collect();
        if live.is_empty() { all.to_vec() } else { live }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fake;
    use super::*;

    #[tokio::test]
    async fn selection_leaves_out_unavailable_providers_unless_all_are() {
        let a = Fake::new("127.0.0.1:1");
        let b = Fake::new("127.0.0.1:2");
        let dir = Directory::new(vec![], false);
        assert!(!dir.is_ready());
        dir.replace(vec![a.clone(), b.clone()]);
        dir.wait_ready().await;
        b.set_available(false);
        assert_eq!(dir.selectable().len(), 1);
        a.set_available(false);
        assert_eq!(dir.selectable().len(), 2);
    }
}
