//! The ZooKeeper registry, interface-level as Java's `ZookeeperRegistry` lays it
//! out (facts §3.1): `/{group=dubbo}/{URL.encode(interface)}/{category}/{URL.encode(full URL)}`,
//! parents persistent, leaves ephemeral (unless `dynamic=false`), providers
//! watched with child watches. The session is made on first use; when it
//! expires (terminal in ZooKeeper) a new one is made, the URLs registered
//! through it are created again and the watches are re-armed. A quick server
//! restart (`Disconnected`) keeps the session and needs nothing.
//!
//! Every provider list it learns is kept in a cache file (`registry::cache`,
//! Java's registry file cache: the `file` parameter, else
//! `dubbo-registry-{host}-{port}.cache` in the per-user libdubbo folder;
//! `file.cache=false` turns it off). A subscription made while the server
//! cannot be reached starts from the cached list and follows the server once
//! it is back.
//!
//! `register-mode` (`all`, the default as in Java; `interface`; `instance`) says
//! whether providers also (or only) appear at the application
//! level: `/services/{application}/{ip}:{port}` in Curator's JSON, with their
//! MetadataInfo under `/dubbo/metadata/{app}/{revision}` (storage-type
//! `remote`) and `/dubbo/mapping/{interface}` ([`super::instance`]).
//!
//! Consumers read the application level too ([`super::applevel`]), as the
//! reference's `migration.step` (else the registry URL's; Java's `dubbo.application.migration.step`) says:
//! `FORCE_INTERFACE`, `APPLICATION_FIRST` (the default: application-level
//! providers when there are any, else interface-level ones) or `FORCE_APPLICATION`.
//! Application-level lists are followed with persistent watches on the mapping
//! node and on `/services/{app}` (recursive), and re-read every [`RESYNC`].

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::watch;
use zookeeper_client as zk;

use super::cache::ProviderCache;
use super::applevel::{self, MigrationStep};
use super::instance::{self, RegisterMode};
use super::{category_of, BoxFuture, Providers, Query, Registry, RegistryError, Subscription};
use crate::url::{self, Url};

/// Java's ZooKeeper session timeout (`session`, 60 s).
const SESSION_TIMEOUT: Duration = Duration::from_secs(60);
/// Java's connection timeout (`timeout`, 30 s) is long for a library call; connects fail after this.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Wait between tries of a failed watch or connect.
const RETRY: Duration = Duration::from_secs(1);
/// How long a subscription with a cached list waits for the server before it
/// starts from the cache (short: within a call's default 1 s timeout; the live
/// list replaces the cached one as soon as the server answers).
const CACHE_GRACE: Duration = Duration::from_millis(500);
/// How often an application-level subscription is read again without a watch event.
pub const RESYNC: Duration = Duration::from_secs(30);
/// Applications per interface and instances per application read at most.
const MAX_APPS: usize = 64;
const MAX_INSTANCES: usize = 1024;
/// Quick retries (every [`RETRY`]) after a MetadataInfo could not be had, before waiting for [`RESYNC`].
const METADATA_RETRIES: u32 = 30;
/// What a first application-level reading may take beyond connecting (MetadataService calls).
const METADATA_GRACE: Duration = Duration::from_secs(10);
/// What APPLICATION_FIRST waits for the first application-level reading before
/// it starts from the interface level alone.
const FIRST_GRACE: Duration = Duration::from_secs(3);

/// A ZooKeeper registry (`zookeeper://host:port?backup=host2:port2`).
pub struct ZookeeperRegistry {
    url: Url,
    inner: Arc<Inner>,
}

struct Inner {
    /// `host:port,host2:port2`.
    cluster: String,
    /// `/dubbo` (the registry URL's `group`).
    root: String,
    /// `user:pass` digest credentials, when the URL has them.
    auth: Option<Vec<u8>>,
    session_timeout: Duration,
    /// The current session; replaced after expiry.
    client: tokio::sync::Mutex<Option<zk::Client>>,
    /// What was registered through this registry: node path → URL.
    own: Mutex<HashMap<String, Url>>,
    closed: AtomicBool,
    /// The provider lists on disk (`None` with `file.cache=false`).
    cache: Option<ProviderCache>,
    mode: RegisterMode,
    /// Which levels a subscription reads (`migration.step`).
    migration: MigrationStep,
    /// `/services` (the registry URL's `rootPath`).
    services_root: String,
    /// The application-level instances registered: (app, host, port) → (first
    /// registration in ms, the instance's service URLs by node path).
    instances: Mutex<BTreeMap<InstanceKey, Instance>>,
    /// Held while an instance is written: each write reads the latest state, so
    /// concurrent (un)registrations cannot leave an older state behind.
    publishing: tokio::sync::Mutex<()>,
    stop: watch::Sender<bool>,
    handle: Handle,
}

