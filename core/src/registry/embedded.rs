//! The embedded registry: providers and consumers on one machine find each other
//! with no server. Each registered URL is a file in a per-user folder
//! (`$LIBDUBBO_REGISTRY_DIR`, else `$XDG_RUNTIME_DIR/libdubbo`, else
//! `/tmp/libdubbo-$UID`), laid out like ZooKeeper's `/dubbo/{interface}/providers`
//! (see `folder.rs`). The owner refreshes its files every second; a file goes
//! out of the list when its owner's pid is gone or after 3 s without refresh.
//! Subscribers poll their folder twice a second, so a change is seen within ~1 s.
//!
//! Register and unregister do their file work before they return (the future
//! they give back is already complete), so a consumer made right after an
//! export sees the provider.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::watch;

use super::folder;
use super::{BoxFuture, Providers, Query, Registry, RegistryError, Subscription};
use crate::url::Url;

/// How often an owner refreshes its files.
pub const HEARTBEAT: Duration = Duration::from_secs(1);
/// How often a subscriber reads its folder.
pub const POLL: Duration = Duration::from_millis(500);
/// The environment variable that overrides the folder (tests isolate themselves with it).
pub const DIR_ENV: &str = "LIBDUBBO_REGISTRY_DIR";

/// The folder used when none is given: `$LIBDUBBO_REGISTRY_DIR`, else
/// `$XDG_RUNTIME_DIR/libdubbo`, else `/tmp/libdubbo-$UID`.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DIR_ENV).filter(|d| !d.is_empty()) {
        return dir.into();
    }
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("libdubbo");
    }
    std::env::temp_dir().join(format!("libdubbo-{}", uid()))
}

/// The user id (of `/proc/self`), or the user's name when that is unknown.
fn uid() -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::metadata("/proc/self") {
            return meta.uid().to_string();
        }
    }
    std::env::var("USER").unwrap_or_else(|_| "user".to_owned())
}

/// Refuses a folder another user owns (in a shared `/tmp` someone else could make
/// ours first and list providers of their own), and keeps ours private (0700).
fn check_owner(root: &Path) -> Result<(), RegistryError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = std::fs::metadata(root).map_err(|e| RegistryError::Unavailable(format!("{}: {e}", root.display())))?;
        let me = std::fs::metadata("/proc/self").map(|m| m.uid()).ok();
        if me.is_some_and(|me| me != meta.uid()) {
            return Err(RegistryError::Unavailable(format!(
                "{} belongs to another user (uid {}); set {DIR_ENV} to a folder of yours",
                root.display(),
                meta.uid()
            )));
        }
        if meta.mode() & 0o077 != 0 {
            let _ = std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700));
        }
    }
    Ok(())
}

/// The embedded registry of one process (or several, each with its own files).
pub struct EmbeddedRegistry {
    url: Url,
    inner: Arc<Inner>,
}

struct Inner {
    root: PathBuf,
    handle: Handle,
    /// What this registry registered: file name → (folder, URL).
    own: Mutex<HashMap<String, (PathBuf, Url)>>,
    closed: AtomicBool,
    /// Wakes the heartbeat and the pollers when the registry closes.
    stop: watch::Sender<bool>,
}

impl EmbeddedRegistry {
    /// A registry on folder `root` (made when missing); its timers run on `handle`.
    pub fn open(root: PathBuf, handle: Handle) -> Result<EmbeddedRegistry, RegistryError> {
        std::fs::create_dir_all(&root).map_err(|e| RegistryError::Unavailable(format!("cannot make {}: {e}", root.display())))?;
        check_owner(&root)?;
        let mut url = Url::new("embedded", "", 0, root.to_string_lossy().trim_start_matches('/'));
        url.params.clear();
        let inner = Arc::new(Inner { root, handle: handle.clone(), own: Mutex::default(), closed: AtomicBool::new(false), stop: watch::channel(false).0 });
        handle.spawn(heartbeat(Arc::downgrade(&inner), inner.stop.subscribe()));
        Ok(EmbeddedRegistry { url, inner })
    }

