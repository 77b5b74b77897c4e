//! The provider's entry point: a server listening on one address and exporting
//! services, stopped the way Java 3.3 stops (readonly, drain, close).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::service::Service;
use super::{Error, ErrorKind, Runtime};
use crate::protocol::DEFAULT_PAYLOAD;
use crate::registry::{self, Registry};
use crate::transport::{self, Exports, ServerOptions, ServiceKey};
use crate::url::{keys, Url};

/// Server settings, named and defaulted as Java Dubbo's provider settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen (Java's `host`/`port`; port 0 lets the OS choose). Default
    /// `127.0.0.1:20880`.
    pub bind: SocketAddr,
    /// `payload` (8 MiB).
    pub max_payload: usize,
    /// `threads`: calls running at once before new ones get status 100 (200).
    pub max_concurrent_calls: usize,
    /// Idle connections are closed after this (3 × heartbeat, 180 s).
    pub idle_timeout: Duration,
    /// `dubbo.service.shutdown.wait`: how long a graceful stop drains calls (10 s).
    pub shutdown_timeout: Duration,
    /// `registry`: where exported services are announced. `None` (the default),
    /// `""` or `embedded://` is the embedded registry (see `ClientConfig::registry`);
    /// `N/A` announces nothing (consumers then need direct URLs).
    pub registry: Option<String>,
    /// `application`: the provider's application name, registered with its services.
    pub application: String,
    /// `host`: the address registered for consumers to dial; by default the bound
    /// IP, or `127.0.0.1` when bound to every interface.
    pub host: Option<String>,
    /// Parameters registered with every service URL, by Java's names
    /// (`weight`, `warmup`, `timeout`, `loadbalance`, ...).
    pub parameters: Vec<(String, String)>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 20880)),
            max_payload: DEFAULT_PAYLOAD,
            max_concurrent_calls: 200,
            idle_timeout: Duration::from_secs(180),
            shutdown_timeout: Duration::from_secs(10),
            registry: None,
            application: "libdubbo-provider".to_owned(),
            host: None,
            parameters: Vec::new(),
        }
    }
}

/// A Dubbo provider. Services can be exported and unexported while it runs.
pub struct Server {
    runtime: Arc<Runtime>,
    inner: Arc<transport::Server>,
    exports: Arc<Exports>,
    config: ServerConfig,
    /// The registry and the URL registered per exported service.
    registry: Option<Arc<dyn Registry>>,
    registered: Mutex<HashMap<ServiceKey, Url>>,
}

impl Server {
    /// Starts listening (no services yet).
    pub async fn bind(runtime: Arc<Runtime>, config: ServerConfig) -> Result<Server, Error> {
        let exports = Arc::new(Exports::new());
        let options = ServerOptions {
            max_payload: config.max_payload,
            max_concurrent_calls: config.max_concurrent_calls,
            idle_timeout: config.idle_timeout,
        };
        let registry = match config.registry.as_deref().map(str::trim) {
            Some(a) if a.eq_ignore_ascii_case("N/A") => None,
            address => Some(registry::open(address, runtime.handle())?),
        };
        let (addr, table) = (config.bind, exports.clone());
        let inner = runtime
            .run(async move { transport::Server::bind(addr, table, options).await })
            .await?
            .map_err(|e| Error::new(ErrorKind::Network, e.to_string()))?;
        Ok(Server { runtime, inner: Arc::new(inner), exports, config, registry, registered: Mutex::default() })
    }

    /// [`Server::bind`] from a thread that is not async.
    pub fn bind_blocking(runtime: Arc<Runtime>, config: ServerConfig) -> Result<Server, Error> {
        let rt = runtime.clone();
        runtime.block_on(Server::bind(rt, config))?
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr()
    }