type InstanceKey = (String, String, u16);
/// The first registration in ms, and the instance's service URLs by node path.
type Instance = (u128, BTreeMap<String, Url>);

fn unavailable(what: &str, e: zk::Error) -> RegistryError {
    RegistryError::Unavailable(format!("zookeeper {what}: {e}"))
}

impl ZookeeperRegistry {
    /// A registry for `url` (no connection yet: the first operation connects).
    pub fn open(url: Url, handle: Handle) -> Result<ZookeeperRegistry, RegistryError> {
        if url.host.is_empty() || url.port == 0 {
            return Err(RegistryError::Invalid(format!("a zookeeper registry needs host:port: {url}")));
        }
        let mut cluster = url.address();
        if let Some(backup) = url.param("backup") {
            cluster.push(',');
            cluster.push_str(backup);
        }
        let group = url.param(url::keys::GROUP).unwrap_or("dubbo").trim_matches('/');
        let root = if group.is_empty() { String::new() } else { format!("/{group}") };
        let auth = url.username.as_ref().map(|u| format!("{u}:{}", url.password.as_deref().unwrap_or("")).into_bytes());
        let session_timeout = url.param("session").and_then(|s| s.parse().ok()).map_or(SESSION_TIMEOUT, Duration::from_millis);
        let mode = match url.param("register-mode") {
            None => RegisterMode::All,
            Some(m) => RegisterMode::parse(m).ok_or_else(|| RegistryError::Invalid(format!("register-mode {m:?} (known: interface, instance, all)")))?,
        };
        let migration = match url.param("migration.step") {
            None => MigrationStep::default(),
            Some(m) => MigrationStep::parse(m).ok_or_else(|| RegistryError::Invalid(format!("migration.step {m:?} (known: FORCE_INTERFACE, APPLICATION_FIRST, FORCE_APPLICATION)")))?,
        };
        let services_root = format!("/{}", url.param("rootPath").unwrap_or("services").trim_matches('/'));
        let cache = match url.param("file.cache") {
            Some("false") => None,
            _ => Some(ProviderCache::open(cache_path(&url))),
        };
        let inner = Arc::new(Inner {
            cluster,
            root,
            auth,
            session_timeout,
            client: tokio::sync::Mutex::new(None),
            own: Mutex::default(),
            closed: AtomicBool::new(false),
            cache,
            mode,
            migration,
            services_root,
            instances: Mutex::default(),
            publishing: tokio::sync::Mutex::new(()),
            stop: watch::channel(false).0,
            handle: handle.clone(),
        });
        handle.spawn(keeper(Arc::downgrade(&inner)));
        Ok(ZookeeperRegistry { url, inner })
    }

    /// The path of `url`'s node.
    fn node_path(&self, url: &Url) -> String {
        format!("{}/{}/{}/{}", self.inner.root, url::encode(url.interface()), category_of(url), url.to_encoded())
    }
}

impl Inner {
    /// The instance `url` belongs to, when this registry registers instances and it is a provider.
    fn instance_of(&self, url: &Url) -> Option<InstanceKey> {
        if !self.mode.instance() || category_of(url) != "providers" {
            return None;
        }
        match url.param(url::keys::APPLICATION) {
            Some(app) => Some((app.to_owned(), url.host.clone(), url.port)),
            None => {
                tracing::warn!(url = %url, "register-mode instance needs an application name; registered at the interface level only");
                None
            }
        }
    }