    /// The folder it uses.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    fn register_now(&self, url: &Url) -> Result<(), RegistryError> {
        self.inner.check()?;
        let dir = folder::category_dir(&self.inner.root, url.interface(), super::category_of(url));
        let name = folder::file_name(url);
        folder::write(&dir, &name, url).map_err(|e| RegistryError::Unavailable(format!("cannot write in {}: {e}", dir.display())))?;
        self.inner.own.lock().unwrap_or_else(|p| p.into_inner()).insert(name, (dir, url.clone()));
        Ok(())
    }

    fn unregister_now(&self, url: &Url) -> Result<(), RegistryError> {
        let name = folder::file_name(url);
        if let Some((dir, _)) = self.inner.own.lock().unwrap_or_else(|p| p.into_inner()).remove(&name) {
            match std::fs::remove_file(dir.join(&name)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(RegistryError::Unavailable(e.to_string())),
                _ => {}
            }
        }
        Ok(())
    }
}

impl Inner {
    fn check(&self) -> Result<(), RegistryError> {
        if self.closed.load(Ordering::Acquire) { Err(RegistryError::Closed) } else { Ok(()) }
    }
}

impl Registry for EmbeddedRegistry {
    fn url(&self) -> &Url {
        &self.url
    }

    fn register(&self, url: &Url) -> BoxFuture<Result<(), RegistryError>> {
        Box::pin(std::future::ready(self.register_now(url)))
    }

    fn unregister(&self, url: &Url) -> BoxFuture<Result<(), RegistryError>> {
        Box::pin(std::future::ready(self.unregister_now(url)))
    }

    fn subscribe(&self, query: &Query) -> BoxFuture<Result<Subscription, RegistryError>> {
        let result = self.inner.check().map(|()| {
            let dir = folder::category_dir(&self.inner.root, &query.interface, "providers");
            let mut cache = HashMap::new();
            let first = matching(folder::scan(&dir, &mut cache), query);
            let (tx, rx) = watch::channel(first);
            self.inner.handle.spawn(poll(dir, query.clone(), cache, tx, self.inner.stop.subscribe()));
            Subscription::new(rx)
        });
        Box::pin(std::future::ready(result))
    }

    fn close(&self) {
        if self.inner.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        let own = std::mem::take(&mut *self.inner.own.lock().unwrap_or_else(|p| p.into_inner()));
        for (name, (dir, _)) in own {
            let _ = std::fs::remove_file(dir.join(name));
        }
        self.inner.stop.send_replace(true);
    }

    fn completes_at_once(&self) -> bool {
        true
    }
}

impl Drop for EmbeddedRegistry {
    fn drop(&mut self) {
        self.close();
    }
}

fn matching(urls: Vec<Url>, query: &Query) -> Providers {
    urls.into_iter().filter(|u| query.matches(u)).collect()
}

/// Refreshes the registry's files every [`HEARTBEAT`] (re-making any that went
/// missing) until the registry closes or is dropped.
async fn heartbeat(inner: Weak<Inner>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(HEARTBEAT) => {}
            _ = stop.changed() => return,
        }
        let Some(inner) = inner.upgrade() else { return };
        if inner.check().is_err() {
            return;
        }
        let own: Vec<(String, PathBuf, Url)> =
            inner.own.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(n, (d, u))| (n.clone(), d.clone(), u.clone())).collect();
        drop(inner);
        let _ = tokio::task::spawn_blocking(move || {
            for (name, dir, url) in own {
                if !folder::touch(&dir, &name)
                    && let Err(e) = folder::write(&dir, &name, &url) {
                        tracing::warn!(dir = %dir.display(), error = %e, "embedded registry: cannot re-write a registered URL");
                    }
            }
        })
        .await;
    }
}

