//! Where a reference's providers come from: direct URLs (a fixed list) or a
//! registry subscription that keeps the reference's directory up to date, and
//! the provider entries the cluster picks from (a URL, the client's shared
//! endpoint for its address, call statistics).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;

use tokio::sync::oneshot;

use super::client::ClientShared;
use super::Error;
use crate::cluster::{Directory, Invoker, LoadBalancer, ProviderInfo, Stats};
use crate::registry::{Providers, Query, Registry, Subscription};
use crate::transport::Endpoint;
use crate::url::Url;

/// One provider of a reference.
pub(super) struct Provider {
    pub(super) url: Url,
    pub(super) endpoint: Arc<Endpoint>,
    stats: Stats,
    info: ProviderInfo,
}

impl Provider {
    fn new(url: Url, endpoint: Arc<Endpoint>) -> Arc<Provider> {
        Arc::new(Provider { info: ProviderInfo::of(&url), url, endpoint, stats: Stats::default() })
    }
}

impl Invoker for Provider {
    fn url(&self) -> &Url {
        &self.url
    }

    fn is_available(&self) -> bool {
        self.endpoint.is_available() && !self.endpoint.is_down()
    }

    fn stats(&self) -> &Stats {
        &self.stats
    }

    fn info(&self) -> &ProviderInfo {
        &self.info
    }
}

/// A reference's providers and what keeps them current. Dropping it (with the
/// last clone of its reference) ends the subscription and withdraws the
/// consumer's registration.
pub(super) struct Binding {
    pub(super) directory: Arc<Directory<Provider>>,
    /// The reference's load balancers by name (they keep state across calls).
    pub(super) balancers: std::sync::Mutex<HashMap<String, Arc<LoadBalancer>>>,
    /// Dropped with the binding: ends the feeding task.
    _stop: Option<oneshot::Sender<()>>,
    consumer: Option<(Arc<dyn Registry>, Url, tokio::runtime::Handle)>,
}

impl Drop for Binding {
    fn drop(&mut self) {
        if let Some((registry, url, handle)) = self.consumer.take() {
            handle.spawn(registry.unregister(&url));
        }
    }
}

/// The socket address of a provider URL (an IP literal, else resolved).
fn socket_addr(url: &Url) -> Option<SocketAddr> {
    if let Ok(ip) = url.host.parse::<IpAddr>() {
        // Java providers on loopback register `[::ffff:127.0.0.1]` (see tests/interop/java).
        return Some(SocketAddr::new(ip.to_canonical(), url.port));
    }
    (url.host.as_str(), url.port).to_socket_addrs().ok()?.next()
}

/// A directory of the direct URLs `urls` (comma- or semicolon-separated `dubbo://`).
pub(super) fn direct(client: &ClientShared, urls: &str) -> Result<Binding, Error> {
    let mut providers = Vec::new();
    let texts = urls.split([',', ';']).map(str::trim).filter(|u| !u.is_empty());
    // parse_direct_urls reads the same entries in the same order.
    for (addr, text) in super::parse_direct_urls(urls)?.into_iter().zip(texts) {
        let mut url = Url::parse(text).unwrap_or_else(|_| Url::new("dubbo", &addr.ip().to_string(), addr.port(), ""));
        url.protocol = "dubbo".to_owned();
        url.host = addr.ip().to_string();
        providers.push(Provider::new(url, client.endpoints.get(addr)));
    }
    Ok(Binding { directory: Arc::new(Directory::new(providers, true)), balancers: Default::default(), _stop: None, consumer: None })
}

/// A directory fed by `registry`'s providers of `query`; `consumer` is
/// registered as Java registers its consumer URL.
pub(super) fn discover(client: Arc<ClientShared>, registry: Arc<dyn Registry>, query: Query, consumer: Url) -> Binding {
    let directory = Arc::new(Directory::new(Vec::new(), false));
    let (stop, stopped) = oneshot::channel();
    let register = registry.register(&consumer);
    let mut subscribe = registry.subscribe(&query);
    // The embedded registry answers at once: take its first list now, so that the
    // first call already sees the providers (and their registered timeouts). Others
    // (ZooKeeper) are only ever polled on the runtime.
    if registry.completes_at_once() {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        if let std::task::Poll::Ready(result) = subscribe.as_mut().poll(&mut cx) {
            if let Ok(sub) = &result {
                apply(&client, &directory, &sub.current());
            }
            subscribe = Box::pin(std::future::ready(result));
        }
    }
    let feed = feed(client.clone(), directory.clone(), subscribe, stopped);
    // Both at once: a registry that is down must not hold the subscription (and
    // its cached providers) back for as long as the registration takes to fail.
    client.runtime.handle().spawn(async move {
        let register = async {
            if let Err(e) = register.await {
                tracing::warn!(error = %e, "could not register the consumer URL");
            }
        };
        tokio::join!(register, feed);
    });
    let handle = client.runtime.handle().clone();
    Binding { directory, balancers: Default::default(), _stop: Some(stop), consumer: Some((registry, consumer, handle)) }
}

/// Applies every list the subscription sends until the binding is dropped.
async fn feed(
    client: Arc<ClientShared>,
    directory: Arc<Directory<Provider>>,
    subscribe: crate::registry::BoxFuture<Result<Subscription, crate::registry::RegistryError>>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut sub = tokio::select! {
        sub = subscribe => match sub {
            Ok(sub) => sub,
            Err(e) => {
                tracing::warn!(error = %e, "could not subscribe: the reference has no providers");
                directory.replace(Vec::new());
                return;
            }
        },
        _ = &mut stopped => return,
    };
    let mut list = sub.current();
    loop {
        apply(&client, &directory, &list);
        tokio::select! {
            next = sub.changed() => match next {
                Some(next) => list = next,
                None => return,
            },
            _ = &mut stopped => break,
        }
    }
    // The reference is gone: let go of the endpoints only it used.
    let old = directory.all();
    directory.replace(Vec::new());
    for p in old.iter() {
        client.endpoints.release(p.endpoint.addr());
    }
}

/// Replaces the directory's list with `urls`, keeping the entries (and their
/// statistics) of providers still there; only `dubbo` URLs are kept.
fn apply(client: &ClientShared, directory: &Directory<Provider>, urls: &Providers) {
    let old = directory.all();
    let mut by_url: HashMap<String, &Arc<Provider>> = old.iter().map(|p| (p.url.to_full_string(), p)).collect();
    let mut next = Vec::with_capacity(urls.len());
    for url in urls.iter().filter(|u| u.protocol == "dubbo") {
        if let Some(p) = by_url.remove(&url.to_full_string()) {
            next.push(p.clone());
            continue;
        }
        match socket_addr(url) {
            Some(addr) => next.push(Provider::new(url.clone(), client.endpoints.get(addr))),
            None => tracing::warn!(url = %url, "a provider URL with no usable address"),
        }
    }
    let gone: Vec<SocketAddr> = by_url.values().map(|p| p.endpoint.addr()).collect();
    directory.replace(next);
    drop(by_url);
    drop(old);
    for addr in gone {
        client.endpoints.release(addr);
    }
}