    /// Writes (or, with no services left, deletes) the instance node of `key`,
    /// after its MetadataInfo and the mapping of its interfaces.
    async fn publish(&self, client: &zk::Client, key: &InstanceKey) -> Result<(), RegistryError> {
        let (app, host, port) = key;
        let path = format!("{}/{}/{host}:{port}", self.services_root, url::encode(app));
        let _one_at_a_time = self.publishing.lock().await;
        let entry = self.instances.lock().unwrap_or_else(|p| p.into_inner()).get(key).map(|(ms, urls)| (*ms, urls.values().cloned().collect::<Vec<Url>>()));
        let Some((registered, services)) = entry.filter(|(_, urls)| !urls.is_empty()) else {
            return match client.delete(&path, None).await {
                Ok(()) | Err(zk::Error::NoNode) => Ok(()),
                Err(e) => Err(unavailable("delete", e)),
            };
        };
        let acls = zk::Acls::anyone_all();
        let persistent = zk::CreateMode::Persistent.with_acls(acls);
        let revision = instance::revision(app, &services);
        let metadata = format!("{}/metadata/{}/{revision}", self.root, url::encode(app));
        client.mkdir(&metadata[..metadata.rfind('/').unwrap_or(0)], &persistent).await.map_err(|e| unavailable("mkdir", e))?;
        match client.create(&metadata, instance::metadata_info(app, &revision, &services).as_bytes(), &persistent).await {
            Ok(_) | Err(zk::Error::NodeExists) => {}
            Err(e) => return Err(unavailable("create metadata", e)),
        }
        let mut interfaces: Vec<&str> = services.iter().map(Url::interface).collect();
        interfaces.sort_unstable();
        interfaces.dedup();
        for interface in interfaces {
            map_service(client, &format!("{}/mapping/{}", self.root, url::encode(interface)), app).await?;
        }
        let data = instance::instance_json(app, host, *port, &revision, &services, registered);
        client.mkdir(&path[..path.rfind('/').unwrap_or(0)], &persistent).await.map_err(|e| unavailable("mkdir", e))?;
        let ephemeral = zk::CreateMode::Ephemeral.with_acls(acls);
        for _ in 0..3 {
            match client.create(&path, data.as_bytes(), &ephemeral).await {
                Ok(_) => return Ok(()),
                Err(zk::Error::NodeExists) => match client.get_data(&path).await {
                    // Ours: new data in place, so consumers see no gap.
                    Ok((_, stat)) if stat.ephemeral_owner == client.session_id().0 => {
                        return match client.set_data(&path, data.as_bytes(), Some(stat.version)).await {
                            Ok(_) => Ok(()),
                            Err(zk::Error::BadVersion | zk::Error::NoNode) => continue,
                            Err(e) => Err(unavailable("set instance", e)),
                        };
                    }
                    // An older session's: replaced, as interface-level nodes are.
                    Ok(_) => match client.delete(&path, None).await {
                        Ok(()) | Err(zk::Error::NoNode) => continue,
                        Err(e) => return Err(unavailable("delete", e)),
                    },
                    Err(zk::Error::NoNode) => continue,
                    Err(e) => return Err(unavailable("get instance", e)),
                },
                Err(e) => return Err(unavailable("create instance", e)),
            }
        }
        Err(RegistryError::Unavailable(format!("zookeeper: {path} keeps changing")))
    }

    /// Keeps `urls` as the last known providers of `query`.
    fn save(&self, query: &Query, urls: &[Url]) {
        if let Some(cache) = &self.cache {
            cache.save(query, urls);
        }
    }

    fn check(&self) -> Result<(), RegistryError> {
        if self.closed.load(Ordering::Acquire) { Err(RegistryError::Closed) } else { Ok(()) }
    }

    /// The live session, connecting (again) when there is none or it ended.
    async fn client(self: &Arc<Self>) -> Result<zk::Client, RegistryError> {
        self.check()?;
        let mut slot = self.client.lock().await;
        if let Some(client) = slot.as_ref().filter(|c| !c.state().is_terminated()) {
            return Ok(client.clone());
        }
        let renewed = slot.is_some();
        let mut connector = zk::Client::connector().with_session_timeout(self.session_timeout).with_connection_timeout(CONNECT_TIMEOUT);
        if let Some(auth) = &self.auth {
            connector = connector.with_auth("digest", auth);
        }
        let client = tokio::time::timeout(CONNECT_TIMEOUT + Duration::from_secs(1), connector.connect(&self.cluster))
            .await
            .map_err(|_| RegistryError::Unavailable(format!("zookeeper {}: no connection in {CONNECT_TIMEOUT:?}", self.cluster)))?
            .map_err(|e| unavailable(&format!("connect {}", self.cluster), e))?;
        *slot = Some(client.clone());
        drop(slot);
        if renewed {
            // A new session: the old one's ephemerals are gone.
            let own: Vec<(String, Url)> = self.own.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(p, u)| (p.clone(), u.clone())).collect();
            tracing::info!(count = own.len(), "zookeeper session renewed; registering again");
            for (path, url) in own {
                if let Err(e) = create(&client, &path, &url).await {
                    tracing::warn!(path, error = %e, "zookeeper: could not register again");
                }
            }
            let keys: Vec<InstanceKey> = self.instances.lock().unwrap_or_else(|p| p.into_inner()).keys().cloned().collect();
            for key in keys {
                if let Err(e) = self.publish(&client, &key).await {
                    tracing::warn!(instance = ?key, error = %e, "zookeeper: could not register the instance again");
                }
            }
        }
        Ok(client)
    }
}

