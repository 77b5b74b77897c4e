//! Application-level discovery through a real ZooKeeper (Debian's package, on a
//! free loopback port): our consumer reads `/dubbo/mapping`, `/services/{app}`
//! and each instance's MetadataInfo — from `/dubbo/metadata` (a Rust provider,
//! storage `remote`) or from a Java 3.3 provider's MetadataService (storage
//! `local`, Java's default) — as the registry URL's `migration.step` says.

mod support;

use std::sync::Arc;
use std::time::Duration;

use libdubbo_core::facade::{CallOptions, Client, ClientConfig, ErrorKind, Reference, ReferenceConfig, Runtime, Server, ServerConfig};
use libdubbo_core::Value;
use support::discovery::until_providers;
use support::greeter::{self, GREETER};
use support::zk::ZooKeeper;
use zookeeper_client as zk;

fn runtime() -> Arc<Runtime> {
    Runtime::global().unwrap()
}

/// A Greeter reference (version `version`) through the ZooKeeper at `zk_url`
/// with `migration.step=step` on the registry URL.
fn reference(zk_url: &str, step: &str, version: &str) -> (Client, Reference) {
    reference_with(&format!("{zk_url}?migration.step={step}&file.cache=false"), &[], version).unwrap()
}

/// A Greeter reference through `registry` with the reference `parameters`.
fn reference_with(registry: &str, parameters: &[(&str, &str)], version: &str) -> Result<(Client, Reference), libdubbo_core::facade::Error> {
    let client = Client::new(runtime(), ClientConfig { registry: Some(registry.to_owned()), ..ClientConfig::default() }).unwrap();
    let mut config = ReferenceConfig { interface: GREETER.into(), timeout: Some(Duration::from_secs(5)), ..Default::default() };
    if !version.is_empty() {
        config.version = Some(version.into());
    }
    config.methods = greeter::METHODS.iter().map(|(n, t)| libdubbo_core::facade::MethodSignature::new(*n, t).unwrap()).collect();
    config.parameters = parameters.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let r = client.reference(config)?;
    Ok((client, r))
}

