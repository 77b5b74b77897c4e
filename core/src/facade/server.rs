//! The provider's entry point: a server listening on one address and exporting
//! services, stopped the way Java 3.3 stops (readonly, drain, close).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::service::Service;
use super::{Error, ErrorKind, Runtime};
use crate::protocol::DEFAULT_PAYLOAD;
use crate::transport::{self, Exports, ServerOptions, ServiceKey};

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
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 20880)),
            max_payload: DEFAULT_PAYLOAD,
            max_concurrent_calls: 200,
            idle_timeout: Duration::from_secs(180),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// A Dubbo provider. Services can be exported and unexported while it runs.
pub struct Server {
    runtime: Arc<Runtime>,
    inner: Arc<transport::Server>,
    exports: Arc<Exports>,
    config: ServerConfig,
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
        let (addr, table) = (config.bind, exports.clone());
        let inner = runtime
            .run(async move { transport::Server::bind(addr, table, options).await })
            .await?
            .map_err(|e| Error::new(ErrorKind::Network, e.to_string()))?;
        Ok(Server { runtime, inner: Arc::new(inner), exports, config })
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

    /// Serves `service` from now on (replacing one with the same key).
    pub fn export(&self, service: Service) -> Result<(), Error> {
        self.runtime.check()?;
        self.exports.export(service.into_exported());
        Ok(())
    }

    /// Stops serving a service; its queue, if any, closes.
    pub fn unexport(&self, key: &ServiceKey) -> bool {
        self.exports.unexport(key)
    }

    /// The keys of the services it serves.
    pub fn services(&self) -> Vec<ServiceKey> {
        self.exports.keys()
    }

    /// Graceful stop: readonly to every consumer, no new connections, running
    /// calls drained for at most the configured shutdown timeout, then closed.
    /// Returns how many calls were cut off.
    pub async fn shutdown(&self) -> Result<usize, Error> {
        let (inner, wait) = (self.inner.clone(), self.config.shutdown_timeout);
        let left = self.runtime.run(async move { inner.shutdown(wait).await }).await?;
        self.clear();
        Ok(left)
    }

    /// [`Server::shutdown`] from a thread that is not async.
    pub fn shutdown_blocking(&self) -> Result<usize, Error> {
        let (inner, wait) = (self.inner.clone(), self.config.shutdown_timeout);
        let left = self.runtime.block_on(async move { inner.shutdown(wait).await })?;
        self.clear();
        Ok(left)
    }

    /// Closes now, without draining.
    pub fn close(&self) {
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