/// Adds `app` to the comma list in the mapping node `path` (created when
/// missing), compare-and-set on its version as Java does; a few bounded tries.
async fn map_service(client: &zk::Client, path: &str, app: &str) -> Result<(), RegistryError> {
    let persistent = zk::CreateMode::Persistent.with_acls(zk::Acls::anyone_all());
    for _ in 0..5 {
        match client.get_data(path).await {
            Ok((data, stat)) => {
                let text = String::from_utf8_lossy(&data);
                if text.split(',').any(|a| a.trim() == app) {
                    return Ok(());
                }
                let next = if text.trim().is_empty() { app.to_owned() } else { format!("{},{app}", text.trim()) };
                match client.set_data(path, next.as_bytes(), Some(stat.version)).await {
                    Ok(_) => return Ok(()),
                    Err(zk::Error::BadVersion | zk::Error::NoNode) => continue,
                    Err(e) => return Err(unavailable("set mapping", e)),
                }
            }
            Err(zk::Error::NoNode) => {
                client.mkdir(&path[..path.rfind('/').unwrap_or(0)], &persistent).await.map_err(|e| unavailable("mkdir", e))?;
                match client.create(path, app.as_bytes(), &persistent).await {
                    Ok(_) => return Ok(()),
                    Err(zk::Error::NodeExists) => continue,
                    Err(e) => return Err(unavailable("create mapping", e)),
                }
            }
            Err(e) => return Err(unavailable("get mapping", e)),
        }
    }
    Err(RegistryError::Unavailable(format!("zookeeper: {path} keeps changing")))
}

/// Where the provider cache of registry `url` lives: its `file` parameter, else
/// `dubbo-registry-[{application}-]{host}-{port}.cache` in the per-user libdubbo
/// folder (Java's default is `~/.dubbo/dubbo-registry-{application}-{host}-{port}.cache`).
fn cache_path(url: &Url) -> std::path::PathBuf {
    if let Some(file) = url.param("file").filter(|f| !f.trim().is_empty()) {
        return file.trim().into();
    }
    let app = url.param(url::keys::APPLICATION).map(|a| format!("{a}-")).unwrap_or_default();
    let name = format!("dubbo-registry-{app}{}-{}.cache", url.host.replace(':', "-"), url.port);
    let name: String = name.chars().map(|c| if c == '/' || c == '\\' { '-' } else { c }).collect();
    super::embedded::default_dir().join("cache").join(name)
}

/// Creates `path` (ephemeral unless `dynamic=false`) and its parents; an existing
/// node (left by an older session) is replaced, as Java's fault-tolerant create does.
async fn create(client: &zk::Client, path: &str, url: &Url) -> Result<(), RegistryError> {
    let acls = zk::Acls::anyone_all();
    let parent = &path[..path.rfind('/').unwrap_or(0)];
    if !parent.is_empty() {
        client.mkdir(parent, &zk::CreateMode::Persistent.with_acls(acls)).await.map_err(|e| unavailable("mkdir", e))?;
    }
    let mode = if url.param("dynamic") == Some("false") { zk::CreateMode::Persistent } else { zk::CreateMode::Ephemeral };
    let options = mode.with_acls(acls);
    for _ in 0..2 {
        match client.create(path, b"", &options).await {
            Ok(_) => return Ok(()),
            Err(zk::Error::NodeExists) => match client.delete(path, None).await {
                Ok(()) | Err(zk::Error::NoNode) => continue,
                Err(e) => return Err(unavailable("delete", e)),
            },
            Err(e) => return Err(unavailable("create", e)),
        }
    }
    Err(RegistryError::Unavailable(format!("zookeeper: {path} keeps coming back")))
}

