//! Discovery through the embedded registry, end to end on loopback: a reference
//! without a URL finds providers exported by a server (in this process and in
//! another one), picks up a provider started after it, drops one that is
//! unexported, shut down or killed, and a reference with a URL stays direct.
//! Each test has its own registry folder.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use libdubbo_core::facade::{CallOptions, Client, ClientConfig, ErrorKind, Reference, ReferenceConfig, Runtime, Server, ServerConfig};
use libdubbo_core::transport::ServiceKey;
use libdubbo_core::Value;
use support::discovery::{registry, until_providers};
use support::greeter::{self, GREETER};

/// The environment variable that makes `child_provider` serve (set by the parent test only).
const CHILD_ENV: &str = "LIBDUBBO_TEST_CHILD_REGISTRY";

fn runtime() -> Arc<Runtime> {
    Runtime::global().unwrap()
}


async fn provider(registry: &str, version: &str) -> Server {
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(registry.to_owned()), application: "greeter-app".into(), ..ServerConfig::default() };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export(greeter::service(version, "")).unwrap();
    server
}

fn consumer(registry: &str) -> Client {
    Client::new(runtime(), ClientConfig { registry: Some(registry.to_owned()), ..ClientConfig::default() }).unwrap()
}

fn greeter_ref(client: &Client, version: Option<&str>) -> Reference {
    let config = ReferenceConfig { interface: GREETER.into(), version: version.map(str::to_owned), timeout: Some(Duration::from_secs(2)), ..Default::default() };
    client.reference(config).unwrap()
}

async fn hello(r: &Reference) -> Result<Value, libdubbo_core::facade::Error> {
    r.call("sayHello", vec![Value::from("disco")], CallOptions::default()).await.map(|r| r.value)
}

/// Waits (at most `within`) until `r` lists `n` providers.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reference_without_url_calls_a_provider_found_in_the_embedded_registry() {
    let (dir, reg) = registry("basic");
    let server = provider(&reg, "1.0.0").await;
    let client = consumer(&reg);
    let g = greeter_ref(&client, Some("1.0.0"));
    assert_eq!(hello(&g).await.unwrap(), Value::from("Hello disco"));
    assert_eq!(g.providers(), vec![server.local_addr().to_string()]);

    // The registered URL is what Java 3.3 writes for a provider.
    let folder = dir.join(GREETER).join("providers");
    let files: Vec<_> = std::fs::read_dir(&folder).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    let url = libdubbo_core::url::Url::parse(text.trim()).unwrap();
    for (k, v) in [("side", "provider"), ("interface", GREETER), ("version", "1.0.0"), ("application", "greeter-app"), ("dubbo", "2.0.2"), ("dynamic", "true"), ("prefer.serialization", "hessian2")] {
        assert_eq!(url.param(k), Some(v), "{k} in {text}");
    }
    assert!(url.param("methods").unwrap().contains("sayHello"), "{text}");
    assert!(url.timestamp().is_some());
    // The consumer registered itself too, as Java does.
    assert_eq!(std::fs::read_dir(dir.join(GREETER).join("consumers")).unwrap().count(), 1);

    // Another version is another service.
    let other = greeter_ref(&client, Some("2.0.0"));
    let err = hello(&other).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NoProvider, "{err}");

    // A reference with a URL stays direct, whatever the registry holds.
    let direct = client.reference(ReferenceConfig { version: Some("1.0.0".into()), ..ReferenceConfig::direct(GREETER, format!("dubbo://{}", server.local_addr())) }).unwrap();
    assert_eq!(hello(&direct).await.unwrap(), Value::from("Hello disco"));

    // Unexport withdraws it: the consumer sees it go within about a second.
    assert!(server.unexport(&ServiceKey::new(GREETER, "1.0.0", "")));
    let took = until_providers(&g, 0, Duration::from_secs(3)).await;
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(hello(&g).await.unwrap_err().kind, ErrorKind::NoProvider);
    drop((g, other, direct));
    client.close();
    server.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_started_after_the_consumer_are_picked_up_and_shut_down_ones_dropped() {
    let (dir, reg) = registry("later");
    let client = consumer(&reg);
    let g = greeter_ref(&client, None);
    assert_eq!(hello(&g).await.unwrap_err().kind, ErrorKind::NoProvider);

    let a = provider(&reg, "").await;
    let took = until_providers(&g, 1, Duration::from_secs(3)).await;
    assert!(took < Duration::from_secs(2), "picked up in {took:?}");
    assert_eq!(hello(&g).await.unwrap(), Value::from("Hello disco"));

    let b = provider(&reg, "").await;
    until_providers(&g, 2, Duration::from_secs(3)).await;
    a.shutdown().await.unwrap();
    until_providers(&g, 1, Duration::from_secs(3)).await;
    assert_eq!(g.providers(), vec![b.local_addr().to_string()]);
    for _ in 0..5 {
        assert_eq!(hello(&g).await.unwrap(), Value::from("Hello disco"), "calls go to the one left");
    }
    drop(b); // drop closes and unregisters
    until_providers(&g, 0, Duration::from_secs(3)).await;
    client.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_provider_process_disappears_within_seconds() {
    let (dir, reg) = registry("killed");
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["--exact", "child_provider", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &reg)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let ready = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout).lines().take(50).map_while(Result::ok).find_map(|l| l.split_once("READY ").map(|(_, port)| port.trim().to_owned()))
    });
    // libtest prints `test child_provider ... ` before the child's own line.
    let port = tokio::time::timeout(Duration::from_secs(20), ready).await.expect("the child is ready").unwrap().expect("a READY line");

    let client = consumer(&reg);
    let g = greeter_ref(&client, None);
    assert_eq!(hello(&g).await.unwrap(), Value::from("Hello disco"));
    assert_eq!(g.providers(), vec![format!("127.0.0.1:{port}")]);

    child.kill().unwrap();
    child.wait().unwrap();
    let took = until_providers(&g, 0, Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(3), "a killed provider went in {took:?}");
    let err = hello(&g).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NoProvider, "{err}");
    client.close();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Not a test on its own: the provider process of `a_killed_provider_process_disappears_within_seconds`.