/// Reads `dir` every [`POLL`] and sends the list when it changed, until the
/// registry closes or every receiver is gone.
async fn poll(dir: PathBuf, query: Query, cache: HashMap<String, Url>, tx: watch::Sender<Providers>, mut stop: watch::Receiver<bool>) {
    let mut cache = Some(cache);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = tx.closed() => return,
            _ = stop.changed() => return,
        }
        let (d, mut c) = (dir.clone(), cache.take().unwrap_or_default());
        let Ok((urls, c)) = tokio::task::spawn_blocking(move || (folder::scan(&d, &mut c), c)).await else { return };
        cache = Some(c);
        let urls = matching(urls, &query);
        tx.send_if_modified(|now| {
            let changed = now[..] != urls[..];
            if changed {
                *now = urls;
            }
            changed
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("libdubbo-embedded-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn provider(port: u16, version: &str) -> Url {
        let url = Url::new("dubbo", "127.0.0.1", port, "org.example.Greeter").with("interface", "org.example.Greeter").with("side", "provider");
        if version.is_empty() { url } else { url.with("version", version) }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn providers_registered_before_and_after_a_subscribe_are_listed_and_withdrawn() {
        let root = temp_root("list");
        let a = EmbeddedRegistry::open(root.clone(), Handle::current()).unwrap();
        let b = EmbeddedRegistry::open(root.clone(), Handle::current()).unwrap();
        a.register(&provider(1, "1.0.0")).await.unwrap();
        a.register(&provider(9, "2.0.0")).await.unwrap(); // another version: not listed
        let mut sub = b.subscribe(&Query::new("org.example.Greeter", "1.0.0", "")).await.unwrap();
        assert_eq!(sub.current()[..], [provider(1, "1.0.0")], "the first list is there at once");

        b.register(&provider(2, "1.0.0")).await.unwrap();
        let list = tokio::time::timeout(Duration::from_secs(2), sub.changed()).await.unwrap().unwrap();
        assert_eq!(list[..], [provider(1, "1.0.0"), provider(2, "1.0.0")]);

        // Files stay fresh past the stale time while their owner lives.
        tokio::time::sleep(folder::STALE_AFTER + Duration::from_millis(600)).await;
        assert_eq!(sub.current().len(), 2);

        a.unregister(&provider(1, "1.0.0")).await.unwrap();
        let list = tokio::time::timeout(Duration::from_secs(2), sub.changed()).await.unwrap().unwrap();
        assert_eq!(list[..], [provider(2, "1.0.0")]);

        // A closed registry withdraws its URLs; its own subscriptions end.
        let mut own = a.subscribe(&Query::new("org.example.Greeter", "*", "")).await.unwrap();
        a.close();
        assert!(tokio::time::timeout(Duration::from_secs(2), own.changed()).await.unwrap().is_none());
        assert_eq!(a.register(&provider(3, "")).await, Err(RegistryError::Closed));
        b.close();
        let list = tokio::time::timeout(Duration::from_secs(2), sub.changed()).await.unwrap();
        assert!(list.is_none_or(|l| l.is_empty()));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_deleted_file_is_made_again_by_its_owner() {
        let root = temp_root("heal");
        let reg = EmbeddedRegistry::open(root.clone(), Handle::current()).unwrap();
        let url = provider(5, "");
        reg.register(&url).await.unwrap();
        let dir = folder::category_dir(&root, "org.example.Greeter", "providers");
        std::fs::remove_file(dir.join(folder::file_name(&url))).unwrap();
        tokio::time::sleep(HEARTBEAT + Duration::from_millis(500)).await;
        assert!(dir.join(folder::file_name(&url)).exists());
        drop(reg);
        assert!(!dir.join(folder::file_name(&url)).exists(), "drop unregisters");
        let _ = std::fs::remove_dir_all(&root);
    }
}