impl Registry for ZookeeperRegistry {
    fn url(&self) -> &Url {
        &self.url
    }

    fn register(&self, url: &Url) -> BoxFuture<Result<(), RegistryError>> {
        let (inner, path, url) = (self.inner.clone(), self.node_path(url), url.clone());
        Box::pin(async move {
            let client = inner.client().await?;
            let instance = inner.instance_of(&url);
            if let Some(key) = &instance {
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
                let mut instances = inner.instances.lock().unwrap_or_else(|p| p.into_inner());
                instances.entry(key.clone()).or_insert_with(|| (now, BTreeMap::new())).1.insert(path.clone(), url.clone());
            }
            if instance.is_none() || inner.mode.interface() {
                inner.own.lock().unwrap_or_else(|p| p.into_inner()).insert(path.clone(), url.clone());
                create(&client, &path, &url).await?;
            }
            match instance {
                Some(key) => inner.publish(&client, &key).await,
                None => Ok(()),
            }
        })
    }

    fn unregister(&self, url: &Url) -> BoxFuture<Result<(), RegistryError>> {
        let (inner, path, url) = (self.inner.clone(), self.node_path(url), url.clone());
        Box::pin(async move {
            inner.own.lock().unwrap_or_else(|p| p.into_inner()).remove(&path);
            let instance = inner.instance_of(&url).filter(|key| {
                let mut instances = inner.instances.lock().unwrap_or_else(|p| p.into_inner());
                let removed = instances.get_mut(key).is_some_and(|(_, urls)| urls.remove(&path).is_some());
                if instances.get(key).is_some_and(|(_, urls)| urls.is_empty()) {
                    instances.remove(key);
                }
                removed
            });
            let client = inner.client().await?;
            if let Some(key) = instance {
                inner.publish(&client, &key).await?;
            }
            match client.delete(&path, None).await {
                Ok(()) | Err(zk::Error::NoNode) => Ok(()),
                Err(e) => Err(unavailable("delete", e)),
            }
        })
    }

    fn subscribe(&self, query: &Query) -> BoxFuture<Result<Subscription, RegistryError>> {
        let (inner, query) = (self.inner.clone(), query.clone());
        Box::pin(async move {
            match query.migration.unwrap_or(inner.migration) {
                MigrationStep::ForceInterface => subscribe_interface(inner, query).await,
                MigrationStep::ForceApplication => subscribe_application(inner, query, true).await,
                MigrationStep::ApplicationFirst => {
                    let (interface, application) = tokio::join!(subscribe_interface(inner.clone(), query.clone()), subscribe_application(inner.clone(), query, false));
                    Ok(application_first(&inner.handle, interface?, application?))
                }
            }
        })
    }

    fn close(&self) {
        if self.inner.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        self.inner.stop.send_replace(true);
        // Closing the session deletes its ephemerals at once.
        let inner = self.inner.clone();
        self.inner.handle.spawn(async move {
            inner.own.lock().unwrap_or_else(|p| p.into_inner()).clear();
            inner.instances.lock().unwrap_or_else(|p| p.into_inner()).clear();
            if let Some(client) = inner.client.lock().await.take() {
                drop(client);
            }
        });
    }
}

impl Drop for ZookeeperRegistry {
    fn drop(&mut self) {
        self.close();
    }
}

/// The interface-level subscription of `query` (`/dubbo/{interface}/providers`).
async fn subscribe_interface(inner: Arc<Inner>, query: Query) -> Result<Subscription, RegistryError> {
    let dir = format!("{}/{}/providers", inner.root, url::encode(&query.interface));
    let live = async {
        let client = inner.client().await?;
        list(&client, &dir, &query).await
    };
    let cached = inner.cache.as_ref().and_then(|c| c.get(&query));
    let listed = match &cached {
        Some(_) => tokio::time::timeout(CACHE_GRACE, live).await.unwrap_or_else(|_| Err(RegistryError::Unavailable(format!("zookeeper {}: no answer in {CACHE_GRACE:?}", inner.cluster)))),
        None => live.await,
    };
    let (first, watcher) = match (listed, cached) {
        (Ok((first, watcher)), _) => {
            inner.save(&query, &first);
            (first, Some(watcher))
        }
        (Err(RegistryError::Unavailable(e)), Some(cached)) => {
            tracing::warn!(interface = query.interface, providers = cached.len(), error = e, "zookeeper unavailable: starting from the cached providers");
            (cached.into(), None)
        }
        (Err(e), _) => return Err(e),
    };
    let (tx, rx) = watch::channel(first);
    inner.handle.spawn(follow(inner.clone(), dir, query, tx, watcher));
    Ok(Subscription::new(rx))
}