#[test]
#[ignore]
fn child_provider() {
    let Ok(reg) = std::env::var(CHILD_ENV) else { return };
    let rt = runtime();
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(reg), ..ServerConfig::default() };
    let server = Server::bind_blocking(rt, config).unwrap();
    server.export(greeter::service("", "")).unwrap();
    println!("READY {}", server.local_addr().port());
    // Serves until killed; a bound on the time in case the parent died first.
    std::thread::sleep(Duration::from_secs(60));
}

/// A provider of `org.example.Who` answering `who()` with its own port.
async fn who_server(reg: &str) -> Server {
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(reg.to_owned()), ..ServerConfig::default() };
    let server = Server::bind(runtime(), config).await.unwrap();
    let port = server.local_addr().port();
    let service = libdubbo_core::facade::Service::builder("org.example.Who")
        .handler(move |_req| async move { Ok(libdubbo_core::facade::Response::from(Value::Int(port as i32))) });
    server.export(service).unwrap();
    server
}

async fn who(r: &Reference, arg: &str) -> Result<i32, libdubbo_core::facade::Error> {
    match r.call("who", vec![Value::from(arg)], CallOptions::default()).await?.value {
        Value::Int(p) => Ok(p),
        other => panic!("{other:?}"),
    }
}

fn who_ref(client: &Client, url: Option<String>, params: &[(&str, &str)]) -> Reference {
    let parameters = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    client.reference(ReferenceConfig { interface: "org.example.Who".into(), url, parameters, timeout: Some(Duration::from_secs(2)), ..Default::default() }).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_balancers_and_strategies_are_chosen_by_java_parameter_names() {
    let (dir, reg) = registry("cluster");
    let servers = [who_server(&reg).await, who_server(&reg).await, who_server(&reg).await];
    let ports: std::collections::HashSet<i32> = servers.iter().map(|s| s.local_addr().port() as i32).collect();
    let client = consumer(&reg);

    // roundrobin with equal weights takes turns: three calls, three providers.
    let rr = who_ref(&client, None, &[("loadbalance", "roundrobin")]);
    until_providers(&rr, 3, Duration::from_secs(3)).await;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..3 {
        seen.insert(who(&rr, "x").await.unwrap());
    }
    assert_eq!(seen, ports);

    // consistenthash: the same argument, the same provider; per method, by Java's names.
    let ch = who_ref(&client, None, &[("who.loadbalance", "consistenthash")]);
    until_providers(&ch, 3, Duration::from_secs(3)).await;
    for key in ["alice", "bob", "carol"] {
        let first = who(&ch, key).await.unwrap();
        for _ in 0..5 {
            assert_eq!(who(&ch, key).await.unwrap(), first, "{key}");
        }
    }
    let spread: std::collections::HashSet<i32> = futures_of(&ch, 60).await;
    assert!(spread.len() >= 2, "keys spread over providers: {spread:?}");

    // An unknown name is the caller's mistake.
    let bad = who_ref(&client, None, &[("loadbalance", "nope")]);
    until_providers(&bad, 3, Duration::from_secs(3)).await;
    assert_eq!(who(&bad, "x").await.unwrap_err().kind, ErrorKind::InvalidArgument);

    // failover (the default) goes past a dead provider; failfast does not.
    let dead = support::free_port();
    let live = servers[0].local_addr();
    let urls = format!("dubbo://127.0.0.1:{dead},dubbo://{live}");
    let failover = who_ref(&client, Some(urls.clone()), &[("loadbalance", "roundrobin")]);
    for _ in 0..6 {
        assert_eq!(who(&failover, "x").await.unwrap(), live.port() as i32);
    }
    // A fresh client (the first one knows the dead address is down and leaves it out).
    let fresh = consumer(&reg);
    let failfast = who_ref(&fresh, Some(urls), &[("loadbalance", "roundrobin"), ("cluster", "failfast")]);
    let err = who(&failfast, "x").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network, "round robin starts with the dead one: {err}");
    // Now backing off, the dead provider is out of selection.
    for _ in 0..3 {
        assert_eq!(who(&failfast, "x").await.unwrap(), live.port() as i32);
    }
    fresh.close();

    client.close();
    drop(servers);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The providers that 60 different keys go to.
async fn futures_of(r: &Reference, n: usize) -> std::collections::HashSet<i32> {
    let mut out = std::collections::HashSet::new();
    for i in 0..n {
        out.insert(who(r, &format!("key-{i}")).await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_the_provider_registers_applies_unless_the_consumer_sets_one() {
    let (dir, reg) = registry("timeout");
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        registry: Some(reg.clone()),
        parameters: vec![("slow.timeout".into(), "200".into())],
        ..ServerConfig::default()
    };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export(greeter::service("", "")).unwrap();
    let client = consumer(&reg);
    let no_retry = vec![("retries".to_owned(), "0".to_owned())];
    let methods: Vec<_> = greeter::METHODS.iter().map(|(n, t)| libdubbo_core::facade::MethodSignature::new(*n, t).unwrap()).collect();
    let plain = client
        .reference(ReferenceConfig { interface: GREETER.into(), parameters: no_retry.clone(), methods: methods.clone(), ..Default::default() })
        .unwrap();
    let started = Instant::now();
    let err = plain.call("slow", vec![Value::Int(1000)], CallOptions::default()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_millis(800), "the provider's 200 ms, not the client's 1000: {:?}", started.elapsed());
    let patient = client
        .reference(ReferenceConfig { interface: GREETER.into(), parameters: no_retry, methods, timeout: Some(Duration::from_secs(3)), ..Default::default() })
        .unwrap();
    assert!(patient.call("slow", vec![Value::Int(300)], CallOptions::default()).await.is_ok(), "the consumer's own timeout wins");
    client.close();
    server.close();
    let _ = std::fs::remove_dir_all(&dir);
}