async fn say_hello(r: &Reference, name: &str) {
    let reply = r.call("sayHello", vec![Value::from(name)], CallOptions::default()).await.unwrap();
    assert_eq!(reply.value, Value::from(format!("Hello {name}")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rust_consumer_finds_a_java_provider_at_the_application_level_through_its_metadata_service() {
    let Some(jar) = support::java_peer_jar() else { return };
    let Some(server_zk) = ZooKeeper::start() else { return };
    // Java's defaults: register-mode all, metadata storage local (served by MetadataService).
    let props = [format!("-Dpeer.registry={}", server_zk.url()), "-Dpeer.registerMode=all".to_owned()];
    let java = tokio::task::spawn_blocking(move || {
        let props: Vec<&str> = props.iter().map(String::as_str).collect();
        support::JavaProvider::start(&jar, &props, &["1.0.0"])
    })
    .await
    .unwrap();

    // What Java wrote: an instance whose MetadataInfo is only in the provider.
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    let apps = String::from_utf8(watcher.get_data(&format!("/dubbo/mapping/{GREETER}")).await.unwrap().0).unwrap();
    assert_eq!(apps, "java-peer-provider");
    let instances = watcher.list_children("/services/java-peer-provider").await.unwrap();
    assert_eq!(instances.len(), 1, "{instances:?}");
    let node = String::from_utf8(watcher.get_data(&format!("/services/java-peer-provider/{}", instances[0])).await.unwrap().0).unwrap();
    assert!(!node.contains("\"dubbo.metadata.storage-type\":\"remote\""), "Java's default is local: {node}");
    println!("java instance: {node}");
    let revision = node.split("\"dubbo.metadata.revision\":\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
    assert!(watcher.get_data(&format!("/dubbo/metadata/java-peer-provider/{revision}")).await.is_err(), "no remote MetadataInfo");

    let (c_app, app) = reference(&server_zk.url(), "FORCE_APPLICATION", "1.0.0");
    let (c_first, first) = reference(&server_zk.url(), "APPLICATION_FIRST", "1.0.0");
    let (c_iface, iface) = reference(&server_zk.url(), "FORCE_INTERFACE", "1.0.0");
    for r in [&app, &first, &iface] {
        until_providers(r, 1, Duration::from_secs(20)).await;
        say_hello(r, "app-level").await;
    }
    // Java registers `[::ffff:127.0.0.1]` (see tests/interop/java, "Loopback").
    assert_eq!(app.providers(), vec![format!("[::ffff:127.0.0.1]:{}", java.addr.port())]);
    let (c_other, other) = reference(&server_zk.url(), "FORCE_APPLICATION", "2.0.0");
    assert_eq!(other.call("sayHello", vec![Value::from("x")], CallOptions::default()).await.unwrap_err().kind, ErrorKind::NoProvider);

    // The interface-level node gone: only the consumers reading the application level keep the provider.
    let dir = format!("/dubbo/{GREETER}/providers");
    for child in watcher.list_children(&dir).await.unwrap() {
        watcher.delete(&format!("{dir}/{child}"), None).await.unwrap();
    }
    until_providers(&iface, 0, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(first.providers().len(), 1, "APPLICATION_FIRST uses the application level");
    assert_eq!(app.providers().len(), 1);
    say_hello(&first, "still").await;

    // Java's shutdown withdraws its instance: the watch sees it go.
    let mut java = java;
    tokio::task::spawn_blocking(move || java.terminate()).await.unwrap();
    until_providers(&app, 0, Duration::from_secs(15)).await;
    until_providers(&first, 0, Duration::from_secs(15)).await;
    for c in [c_app, c_first, c_iface, c_other] {
        c.close();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rust_consumer_finds_a_rust_instance_provider_only_at_the_application_level() {
    let Some(server_zk) = ZooKeeper::start() else { return };
    // Subscribed before anything exists: the watches on the missing mapping and instances fire later.
    let (c_early, early) = reference(&server_zk.url(), "FORCE_APPLICATION", "1.0.0");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(early.providers().is_empty());
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        registry: Some(format!("{}?register-mode=instance", server_zk.url())),
        application: "rust-app".into(),
        ..ServerConfig::default()
    };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export_registered(greeter::service("1.0.0", "")).await.unwrap();

    // A broken instance of another app in the mapping is skipped, not fatal.
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    let persistent = zk::CreateMode::Persistent.with_acls(zk::Acls::anyone_all());
    watcher.mkdir("/services/broken-app", &persistent).await.unwrap();
    watcher.create("/services/broken-app/127.0.0.1:1", b"{not json", &persistent).await.unwrap();
    watcher.create("/services/broken-app/127.0.0.1:2", br#"{"address":"127.0.0.1","port":2,"payload":{"metadata":{"dubbo.metadata.revision":"x","dubbo.metadata.storage-type":"remote"}}}"#, &persistent).await.unwrap();
    let mapping = format!("/dubbo/mapping/{GREETER}");
    let (data, stat) = watcher.get_data(&mapping).await.unwrap();
    assert_eq!(data, b"rust-app");
    watcher.set_data(&mapping, b"rust-app,broken-app", Some(stat.version)).await.unwrap();

    let (c_app, app) = reference(&server_zk.url(), "FORCE_APPLICATION", "1.0.0");
    let (c_first, first) = reference(&server_zk.url(), "APPLICATION_FIRST", "1.0.0");
    for r in [&early, &app, &first] {
        until_providers(r, 1, Duration::from_secs(10)).await;
        say_hello(r, "instance").await;
    }
    assert_eq!(app.providers(), vec![server.local_addr().to_string()]);

    // FORCE_INTERFACE ignores the application level: no provider.
    let (c_iface, iface) = reference(&server_zk.url(), "FORCE_INTERFACE", "1.0.0");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(iface.providers().is_empty(), "{:?}", iface.providers());
    assert_eq!(iface.call("sayHello", vec![Value::from("x")], CallOptions::default()).await.unwrap_err().kind, ErrorKind::NoProvider);

    // The reference's own migration.step wins over the registry's default (APPLICATION_FIRST).
    let plain = format!("{}?file.cache=false", server_zk.url());
    let (c_p_iface, p_iface) = reference_with(&plain, &[("migration.step", "FORCE_INTERFACE")], "1.0.0").unwrap();
    let (c_p_app, p_app) = reference_with(&plain, &[("migration.step", "FORCE_APPLICATION")], "1.0.0").unwrap();
    let (c_p_default, p_default) = reference_with(&plain, &[], "1.0.0").unwrap();
    until_providers(&p_app, 1, Duration::from_secs(10)).await;
    until_providers(&p_default, 1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(p_iface.providers().is_empty(), "{:?}", p_iface.providers());
    let err = reference_with(&plain, &[("migration.step", "force_application")], "1.0.0").err().expect("an unknown reference migration.step fails");
    assert_eq!(err.kind, ErrorKind::InvalidArgument, "{err}");
    for c in [c_p_iface, c_p_app, c_p_default] {
        c.close();
    }

    // A second instance joins, the first leaves: followed by the watches.
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        registry: Some(format!("{}?register-mode=instance", server_zk.url())),
        application: "rust-app".into(),
        ..ServerConfig::default()
    };
    let second = Server::bind(runtime(), config).await.unwrap();
    second.export_registered(greeter::service("1.0.0", "")).await.unwrap();
    until_providers(&app, 2, Duration::from_secs(10)).await;
    server.close();
    until_providers(&app, 1, Duration::from_secs(10)).await;
    until_providers(&first, 1, Duration::from_secs(10)).await;
    assert_eq!(app.providers(), vec![second.local_addr().to_string()]);
    say_hello(&app, "second").await;

    // An unknown step is the caller's mistake.
    let bad = Client::new(runtime(), ClientConfig { registry: Some(format!("{}?migration.step=SOMETIMES", server_zk.url())), ..ClientConfig::default() }).unwrap();
    let err = bad.reference(ReferenceConfig { interface: GREETER.into(), ..Default::default() }).err().expect("an unknown migration.step fails");
    assert_eq!(err.kind, ErrorKind::InvalidArgument, "{err}");
    for c in [c_early, c_app, c_first, c_iface, bad] {
        c.close();
    }
    second.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_instance_provider_with_remote_metadata_is_found_only_at_the_application_level() {
    let Some(jar) = support::java_peer_jar() else { return };
    let Some(server_zk) = ZooKeeper::start() else { return };
    // Instance only, MetadataInfo written by Java (fastjson2) to /dubbo/metadata.
    let props = [format!("-Dpeer.registry={}", server_zk.url()), "-Dpeer.registerMode=instance".to_owned(), "-Dpeer.metadataType=remote".to_owned()];
    let java = tokio::task::spawn_blocking(move || {
        let props: Vec<&str> = props.iter().map(String::as_str).collect();
        support::JavaProvider::start(&jar, &props, &[])
    })
    .await
    .unwrap();
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    let instances = watcher.list_children("/services/java-peer-provider").await.unwrap();
    assert_eq!(instances.len(), 1, "{instances:?}");
    let node = String::from_utf8(watcher.get_data(&format!("/services/java-peer-provider/{}", instances[0])).await.unwrap().0).unwrap();
    assert!(node.contains("\"dubbo.metadata.storage-type\":\"remote\""), "{node}");
    let revision = node.split("\"dubbo.metadata.revision\":\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
    let info = String::from_utf8(watcher.get_data(&format!("/dubbo/metadata/java-peer-provider/{revision}")).await.unwrap().0).unwrap();
    println!("java MetadataInfo: {info}");

    let (c_app, app) = reference(&server_zk.url(), "FORCE_APPLICATION", "");
    let (c_first, first) = reference(&server_zk.url(), "APPLICATION_FIRST", "");
    for r in [&app, &first] {
        until_providers(r, 1, Duration::from_secs(20)).await;
        say_hello(r, "remote").await;
    }
    let (c_iface, iface) = reference(&server_zk.url(), "FORCE_INTERFACE", "");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(iface.providers().is_empty(), "FORCE_INTERFACE ignores the application level: {:?}", iface.providers());
    let mut java = java;
    tokio::task::spawn_blocking(move || java.terminate()).await.unwrap();
    until_providers(&app, 0, Duration::from_secs(15)).await;
    for c in [c_app, c_first, c_iface] {
        c.close();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn application_level_watches_come_back_with_a_new_session() {
    let Some(mut server_zk) = ZooKeeper::start() else { return };
    // 4 s sessions (the server's minimum) so that an outage expires them quickly.
    let provider_registry = format!("{}?session=4000&register-mode=instance", server_zk.url());
    let provider = |registry: String| ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(registry), application: "rust-app".into(), ..ServerConfig::default() };
    let server = Server::bind(runtime(), provider(provider_registry.clone())).await.unwrap();
    server.export_registered(greeter::service("", "")).await.unwrap();
    let (client, app) = reference_with(&format!("{}?session=4000&migration.step=FORCE_APPLICATION&file.cache=false", server_zk.url()), &[], "").unwrap();
    until_providers(&app, 1, Duration::from_secs(10)).await;

    // Down for longer than the session: the last list stays meanwhile.
    tokio::task::block_in_place(|| server_zk.kill());
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(app.providers().len(), 1);
    tokio::task::block_in_place(|| server_zk.restart());

    // A provider that registers after the restart is seen through the new session's watches
    // (well before the 30 s resync).
    let second = Server::bind(runtime(), provider(provider_registry)).await.unwrap();
    second.export_registered(greeter::service("", "")).await.unwrap();
    until_providers(&app, 2, Duration::from_secs(20)).await;
    say_hello(&app, "renewed").await;
    // And one that leaves later, once everything has settled on the new session.
    tokio::time::sleep(Duration::from_secs(2)).await;
    second.close();
    until_providers(&app, 1, Duration::from_secs(10)).await;
    assert_eq!(app.providers(), vec![server.local_addr().to_string()]);
    client.close();
    server.close();
}