/// APPLICATION_FIRST: the application-level list when it has providers, else the interface-level one.
fn application_first(handle: &Handle, mut interface: Subscription, mut application: Subscription) -> Subscription {
    fn pick(interface: &Providers, application: &Providers) -> Providers {
        if application.is_empty() { interface.clone() } else { application.clone() }
    }
    let (tx, rx) = watch::channel(pick(&interface.current(), &application.current()));
    handle.spawn(async move {
        loop {
            tokio::select! {
                next = interface.changed() => if next.is_none() { return },
                next = application.changed() => if next.is_none() { return },
                _ = tx.closed() => return,
            }
            let next = pick(&interface.current(), &application.current());
            tx.send_if_modified(|now| {
                let changed = now[..] != next[..];
                if changed {
                    *now = next;
                }
                changed
            });
        }
    });
    Subscription::new(rx)
}

/// What an application-level subscription keeps between readings.
struct AppState {
    /// MetadataInfo services by (app, revision).
    metadata: HashMap<(String, String), Arc<[applevel::ServiceInfo]>>,
    /// The persistent watches by path (each forwards its events to `events`).
    watches: HashMap<String, tokio::task::JoinHandle<()>>,
    events: tokio::sync::mpsc::Sender<()>,
    /// True when the last reading missed some instance's MetadataInfo.
    incomplete: bool,
}

impl AppState {
    /// Watches `path` (persistent, `mode`) unless a live watch already does.
    async fn watch(&mut self, inner: &Inner, client: &zk::Client, path: &str, mode: zk::AddWatchMode) {
        if self.watches.get(path).is_some_and(|h| !h.is_finished()) {
            return;
        }
        let mut watcher = match client.watch(path, mode).await {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(path, error = %e, "zookeeper: could not watch; reading it again later");
                return;
            }
        };
        let events = self.events.clone();
        let task = inner.handle.spawn(async move {
            loop {
                tokio::select! {
                    event = watcher.changed() => {
                        let _ = events.try_send(());
                        // After a disconnect the watch may not come back with the
                        // connection: end it, so that the next reading arms a new one.
                        if event.session_state.is_terminated() || event.session_state == zk::SessionState::Disconnected {
                            return;
                        }
                    }
                    _ = events.closed() => return,
                }
            }
        });
        if let Some(old) = self.watches.insert(path.to_owned(), task) {
            old.abort();
        }
    }

    /// The MetadataInfo services of `instance` (cached by revision), or `None` (logged) when they cannot be had.
    async fn services(&mut self, inner: &Inner, client: &zk::Client, instance: &applevel::Instance) -> Option<Arc<[applevel::ServiceInfo]>> {
        if instance.revision.is_empty() || instance.revision == "0" {
            return None;
        }
        let key = (instance.app.clone(), instance.revision.clone());
        if let Some(services) = self.metadata.get(&key) {
            return Some(services.clone());
        }
        let got = if instance.storage == "remote" {
            let path = format!("{}/metadata/{}/{}", inner.root, url::encode(&instance.app), url::encode(&instance.revision));
            match client.get_data(&path).await {
                Ok((data, _)) => applevel::parse_metadata_json(&data).ok_or_else(|| format!("{path}: not a MetadataInfo")),
                Err(e) => Err(format!("{path}: {e}")),
            }
        } else {
            applevel::fetch_local(instance).await
        };
        match got {
            Ok(services) => {
                let services: Arc<[applevel::ServiceInfo]> = services.into();
                if self.metadata.len() >= 4 * MAX_APPS {
                    self.metadata.clear();
                }
                self.metadata.insert(key, services.clone());
                Some(services)
            }
            Err(e) => {
                tracing::warn!(app = instance.app, host = instance.host, port = instance.port, revision = instance.revision, error = e, "no MetadataInfo for an instance; skipped");
                self.incomplete = true;
                None
            }
        }
    }
}

