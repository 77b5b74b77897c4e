//! One provider address as the consumer sees it over time: a shared connection
//! that is re-made when it ends, with exponential backoff and jitter between
//! failed attempts so that a provider that is down is not hammered, and the
//! table of those per address (Java shares one connection per address).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::{ClientOptions, Connection, TransportError};

/// First wait after a failed connect; doubled per further failure.
const BACKOFF_START: Duration = Duration::from_millis(100);
/// The longest wait between attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// A provider address and its current connection.
pub struct Endpoint {
    addr: SocketAddr,
    options: ClientOptions,
    /// Held across a connect, so concurrent callers share one attempt.
    state: tokio::sync::Mutex<State>,
    /// The live connection, readable without waiting on a connect in progress.
    current: Mutex<Option<Connection>>,
    /// Set while backing off after a failed connect (read without the async lock).
    down_until: Mutex<Option<Instant>>,
}

#[derive(Default)]
struct State {
    failures: u32,
    retry_at: Option<Instant>,
    last_error: Option<String>,
}

impl Endpoint {
    /// An endpoint that connects on first use.
    pub fn new(addr: SocketAddr, options: ClientOptions) -> Self {
        Endpoint { addr, options, state: Default::default(), current: Mutex::new(None), down_until: Mutex::new(None) }
    }

    /// The provider's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The live connection, if there is one (connected, not closed).
    pub fn current(&self) -> Option<Connection> {
        self.current.lock().unwrap_or_else(|p| p.into_inner()).clone().filter(Connection::is_open)
    }

    /// False while the provider's open connection is readonly (it is shutting down);
    /// true otherwise, including before the first connect and after one ended.
    pub fn is_available(&self) -> bool {
        match self.current.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            // A readonly provider is out until its connection ends; an ended one is tried again.
            Some(conn) if conn.is_open() => conn.is_available(),
            _ => true,
        }
    }

    /// True while the last connect failed and the backoff before the next one runs:
    /// a directory leaves such a provider out of selection.
    pub fn is_down(&self) -> bool {
        self.down_until.lock().unwrap_or_else(|p| p.into_inner()).is_some_and(|at| at > Instant::now())
    }

    /// The live connection, or a new one made before `deadline`. While backing off
    /// after failures, fails at once with the last error instead of dialling.
    pub async fn connection(&self, deadline: Instant) -> Result<Connection, TransportError> {
        if let Some(conn) = self.current() {
            return Ok(conn);
        }
        let mut state = tokio::time::timeout_at(deadline, self.state.lock())
            .await
            .map_err(|_| TransportError::Timeout(0))?;
        // Someone else may have connected while this call waited for the lock.
        if let Some(conn) = self.current() {
            return Ok(conn);
        }
        let now = Instant::now();
        if let Some(at) = state.retry_at.filter(|at| *at > now) {
            let last = state.last_error.clone().unwrap_or_default();
            return Err(TransportError::Io(format!("{} unreachable ({last}); next attempt in {} ms", self.addr, (at - now).as_millis())));
        }
        match Connection::connect_by(self.addr, self.options.clone(), deadline).await {
            Ok(conn) => {
                *state = State::default();
                *self.down_until.lock().unwrap_or_else(|p| p.into_inner()) = None;
                *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(conn.clone());
                Ok(conn)
            }
            Err(e) => {
                state.failures = state.failures.saturating_add(1);
                let wait = backoff(state.failures);
                tracing::warn!(addr = %self.addr, error = %e, retry_in_ms = wait.as_millis() as u64, "connect failed");
                state.retry_at = Some(Instant::now() + wait);
                *self.down_until.lock().unwrap_or_else(|p| p.into_inner()) = state.retry_at;
                state.last_error = Some(e.to_string());
                Err(e)
            }
        }
    }

    /// Closes the current connection; the next call reconnects.
    pub fn close(&self) {
        if let Some(conn) = self.current.lock().unwrap_or_else(|p| p.into_inner()).take() {
            conn.close();
        }
    }
}

/// The wait after `failures` failed attempts: doubling from [`BACKOFF_START`] up
/// to [`BACKOFF_MAX`], then a random 50–100% of it so that many consumers of
/// one provider do not retry in step.
pub(crate) fn backoff(failures: u32) -> Duration {
    let full = BACKOFF_START.saturating_mul(1 << failures.saturating_sub(1).min(16)).min(BACKOFF_MAX);
    full.mul_f64(0.5 + 0.5 * jitter())
}

/// A number in [0, 1) that differs per call; no need for a crate for this.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The endpoints of one client, one per address, shared by all its references.
#[derive(Default)]
pub struct Endpoints {
    options: ClientOptions,
    table: Mutex<HashMap<SocketAddr, Arc<Endpoint>>>,
}

impl Endpoints {
    /// An empty table whose endpoints connect with `options`.
    pub fn new(options: ClientOptions) -> Self {
        Endpoints { options, table: Mutex::default() }
    }

    /// The endpoint for `addr`, made on first use.
    pub fn get(&self, addr: SocketAddr) -> Arc<Endpoint> {
        let mut table = self.table.lock().unwrap_or_else(|p| p.into_inner());
        table.entry(addr).or_insert_with(|| Arc::new(Endpoint::new(addr, self.options.clone()))).clone()
    }

    /// Forgets and closes the endpoint of `addr` when nothing but the table holds it
    /// (its last reference moved away from that provider).
    pub fn release(&self, addr: SocketAddr) {
        let mut table = self.table.lock().unwrap_or_else(|p| p.into_inner());
        if table.get(&addr).is_some_and(|e| Arc::strong_count(e) == 1)
            && let Some(endpoint) = table.remove(&addr) {
                endpoint.close();
            }
    }

    /// How many endpoints the table holds.
    pub fn len(&self) -> usize {
        self.table.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes every connection.
    pub fn close_all(&self) {
        for endpoint in self.table.lock().unwrap_or_else(|p| p.into_inner()).values() {
            endpoint.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        for failures in 1..40 {
            let full = BACKOFF_START.saturating_mul(1 << (failures - 1).min(16)).min(BACKOFF_MAX);
            let wait = backoff(failures);
            assert!(wait >= full / 2 && wait <= full, "{failures}: {wait:?} of {full:?}");
        }
        assert!(backoff(100) <= BACKOFF_MAX);
        let draws: std::collections::HashSet<_> = (0..20).map(|_| backoff(5)).collect();
        assert!(draws.len() > 1, "jitter varies");
    }
}
