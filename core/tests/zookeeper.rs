//! Discovery through a real ZooKeeper (Debian's package, on a free loopback
//! port) in Java's interface-level layout: Rust with Rust, and Rust with Java
//! Dubbo 3.3 registering and subscribing through the same ZooKeeper.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use libdubbo_core::facade::{CallOptions, Client, ClientConfig, ErrorKind, ReferenceConfig, Runtime, Server, ServerConfig};
use libdubbo_core::transport::ServiceKey;
use libdubbo_core::url::Url;
use libdubbo_core::Value;
use support::discovery::{until_providers};
use support::greeter::{self, GREETER};
use support::zk::ZooKeeper;
use zookeeper_client as zk;

fn runtime() -> Arc<Runtime> {
    Runtime::global().unwrap()
}


/// The decoded URLs under `/dubbo/org.example.Greeter/{category}`.
async fn nodes(zk: &zk::Client, category: &str) -> Vec<Url> {
    match zk.list_children(&format!("/dubbo/{GREETER}/{category}")).await {
        Ok(children) => children.iter().map(|c| Url::decode_parse(c).unwrap()).collect(),
        Err(zk::Error::NoNode) => Vec::new(),
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_providers_and_consumers_meet_in_java_s_zookeeper_layout() {
    let Some(server_zk) = ZooKeeper::start() else { return };
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        registry: Some(server_zk.url()),
        application: "rust-provider".into(),
        ..ServerConfig::default()
    };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export_registered(greeter::service("1.0.0", "")).await.unwrap();

    let providers = nodes(&watcher, "providers").await;
    assert_eq!(providers.len(), 1, "{providers:?}");
    let url = &providers[0];
    assert_eq!((url.protocol.as_str(), url.port), ("dubbo", server.local_addr().port()));
    for (k, v) in [("side", "provider"), ("interface", GREETER), ("version", "1.0.0"), ("application", "rust-provider"), ("dynamic", "true")] {
        assert_eq!(url.param(k), Some(v), "{k} in {url}");
    }
    // The node is ephemeral, owned by the provider's session.
    let path = format!("/dubbo/{GREETER}/providers/{}", url.to_encoded());
    let (_, stat) = watcher.get_data(&path).await.unwrap();
    assert_ne!(stat.ephemeral_owner, 0);

    let client = Client::new(runtime(), ClientConfig { registry: Some(server_zk.url()), ..ClientConfig::default() }).unwrap();
    let reference = ReferenceConfig { interface: GREETER.into(), version: Some("1.0.0".into()), timeout: Some(Duration::from_secs(3)), ..Default::default() };
    let g = client.reference(reference).unwrap();
    let reply = g.call("sayHello", vec![Value::from("zk")], CallOptions::default()).await.unwrap();
    assert_eq!(reply.value, Value::from("Hello zk"));
    let start = Instant::now();
    while nodes(&watcher, "consumers").await.is_empty() {
        assert!(start.elapsed() < Duration::from_secs(5), "the consumer registers itself");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(nodes(&watcher, "consumers").await[0].param("side"), Some("consumer"));

    // A second provider appears through the watch; an unexported one goes.
    let second = Server::bind(runtime(), ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(server_zk.url()), ..ServerConfig::default() }).await.unwrap();
    second.export_registered(greeter::service("1.0.0", "")).await.unwrap();
    let took = until_providers(&g, 2, Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(server.unexport(&ServiceKey::new(GREETER, "1.0.0", "")));
    until_providers(&g, 1, Duration::from_secs(15)).await;
    assert_eq!(g.providers(), vec![second.local_addr().to_string()]);
    assert!(g.call("sayHello", vec![Value::from("zk")], CallOptions::default()).await.is_ok());

    // Closing the provider ends its session: the ephemeral goes with it.
    second.close();
    until_providers(&g, 0, Duration::from_secs(5)).await;
    assert_eq!(g.call("sayHello", vec![Value::from("zk")], CallOptions::default()).await.unwrap_err().kind, ErrorKind::NoProvider);
    client.close();
    server.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rust_consumer_finds_a_java_provider_through_zookeeper() {
    let Some(jar) = support::java_peer_jar() else { return };
    let Some(server_zk) = ZooKeeper::start() else { return };
    let prop = format!("-Dpeer.registry={}", server_zk.url());
    let java = tokio::task::spawn_blocking(move || support::JavaProvider::start(&jar, &[&prop], &["1.0.0"])).await.unwrap();

    // What Java 3.3 wrote is what our URL reads.
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    let providers = nodes(&watcher, "providers").await;
    assert_eq!(providers.len(), 1, "{providers:?}");
    let url = &providers[0];
    assert_eq!((url.param("side"), url.param("interface"), url.version()), (Some("provider"), Some(GREETER), "1.0.0"), "{url}");
    assert_eq!(url.port, java.addr.port());

    let client = Client::new(runtime(), ClientConfig { registry: Some(server_zk.url()), ..ClientConfig::default() }).unwrap();
    let mut config = ReferenceConfig { interface: GREETER.into(), version: Some("1.0.0".into()), timeout: Some(Duration::from_secs(5)), ..Default::default() };
    config.methods = greeter::METHODS.iter().map(|(n, t)| libdubbo_core::facade::MethodSignature::new(*n, t).unwrap()).collect();
    let g = client.reference(config).unwrap();
    until_providers(&g, 1, Duration::from_secs(10)).await;
    let reply = g.call("sayHello", vec![Value::from("zk")], CallOptions::default()).await.unwrap();
    assert_eq!(reply.value, Value::from("Hello zk"));
    let sum = g.call("add", vec![Value::Int(2), Value::Int(3)], CallOptions::default()).await.unwrap();
    assert_eq!(sum.value, Value::Int(5));
    println!("java provider registered: {url}");

    // Java's graceful shutdown unregisters: the Rust consumer sees it go.
    let mut java = java;
    tokio::task::spawn_blocking(move || java.terminate()).await.unwrap();
    until_providers(&g, 0, Duration::from_secs(10)).await;
    client.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_consumer_finds_a_rust_provider_through_zookeeper() {
    let Some(jar) = support::java_peer_jar() else { return };
    let Some(server_zk) = ZooKeeper::start() else { return };
    // Java dials the LAN address for 127.x hosts; the mapped form reaches our loopback listener.
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        registry: Some(server_zk.url()),
        host: Some("::ffff:127.0.0.1".into()),
        application: "rust-provider".into(),
        ..ServerConfig::default()
    };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export_registered(greeter::service("", "")).await.unwrap();
    let url = server_zk.url();
    let out = tokio::task::spawn_blocking(move || support::run_java(&jar, &[], "zk-consumer", &url, &[])).await.unwrap();
    let summary = support::assert_java_passed(&out, "java-zk-consumer");
    println!("{summary}");
    server.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_is_renewed_and_the_provider_registered_again() {
    let Some(mut server_zk) = ZooKeeper::start() else { return };
    // A 4 s session (the server's minimum, 2 ticks) so that an outage expires it quickly;
    // both levels, so that the application-level instance is renewed too.
    let registry = format!("{}?session=4000&register-mode=all", server_zk.url());
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(registry.clone()), ..ServerConfig::default() };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export_registered(greeter::service("", "")).await.unwrap();
    let client = Client::new(runtime(), ClientConfig { registry: Some(registry), ..ClientConfig::default() }).unwrap();
    let g = client.reference(ReferenceConfig { interface: GREETER.into(), timeout: Some(Duration::from_secs(3)), ..Default::default() }).unwrap();
    until_providers(&g, 1, Duration::from_secs(15)).await;

    let owner = |zk: zk::Client| async move {
        let providers = nodes(&zk, "providers").await;
        let path = format!("/dubbo/{GREETER}/providers/{}", providers.first()?.to_encoded());
        zk.get_data(&path).await.ok().map(|(_, stat)| stat.ephemeral_owner)
    };
    let before = owner(zk::Client::connect(&server_zk.address()).await.unwrap()).await.expect("registered");

    // ZooKeeper down for longer than the session: the consumer keeps its last list meanwhile.
    tokio::task::block_in_place(|| server_zk.kill());
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(g.providers().len(), 1);
    assert!(g.call("sayHello", vec![Value::from("zk")], CallOptions::default()).await.is_ok(), "calls go on without the registry");
    tokio::task::block_in_place(|| server_zk.restart());

    // The provider's new session registers it again (a new owner), and the node outlives
    // the old session's expiry on the server (4 s after the restart).
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    let start = Instant::now();
    loop {
        let now = owner(watcher.clone()).await;
        if now.is_some_and(|o| o != before && o != 0) && start.elapsed() > Duration::from_secs(6) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "registered again by a new session: {now:?} (was {before})");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let now = owner(watcher.clone()).await;
    let instance = format!("/services/libdubbo-provider/127.0.0.1:{}", server.local_addr().port());
    let (_, stat) = watcher.get_data(&instance).await.expect("the instance is registered again");
    assert_eq!(Some(stat.ephemeral_owner), now, "by the new session");
    until_providers(&g, 1, Duration::from_secs(10)).await;
    assert_eq!(g.call("sayHello", vec![Value::from("zk")], CallOptions::default()).await.unwrap().value, Value::from("Hello zk"));
    client.close();
    server.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_starting_while_zookeeper_is_down_uses_the_cached_providers() {
    let Some(mut server_zk) = ZooKeeper::start() else { return };
    let dir = std::env::temp_dir().join(format!("libdubbo-zk-cache-{}-{}", std::process::id(), server_zk.port));
    let _ = std::fs::remove_dir_all(&dir);
    let file = dir.join("registry.cache");
    let registry = format!("{}?file={}", server_zk.url(), file.display());
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(server_zk.url()), ..ServerConfig::default() };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export_registered(greeter::service("1.0.0", "")).await.unwrap();
    let reference = || ReferenceConfig { interface: GREETER.into(), version: Some("1.0.0".into()), timeout: Some(Duration::from_secs(5)), ..Default::default() };

    // A consumer learns the list from ZooKeeper; the cache file keeps it.
    let client = Client::new(runtime(), ClientConfig { registry: Some(registry.clone()), ..ClientConfig::default() }).unwrap();
    let g = client.reference(reference()).unwrap();
    until_providers(&g, 1, Duration::from_secs(15)).await;
    assert!(g.call("sayHello", vec![Value::from("zk")], CallOptions::default()).await.is_ok());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&format!("{GREETER}\\:1.0.0=dubbo\\://")) && text.contains(&format!("\\:{}/", server.local_addr().port())), "{text}");
    drop(g);
    client.close();

    // ZooKeeper down: a new consumer starts from the cache, its calls work.
    tokio::task::block_in_place(|| server_zk.kill());
    let client = Client::new(runtime(), ClientConfig { registry: Some(registry.clone()), ..ClientConfig::default() }).unwrap();
    let g = client.reference(reference()).unwrap();
    let started = Instant::now();
    let reply = g.call("sayHello", vec![Value::from("cache")], CallOptions::default()).await.unwrap();
    assert_eq!(reply.value, Value::from("Hello cache"));
    assert!(started.elapsed() < Duration::from_secs(2), "the first call from the cache took {:?}", started.elapsed());
    assert_eq!(g.providers(), vec![server.local_addr().to_string()]);
    // Another version was never cached: no provider.
    let other = client.reference(ReferenceConfig { version: Some("2.0.0".into()), timeout: Some(Duration::from_secs(2)), ..reference() }).unwrap();
    assert_eq!(other.call("sayHello", vec![Value::from("x")], CallOptions::default()).await.unwrap_err().kind, ErrorKind::NoProvider);

    // ZooKeeper back: the consumer follows it (a provider registered now is found).
    tokio::task::block_in_place(|| server_zk.restart());
    let second = Server::bind(runtime(), ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(server_zk.url()), ..ServerConfig::default() }).await.unwrap();
    second.export_registered(greeter::service("1.0.0", "")).await.unwrap();
    until_providers(&g, 2, Duration::from_secs(20)).await;
    let start = Instant::now();
    while !std::fs::read_to_string(&file).unwrap_or_default().contains(&format!("\\:{}/", second.local_addr().port())) {
        assert!(start.elapsed() < Duration::from_secs(5), "the cache follows the live list");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    client.close();
    second.close();
    server.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_mode_all_and_instance_write_java_s_application_level_nodes() {
    let Some(server_zk) = ZooKeeper::start() else { return };
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    let text = |data: Vec<u8>| String::from_utf8(data).unwrap();

    // all: the interface-level node and the instance, its MetadataInfo and the mapping.
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        registry: Some(format!("{}?register-mode=all", server_zk.url())),
        application: "rust-app".into(),
        ..ServerConfig::default()
    };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export_registered(greeter::service("1.0.0", "")).await.unwrap();
    assert_eq!(nodes(&watcher, "providers").await.len(), 1);
    let port = server.local_addr().port();
    let instance = format!("/services/rust-app/127.0.0.1:{port}");
    let (data, stat) = watcher.get_data(&instance).await.unwrap();
    assert_ne!(stat.ephemeral_owner, 0, "the instance is ephemeral");
    let json = text(data);
    assert!(json.starts_with(&format!("{{\"name\":\"rust-app\",\"id\":\"127.0.0.1:{port}\",\"address\":\"127.0.0.1\",\"port\":{port},")), "{json}");
    assert!(json.contains("\"dubbo.metadata.storage-type\":\"remote\""), "{json}");
    let revision = |json: &str| json.split("\"dubbo.metadata.revision\":\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    let first = revision(&json);
    let (info, _) = watcher.get_data(&format!("/dubbo/metadata/rust-app/{first}")).await.unwrap();
    let info = text(info);
    assert!(info.contains(&format!("\"revision\":\"{first}\"")) && info.contains(&format!("\"{GREETER}:1.0.0:dubbo\":{{\"name\":\"{GREETER}\"")), "{info}");
    assert_eq!(text(watcher.get_data(&format!("/dubbo/mapping/{GREETER}")).await.unwrap().0), "rust-app");

    // Another service: a new revision in place; all gone: the instance goes.
    server.export_registered(greeter::service("2.0.0", "")).await.unwrap();
    let json = text(watcher.get_data(&instance).await.unwrap().0);
    let second = revision(&json);
    assert_ne!(second, first);
    let info = text(watcher.get_data(&format!("/dubbo/metadata/rust-app/{second}")).await.unwrap().0);
    assert!(info.contains(":1.0.0:dubbo") && info.contains(":2.0.0:dubbo"), "{info}");
    assert!(server.unexport(&ServiceKey::new(GREETER, "1.0.0", "")));
    assert!(server.unexport(&ServiceKey::new(GREETER, "2.0.0", "")));
    let start = Instant::now();
    while watcher.get_data(&instance).await.is_ok() {
        assert!(start.elapsed() < Duration::from_secs(5), "the instance is withdrawn with its last service");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.close();

    // instance: no interface-level provider node; a second app joins the mapping.
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        registry: Some(format!("{}?register-mode=instance", server_zk.url())),
        application: "other-app".into(),
        ..ServerConfig::default()
    };
    let only = Server::bind(runtime(), config).await.unwrap();
    only.export_registered(greeter::service("", "")).await.unwrap();
    assert!(watcher.get_data(&format!("/services/other-app/127.0.0.1:{}", only.local_addr().port())).await.is_ok());
    assert!(nodes(&watcher, "providers").await.is_empty(), "{:?}", nodes(&watcher, "providers").await);
    assert_eq!(text(watcher.get_data(&format!("/dubbo/mapping/{GREETER}")).await.unwrap().0), "rust-app,other-app");
    only.close();

    // An unknown mode is the caller's mistake.
    let bad = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(format!("{}?register-mode=nope", server_zk.url())), ..ServerConfig::default() };
    let err = Server::bind(runtime(), bad).await.err().expect("an unknown register-mode fails");
    assert_eq!(err.kind, ErrorKind::InvalidArgument, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_consumer_finds_a_rust_provider_at_the_application_level() {
    let Some(jar) = support::java_peer_jar() else { return };
    let Some(server_zk) = ZooKeeper::start() else { return };
    // Instance only: Java can find it only through /dubbo/mapping, /services and /dubbo/metadata.
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        registry: Some(format!("{}?register-mode=instance", server_zk.url())),
        host: Some("::ffff:127.0.0.1".into()),
        application: "rust-app-provider".into(),
        ..ServerConfig::default()
    };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export_registered(greeter::service("", "")).await.unwrap();
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    assert!(nodes(&watcher, "providers").await.is_empty());
    let url = server_zk.url();
    let props = ["-Ddubbo.application.migration.step=FORCE_APPLICATION"];
    let out = tokio::task::spawn_blocking(move || support::run_java(&jar, &props, "zk-consumer", &url, &[])).await.unwrap();
    let summary = support::assert_java_passed(&out, "java-zk-consumer");
    println!("{summary}");
    server.close();
}
