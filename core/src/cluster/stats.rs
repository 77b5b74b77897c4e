//! Per-provider call statistics, as Java's `RpcStatus` and `AdaptiveMetrics`
//! keep them, for the load balancers that read them (leastactive,
//! shortestresponse, adaptive). Kept per provider, not per method.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Java's `shortestResponseSlidePeriod`: the window of the average response time.
pub const SLIDE_PERIOD: Duration = Duration::from_secs(30);

/// Calls to one provider: in flight, and how the finished ones went.
#[derive(Debug)]
pub struct Stats {
    active: AtomicU32,
    window: Mutex<Window>,
    /// EWMA (β = 0.5) of the response time in ms, as f64 bits.
    ewma_bits: AtomicU64,
    /// Calls made and calls that succeeded (adaptive's success ratio).
    requests: AtomicU64,
    succeeded_total: AtomicU64,
    /// When the provider was last picked, ms since `born`.
    last_pick: AtomicU64,
    born: Instant,
}

#[derive(Debug)]
struct Window {
    start: Instant,
    succeeded: u64,
    succeeded_elapsed_ms: u64,
}

impl Default for Stats {
    fn default() -> Self {
        let now = Instant::now();
        Stats {
            active: AtomicU32::new(0),
            window: Mutex::new(Window { start: now, succeeded: 0, succeeded_elapsed_ms: 0 }),
            ewma_bits: AtomicU64::new(0f64.to_bits()),
            requests: AtomicU64::new(0),
            succeeded_total: AtomicU64::new(0),
            last_pick: AtomicU64::new(0),
            born: now,
        }
    }
}

impl Stats {
    /// Calls in flight now.
    pub fn active(&self) -> u32 {
        self.active.load(Ordering::Relaxed)
    }

    /// Marks a call as started; the guard marks it finished (as a failure unless
    /// [`CallGuard::succeeded`] is called).
    pub fn begin(&self) -> CallGuard<'_> {
        self.active.fetch_add(1, Ordering::Relaxed);
        self.requests.fetch_add(1, Ordering::Relaxed);
        CallGuard { stats: self, started: Instant::now(), ok: false }
    }

    /// Average elapsed ms of the successful calls of the current window (0 when none).
    pub fn average_elapsed_ms(&self) -> u64 {
        let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
        if w.start.elapsed() > SLIDE_PERIOD {
            *w = Window { start: Instant::now(), succeeded: 0, succeeded_elapsed_ms: 0 };
        }
        w.succeeded_elapsed_ms.checked_div(w.succeeded).unwrap_or(0)
    }

    /// The EWMA of response times in ms.
    pub fn ewma_ms(&self) -> f64 {
        f64::from_bits(self.ewma_bits.load(Ordering::Relaxed))
    }

    /// Calls made and calls that succeeded, in all.
    pub fn totals(&self) -> (u64, u64) {
        (self.requests.load(Ordering::Relaxed), self.succeeded_total.load(Ordering::Relaxed))
    }

    /// Records that a balancer picked it now.
    pub fn picked(&self) {
        self.last_pick.store(self.born.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// How long since it was last picked (since it was made when never).
    pub fn since_pick(&self) -> Duration {
        let at = Duration::from_millis(self.last_pick.load(Ordering::Relaxed));
        self.born.elapsed().saturating_sub(at)
    }

    fn finish(&self, elapsed: Duration, ok: bool) {
        self.active.fetch_sub(1, Ordering::Relaxed);
        let ms = elapsed.as_millis() as u64;
        let old = self.ewma_ms();
        let new = if old == 0.0 { ms as f64 } else { 0.5 * old + 0.5 * ms as f64 };
        self.ewma_bits.store(new.to_bits(), Ordering::Relaxed);
        if ok {
            self.succeeded_total.fetch_add(1, Ordering::Relaxed);
            let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
            w.succeeded += 1;
            w.succeeded_elapsed_ms = w.succeeded_elapsed_ms.saturating_add(ms);
        }
    }
}

/// One call in flight; finished when dropped.
#[derive(Debug)]
pub struct CallGuard<'a> {
    stats: &'a Stats,
    started: Instant,
    ok: bool,
}

impl CallGuard<'_> {
    /// Counts the call as a success.
    pub fn succeeded(mut self) {
        self.ok = true;
    }
}

impl Drop for CallGuard<'_> {
    fn drop(&mut self) {
        self.stats.finish(self.started.elapsed(), self.ok);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_counts_and_averages_follow_calls() {
        let s = Stats::default();
        let a = s.begin();
        let b = s.begin();
        assert_eq!(s.active(), 2);
        a.succeeded();
        drop(b);
        assert_eq!(s.active(), 0);
        assert_eq!(s.totals(), (2, 1));
        assert_eq!(s.average_elapsed_ms(), 0, "sub-millisecond calls");
        s.picked();
        assert!(s.since_pick() < Duration::from_secs(1));
    }
}