    /// Serves `service` from now on (replacing one with the same key), and
    /// announces it in the registry. With the embedded registry it is announced
    /// when this returns; with a remote one the announcement is under way (see
    /// [`Server::export_registered`] to wait for it).
    pub fn export(&self, service: Service) -> Result<(), Error> {
        match self.export_started(service)? {
            Some(fut) => {
                self.runtime.handle().spawn(async move {
                    if let Err(e) = fut.await {
                        tracing::warn!(error = %e, "could not register an exported service");
                    }
                });
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// [`Server::export`], returning once the registry has the service.
    pub async fn export_registered(&self, service: Service) -> Result<(), Error> {
        if let Some(fut) = self.export_started(service)? {
            self.runtime.run(fut).await?.map_err(Error::from)?;
        }
        Ok(())
    }

    /// Exports `service`; the registration, when there is a registry.
    fn export_started(&self, service: Service) -> Result<Option<crate::registry::BoxFuture<Result<(), crate::registry::RegistryError>>>, Error> {
        self.runtime.check()?;
        let url = self.service_url(&service);
        let key = service.key().clone();
        self.exports.export(service.into_exported());
        let Some(registry) = &self.registry else { return Ok(None) };
        let previous = self.registered.lock().unwrap_or_else(|p| p.into_inner()).insert(key, url.clone());
        if let Some(previous) = previous.filter(|p| *p != url) {
            self.runtime.handle().spawn(registry.unregister(&previous));
        }
        Ok(Some(registry.register(&url)))
    }

    /// The provider URL Java 3.3 registers for `service` (facts §3.2) at this server's address.
    pub fn service_url(&self, service: &Service) -> Url {
        let bound = self.local_addr();
        let host = match &self.config.host {
            Some(h) => h.clone(),
            None if bound.ip().is_unspecified() => "127.0.0.1".to_owned(),
            None => bound.ip().to_string(),
        };
        let key = service.key();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
        let mut url = Url::new("dubbo", &host, bound.port(), &key.interface)
            .with(keys::APPLICATION, self.config.application.as_str())
            .with("deprecated", "false")
            .with("dubbo", crate::url::defaults::DUBBO)
            .with("dynamic", "true")
            .with("generic", "false")
            .with(keys::INTERFACE, key.interface.as_str())
            .with("prefer.serialization", "hessian2")
            .with("serialization", "hessian2")
            .with(keys::SIDE, "provider")
            .with(keys::TIMESTAMP, now.to_string());
        let methods = service.method_names();
        if !methods.is_empty() {
            url = url.with(keys::METHODS, methods.join(","));
        }
        if !key.version.is_empty() {
            url = url.with(keys::VERSION, key.version.as_str());
        }
        if !key.group.is_empty() {
            url = url.with(keys::GROUP, key.group.as_str());
        }
        for (k, v) in self.config.parameters.iter().chain(service.parameters()) {
            url = url.with(k, v.as_str());
        }
        url
    }

    /// Stops serving a service and withdraws it from the registry; its queue, if any, closes.
    pub fn unexport(&self, key: &ServiceKey) -> bool {
        self.withdraw(Some(key));
        self.exports.unexport(key)
    }

    /// Withdraws the registration of `key` (of every service when `None`).
    fn withdraw(&self, key: Option<&ServiceKey>) {
        let Some(registry) = &self.registry else { return };
        let urls: Vec<Url> = {
            let mut registered = self.registered.lock().unwrap_or_else(|p| p.into_inner());
            match key {
                Some(key) => registered.remove(key).into_iter().collect(),
                None => registered.drain().map(|(_, u)| u).collect(),
            }
        };
        for url in urls {
            // The embedded registry removes the file in this call; a remote one finishes on the runtime.
            self.runtime.handle().spawn(registry.unregister(&url));
        }
    }

    /// The keys of the services it serves.
    pub fn services(&self) -> Vec<ServiceKey> {
        self.exports.keys()
    }

    /// Graceful stop: readonly to every consumer, no new connections, running
    /// calls drained for at most the configured shutdown timeout, then closed.
    /// Returns how many calls were cut off.
    pub async fn shutdown(&self) -> Result<usize, Error> {
        self.withdraw(None);
        let (inner, wait) = (self.inner.clone(), self.config.shutdown_timeout);
        let left = self.runtime.run(async move { inner.shutdown(wait).await }).await?;
        self.clear();
        Ok(left)
    }

    /// [`Server::shutdown`] from a thread that is not async.
    pub fn shutdown_blocking(&self) -> Result<usize, Error> {
        self.withdraw(None);
        let (inner, wait) = (self.inner.clone(), self.config.shutdown_timeout);
        let left = self.runtime.block_on(async move { inner.shutdown(wait).await })?;
        self.clear();
        Ok(left)
    }

    /// Closes now, without draining.
    pub fn close(&self) {
        self.withdraw(None);
        if let Some(registry) = &self.registry {
            registry.close();
        }
        self.inner.close();
        self.clear();
    }

    /// Drops every service, which closes their queues.
    fn clear(&self) {
        for key in self.exports.keys() {
            self.exports.unexport(&key);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.close();
    }
}
