//! The consumer's entry point: a client holds the connections (one per provider
//! address, shared by all its references) and makes references to services.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::discovery;
use super::reference::{Reference, ReferenceConfig};
use super::{Error, ErrorKind, Runtime};
use crate::protocol::DEFAULT_PAYLOAD;
use crate::registry::{self, Query, Registry};
use crate::transport::{ClientOptions, Endpoints};

/// Client settings, named and defaulted as Java Dubbo's consumer settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `application`: sent to providers as `remote.application`.
    pub application: String,
    /// `timeout`: the default per-call deadline (1000 ms).
    pub timeout: Duration,
    /// `connect.timeout` (3000 ms).
    pub connect_timeout: Duration,
    /// `payload`: the largest body sent or accepted (8 MiB).
    pub max_payload: usize,
    /// `heartbeat`: quiet time before a heartbeat (60 s).
    pub heartbeat: Duration,
    /// Calls in flight per connection before new ones fail as overloaded.
    pub max_in_flight: usize,
    /// `registry`: where references without a `url` find their providers.
    /// `None` (the default), `""` or `embedded://` is the embedded registry (one
    /// machine, no server; its folder from `LIBDUBBO_REGISTRY_DIR` or the per-user
    /// default, or `embedded:///some/folder`); `N/A` means no registry (every
    /// reference then needs a `url`); `dubbo://host:port` URLs (comma-separated)
    /// are no registry but the providers of every reference without its own `url`.
    pub registry: Option<String>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            application: "libdubbo-consumer".to_owned(),
            timeout: Duration::from_millis(1000),
            connect_timeout: Duration::from_millis(3000),
            max_payload: DEFAULT_PAYLOAD,
            heartbeat: Duration::from_secs(60),
            max_in_flight: 10_000,
            registry: None,
        }
    }
}

/// Shared by a client and its references.
pub(super) struct ClientShared {
    pub(super) runtime: Arc<Runtime>,
    pub(super) config: ClientConfig,
    pub(super) endpoints: Endpoints,
    pub(super) closed: AtomicBool,
    /// The registry, opened by the first reference that needs it.
    registry: Mutex<Option<Arc<dyn Registry>>>,
}

impl ClientShared {
    pub(super) fn check(&self) -> Result<(), Error> {
        self.runtime.check()?;
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::new(ErrorKind::Closed, "the client is closed"));
        }
        Ok(())
    }

    /// Direct provider URLs given in place of a registry (`dubbo://...`).
    fn direct_urls(&self) -> Option<&str> {
        self.config.registry.as_deref().map(str::trim).filter(|r| r.starts_with("dubbo://"))
    }

    /// The client's registry, opened on first use; `None` when configured as `N/A`
    /// or as direct URLs.
    fn registry(&self) -> Result<Option<Arc<dyn Registry>>, Error> {
        let address = self.config.registry.as_deref().map(str::trim);
        if address.is_some_and(|a| a.eq_ignore_ascii_case("N/A")) || self.direct_urls().is_some() {
            return Ok(None);
        }
        let mut slot = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(registry) = slot.as_ref() {
            return Ok(Some(registry.clone()));
        }
        let registry = registry::open(address, self.runtime.handle())?;
        *slot = Some(registry.clone());
        Ok(Some(registry))
    }
}

/// A Dubbo consumer. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    shared: Arc<ClientShared>,
}

impl Client {
    /// A client on `runtime` (usually [`Runtime::global`]).
    pub fn new(runtime: Arc<Runtime>, config: ClientConfig) -> Result<Client, Error> {
        runtime.check()?;
        let options = ClientOptions {
            max_payload: config.max_payload,
            max_in_flight: config.max_in_flight,
            connect_timeout: config.connect_timeout,
            heartbeat: config.heartbeat,
        };
        let shared = ClientShared { runtime, config, endpoints: Endpoints::new(options), closed: AtomicBool::new(false), registry: Mutex::default() };
        Ok(Client { shared: Arc::new(shared) })
    }

    /// The runtime the client runs on.
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.shared.runtime
    }

    /// A reference to one service. Providers come from `config.url` (direct
    /// `dubbo://host:port` URLs, comma-separated) when it is set, else from the
    /// client's registry (the embedded one by default), kept current as
    /// providers come and go.
    pub fn reference(&self, config: ReferenceConfig) -> Result<Reference, Error> {
        self.shared.check()?;
        if config.interface.is_empty() {
            return Err(Error::invalid("a reference needs an interface name"));
        }
        let consumer = super::reference::consumer_url(&self.shared.config, &config);
        let url = config.url.as_deref().filter(|u| !u.trim().is_empty()).or_else(|| self.shared.direct_urls());
        if let Some(url) = url {
            let binding = discovery::direct(&self.shared, url)?;
            return Ok(Reference::new(self.shared.clone(), config, consumer, binding));
        }
        let registry = self.shared.registry()?.ok_or_else(|| {
            Error::new(ErrorKind::NoProvider, format!("no provider URL for {} and the registry is N/A (give a dubbo:// URL)", config.interface))
        })?;
        let mut query = Query::new(config.interface.clone(), config.version.as_deref().unwrap_or(""), config.group.as_deref().unwrap_or(""));
        if let Some((_, step)) = config.parameters.iter().rev().find(|(k, _)| k == "migration.step") {
            let step = registry::applevel::MigrationStep::parse(step)
                .ok_or_else(|| Error::invalid(format!("migration.step {step:?} (known: FORCE_INTERFACE, APPLICATION_FIRST, FORCE_APPLICATION)")))?;
            query = query.with_migration(step);
        }
        let binding = discovery::discover(self.shared.clone(), registry, query, consumer.clone());
        Ok(Reference::new(self.shared.clone(), config, consumer, binding))
    }

    /// Closes every connection; later calls fail with [`ErrorKind::Closed`].
    pub fn close(&self) {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.endpoints.close_all();
        if let Some(registry) = self.shared.registry.lock().unwrap_or_else(|p| p.into_inner()).take() {
            registry.close();
        }
    }
}

/// The provider addresses of direct URLs: `dubbo://127.0.0.1:20880`, `dubbo://[::1]:20880/Iface?x=y`,
/// several separated by commas or semicolons (Java accepts both).
pub fn parse_direct_urls(urls: &str) -> Result<Vec<SocketAddr>, Error> {
    let mut out = Vec::new();
    for url in urls.split([',', ';']).map(str::trim).filter(|u| !u.is_empty()) {
        let rest = url.strip_prefix("dubbo://").ok_or_else(|| Error::invalid(format!("not a dubbo:// URL: {url:?}")))?;
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
        let addr = authority
            .to_socket_addrs()
            .map_err(|e| Error::invalid(format!("bad provider address in {url:?}: {e}")))?
            .next()
            .ok_or_else(|| Error::invalid(format!("no address for {url:?}")))?;
        out.push(addr);
    }
    if out.is_empty() {
        return Err(Error::new(ErrorKind::NoProvider, "no provider URL given"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_urls_parse_like_java_s() {
        let addrs = parse_direct_urls("dubbo://127.0.0.1:20880, dubbo://[::1]:20881/org.example.Greeter?timeout=5;dubbo://127.0.0.2:9").unwrap();
        let want: Vec<SocketAddr> = ["127.0.0.1:20880", "[::1]:20881", "127.0.0.2:9"].iter().map(|a| a.parse().unwrap()).collect();
        assert_eq!(addrs, want);
        for bad in ["", "http://127.0.0.1:1", "dubbo://127.0.0.1", "dubbo://:80"] {
            assert!(parse_direct_urls(bad).is_err(), "{bad:?}");
        }
    }
}