/// The application-level providers of `query` now (and watches on what they come from).
async fn list_application(inner: &Inner, client: &zk::Client, query: &Query, state: &mut AppState) -> Result<Providers, RegistryError> {
    state.incomplete = false;
    let mapping = format!("{}/mapping/{}", inner.root, url::encode(&query.interface));
    state.watch(inner, client, &mapping, zk::AddWatchMode::Persistent).await;
    let apps = match client.get_data(&mapping).await {
        Ok((data, _)) => applevel::app_names(&data),
        Err(zk::Error::NoNode) => Vec::new(),
        Err(e) => return Err(unavailable("get mapping", e)),
    };
    let mut urls = Vec::new();
    let mut watched = vec![mapping];
    for app in apps.iter().take(MAX_APPS) {
        let dir = format!("{}/{}", inner.services_root, url::encode(app));
        state.watch(inner, client, &dir, zk::AddWatchMode::PersistentRecursive).await;
        watched.push(dir.clone());
        let children = match client.list_children(&dir).await {
            Ok(children) => children,
            Err(zk::Error::NoNode) => continue,
            Err(e) => return Err(unavailable("list instances", e)),
        };
        for child in children.iter().take(MAX_INSTANCES) {
            let data = match client.get_data(&format!("{dir}/{child}")).await {
                Ok((data, _)) => data,
                Err(zk::Error::NoNode) => continue,
                Err(e) => return Err(unavailable("get instance", e)),
            };
            let Some(instance) = applevel::parse_instance(app, &data) else {
                tracing::warn!(path = format!("{dir}/{child}"), "not a service instance; skipped");
                continue;
            };
            if let Some(services) = state.services(inner, client, &instance).await {
                urls.extend(applevel::provider_urls(&instance, &services, query));
            }
        }
    }
    state.watches.retain(|path, task| {
        let keep = watched.contains(path);
        if !keep {
            task.abort();
        }
        keep
    });
    urls.sort_by_cached_key(Url::to_full_string);
    urls.dedup();
    Ok(urls.into())
}

/// The application-level subscription of `query`. `strict`: a server that
/// cannot be reached fails it (FORCE_APPLICATION); otherwise it starts empty.
async fn subscribe_application(inner: Arc<Inner>, query: Query, strict: bool) -> Result<Subscription, RegistryError> {
    let (events, events_rx) = tokio::sync::mpsc::channel(1);
    let mut state = AppState { metadata: HashMap::new(), watches: HashMap::new(), events, incomplete: false };
    // Not strict (APPLICATION_FIRST): no longer than the interface level waits
    // before it starts from its cached list, when it has one, and never so long
    // that unreachable MetadataServices hold the interface-level list back; what
    // it misses comes with the next reading.
    let grace = match (strict, inner.cache.as_ref().is_some_and(|c| c.get(&query).is_some())) {
        (true, _) => CONNECT_TIMEOUT + METADATA_GRACE,
        (false, true) => CACHE_GRACE,
        (false, false) => FIRST_GRACE,
    };
    let first = tokio::time::timeout(grace, async {
        let client = inner.client().await?;
        list_application(&inner, &client, &query, &mut state).await
    })
    .await
    .unwrap_or_else(|_| Err(RegistryError::Unavailable(format!("zookeeper {}: no application-level answer in {grace:?}", inner.cluster))));
    let first = match first {
        Ok(first) => first,
        Err(e) if strict => {
            for task in state.watches.values() {
                task.abort();
            }
            return Err(e);
        }
        Err(e) => {
            tracing::warn!(interface = query.interface, error = %e, "zookeeper: no application-level providers yet");
            state.incomplete = true;
            Providers::from(Vec::new())
        }
    };
    let (tx, rx) = watch::channel(first);
    inner.handle.spawn(follow_application(inner.clone(), query, tx, state, events_rx));
    Ok(Subscription::new(rx))
}

