//! Registries: where providers announce their service URLs and consumers learn
//! the live provider list of a service (DESIGN "How a call flows": registries
//! only feed the directory and announce exports).
//!
//! - [`Registry`]: register, unregister, subscribe (the full provider list of
//!   one service key, again on every change), close.
//! - [`embedded`]: the default when no registry is configured — processes on one
//!   machine find each other through files in a per-user folder, no server.
//! - [`zookeeper`]: Java's interface-level ZooKeeper layout (`/dubbo/{interface}/providers`).
//! - `cache`: the last provider lists on disk (Java's registry file cache), which
//!   a ZooKeeper subscription starts from while the server is down.
//! - [`instance`]: application-level registration data (Curator instance JSON,
//!   MetadataInfo, its revision) for ZooKeeper's `register-mode`.
//! - [`applevel`]: application-level discovery for consumers (mapping, instances,
//!   MetadataInfo from ZooKeeper or the provider's MetadataService) and `migration.step`.
//! - [`open`]: a registry from its URL (`embedded://`, `zookeeper://`; none → embedded).

pub mod applevel;
mod cache;
pub mod embedded;
mod folder;
pub mod instance;
pub mod zookeeper;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::watch;

use crate::url::Url;

pub use embedded::EmbeddedRegistry;
pub use zookeeper::ZookeeperRegistry;

/// A boxed future, as registry methods return them.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Why a registry operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The registry's store could not be read or written (files, a server).
    #[error("registry unavailable: {0}")]
    Unavailable(String),
    /// A URL or registry address that cannot be used.
    #[error("invalid registry argument: {0}")]
    Invalid(String),
    /// The registry was closed.
    #[error("the registry is closed")]
    Closed,
}

/// What a consumer subscribes to: Java's (interface, version, group) service key.
/// `*` in version or group matches any; a comma list in group matches any of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    /// The interface name.
    pub interface: String,
    /// The version, `""` for none.
    pub version: String,
    /// The group, `""` for none.
    pub group: String,
    /// The reference's `migration.step`, when it has one (else the registry's).
    pub migration: Option<applevel::MigrationStep>,
}

impl Query {
    /// A query; `0.0.0` counts as no version.
    pub fn new(interface: impl Into<String>, version: &str, group: &str) -> Query {
        let version = if version == "0.0.0" { "" } else { version };
        Query { interface: interface.into(), version: version.to_owned(), group: group.to_owned(), migration: None }
    }

    /// The query with its own migration step (registries without an application level ignore it).
    pub fn with_migration(mut self, step: applevel::MigrationStep) -> Query {
        self.migration = Some(step);
        self
    }

    /// True when `url` is a provider this query wants.
    pub fn matches(&self, url: &Url) -> bool {
        url.serves(&self.interface, &self.version, &self.group)
    }
}

/// The provider URLs of one service at one moment, sorted by their full string.
pub type Providers = Arc<[Url]>;

/// A live subscription: the latest full provider list, and a wait for the next
/// change. Dropping it ends the registry's work for it.
#[derive(Debug, Clone)]
pub struct Subscription {
    rx: watch::Receiver<Providers>,
}

impl Subscription {
    /// A subscription fed by `rx` (for registry implementations).
    pub fn new(rx: watch::Receiver<Providers>) -> Self {
        Subscription { rx }
    }

    /// The providers now.
    pub fn current(&self) -> Providers {
        self.rx.borrow().clone()
    }

    /// Waits for the next change and returns the new list; `None` once the
    /// registry stopped feeding it (closed).
    pub async fn changed(&mut self) -> Option<Providers> {
        self.rx.changed().await.ok()?;
        Some(self.rx.borrow_and_update().clone())
    }
}

/// A service registry.
pub trait Registry: Send + Sync {
    /// Its address (`embedded:///path/to/folder`, `zookeeper://127.0.0.1:2181`).
    fn url(&self) -> &Url;

    /// Announces `url` (a provider when `side=provider`, else a consumer) until
    /// [`Registry::unregister`], [`Registry::close`] or the process ends.
    fn register(&self, url: &Url) -> BoxFuture<Result<(), RegistryError>>;

    /// Withdraws a URL given to [`Registry::register`].
    fn unregister(&self, url: &Url) -> BoxFuture<Result<(), RegistryError>>;

    /// The providers of `query` now, and on every change.
    fn subscribe(&self, query: &Query) -> BoxFuture<Result<Subscription, RegistryError>>;

    /// Withdraws everything registered through it and ends its subscriptions.
    fn close(&self);

    /// True when its futures finish in the call that makes them (the embedded
    /// registry: plain file work), so a caller may poll them once, on any thread,
    /// instead of waiting on a runtime. False for registries that talk to a server.
    fn completes_at_once(&self) -> bool {
        false
    }
}

/// `providers` for a provider URL, `consumers` for any other (Java's `category`).
pub(crate) fn category_of(url: &Url) -> &'static str {
    match url.param(crate::url::keys::CATEGORY) {
        Some("providers") => "providers",
        Some("consumers") => "consumers",
        _ if url.param(crate::url::keys::SIDE) == Some("provider") => "providers",
        _ => "consumers",
    }
}

/// Opens the registry at `address`: `None`, `""` or `embedded://[/folder]` is the
/// embedded registry (its folder from the URL's path, else `LIBDUBBO_REGISTRY_DIR`,
/// else the per-user default); `zookeeper://host:port[?backup=h2:p2&group=dubbo&session=ms]`
/// is ZooKeeper (`file=/path` for its provider cache, `file.cache=false` for none). Background work runs on `handle`.
pub fn open(address: Option<&str>, handle: &tokio::runtime::Handle) -> Result<Arc<dyn Registry>, RegistryError> {
    let address = address.map(str::trim).filter(|a| !a.is_empty()).unwrap_or("embedded://");
    let url = Url::parse(address).map_err(|e| RegistryError::Invalid(e.to_string()))?;
    match url.protocol.as_str() {
        "embedded" => {
            let dir = if url.path.is_empty() { embedded::default_dir() } else { format!("/{}", url.path).into() };
            Ok(Arc::new(EmbeddedRegistry::open(dir, handle.clone())?))
        }
        "zookeeper" => Ok(Arc::new(ZookeeperRegistry::open(url, handle.clone())?)),
        other => Err(RegistryError::Invalid(format!("unsupported registry protocol {other:?} in {address:?} (supported: embedded, zookeeper)"))),
    }
}