/// Reads the application level again on every watch event, every [`RESYNC`],
/// and (a bounded number of times) every [`RETRY`] while some MetadataInfo is
/// missing, until the registry closes or the subscription is dropped.
async fn follow_application(inner: Arc<Inner>, query: Query, tx: watch::Sender<Providers>, mut state: AppState, mut events: tokio::sync::mpsc::Receiver<()>) {
    let mut stop = inner.stop.subscribe();
    let mut retries = 0;
    loop {
        let wait = if state.incomplete && retries < METADATA_RETRIES {
            retries += 1;
            RETRY
        } else {
            RESYNC
        };
        tokio::select! {
            _ = events.recv() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = tx.closed() => break,
            _ = stop.changed() => break,
        }
        let listed = match inner.client().await {
            Ok(client) => list_application(&inner, &client, &query, &mut state).await,
            Err(e) => Err(e),
        };
        match listed {
            Ok(urls) => {
                if !state.incomplete {
                    retries = 0;
                }
                tx.send_if_modified(|now| {
                    let changed = now[..] != urls[..];
                    if changed {
                        *now = urls;
                    }
                    changed
                });
            }
            Err(RegistryError::Closed) => break,
            Err(e) => {
                state.incomplete = true;
                tracing::warn!(interface = query.interface, error = %e, "zookeeper: application-level reading failed; trying again");
            }
        }
    }
    for task in state.watches.values() {
        task.abort();
    }
}

/// The providers under `dir` that `query` wants, and a watch on its children.
async fn list(client: &zk::Client, dir: &str, query: &Query) -> Result<(Providers, zk::OneshotWatcher), RegistryError> {
    // Java creates the providers path when it subscribes, so the watch has a node.
    client.mkdir(dir, &zk::CreateMode::Persistent.with_acls(zk::Acls::anyone_all())).await.map_err(|e| unavailable("mkdir", e))?;
    let (children, watcher) = client.list_and_watch_children(dir).await.map_err(|e| unavailable("list", e))?;
    let mut urls: Vec<Url> = children.iter().filter_map(|c| Url::decode_parse(c).ok()).filter(|u| query.matches(u)).collect();
    urls.sort_by_cached_key(Url::to_full_string);
    urls.dedup();
    Ok((urls.into(), watcher))
}

/// Re-lists `dir` each time its watch fires (re-arming it), until the registry
/// closes or the subscription is dropped; errors are retried every second.
async fn follow(inner: Arc<Inner>, dir: String, query: Query, tx: watch::Sender<Providers>, mut watcher: Option<zk::OneshotWatcher>) {
    let mut stop = inner.stop.subscribe();
    loop {
        if let Some(w) = watcher.take() {
            tokio::select! {
                _ = w.changed() => {}
                _ = tx.closed() => return,
                _ = stop.changed() => return,
            }
        } else {
            tokio::select! {
                _ = tokio::time::sleep(RETRY) => {}
                _ = tx.closed() => return,
                _ = stop.changed() => return,
            }
        }
        let listed = match inner.client().await {
            Ok(client) => list(&client, &dir, &query).await,
            Err(e) => Err(e),
        };
        match listed {
            Ok((urls, w)) => {
                watcher = Some(w);
                inner.save(&query, &urls);
                tx.send_if_modified(|now| {
                    let changed = now[..] != urls[..];
                    if changed {
                        *now = urls;
                    }
                    changed
                });
            }
            Err(RegistryError::Closed) => return,
            Err(e) => tracing::warn!(dir, error = %e, "zookeeper: watch failed; trying again"),
        }
    }
}

/// Notices an expired session and makes a new one at once (re-creating the
/// ephemerals), instead of on the next operation.
async fn keeper(inner: std::sync::Weak<Inner>) {
    loop {
        let (client, mut stop) = {
            let Some(inner) = inner.upgrade() else { return };
            if inner.check().is_err() {
                return;
            }
            let client = inner.client.lock().await.clone();
            (client, inner.stop.subscribe())
        };
        match client {
            Some(client) if !client.state().is_terminated() => {
                let mut states = client.state_watcher();
                drop(client);
                tokio::select! {
                    state = states.changed() => {
                        if !state.is_terminated() {
                            continue;
                        }
                        tracing::warn!(?state, "zookeeper session ended");
                    }
                    _ = stop.changed() => return,
                }
            }
            _ => {
                tokio::select! {
                    _ = tokio::time::sleep(RETRY) => {}
                    _ = stop.changed() => return,
                }
            }
        }
        let Some(inner) = inner.upgrade() else { return };
        let had = inner.client.lock().await.is_some();
        if had
            && let Err(e) = inner.client().await {
                tracing::warn!(error = %e, "zookeeper: no new session yet");
            }
    }
}
