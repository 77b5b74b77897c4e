//! Faults under load, end to end on loopback: a provider process killed with
//! SIGKILL while calls are in flight (failover hides it; in the embedded
//! registry and in ZooKeeper, where it stays listed until its session
//! expires), a provider stopped
//! gracefully (its consumers drain without errors), and ZooKeeper restarted
//! within the session timeout (nothing lost).

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use libdubbo_core::facade::{CallOptions, Client, ClientConfig, MethodSignature, Reference, ReferenceConfig, Runtime, Server, ServerConfig};
use libdubbo_core::Value;
use support::discovery::{registry, until_providers};
use support::greeter::{self, GREETER};
use support::zk::ZooKeeper;
use zookeeper_client as zk;

/// The environment variable that makes `fault_child_provider` serve (set by the parent test only).
const CHILD_ENV: &str = "LIBDUBBO_TEST_FAULT_CHILD_REGISTRY";
/// Calls in flight when the fault happens.
const IN_FLIGHT: usize = 64;

fn runtime() -> Arc<Runtime> {
    Runtime::global().unwrap()
}


fn methods() -> Vec<MethodSignature> {
    greeter::METHODS.iter().map(|(n, t)| MethodSignature::new(*n, t).unwrap()).collect()
}

fn greeter_ref(client: &Client, params: &[(&str, &str)]) -> Reference {
    let parameters = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let config = ReferenceConfig { interface: GREETER.into(), parameters, methods: methods(), timeout: Some(Duration::from_secs(5)), ..Default::default() };
    client.reference(config).unwrap()
}


/// `n` concurrent `slow(ms)` calls, as tasks.
fn slow_calls(r: &Reference, n: usize, ms: i32) -> Vec<tokio::task::JoinHandle<Result<Value, libdubbo_core::facade::Error>>> {
    (0..n)
        .map(|_| {
            let r = r.clone();
            tokio::spawn(async move { r.call("slow", vec![Value::Int(ms)], CallOptions::default()).await.map(|r| r.value) })
        })
        .collect()
}

/// Awaits every call (each bounded by its timeout and retries) and returns the errors.
async fn failures(calls: Vec<tokio::task::JoinHandle<Result<Value, libdubbo_core::facade::Error>>>) -> Vec<String> {
    let mut errors = Vec::new();
    for call in calls {
        match tokio::time::timeout(Duration::from_secs(30), call).await {
            Ok(Ok(Ok(_))) => {}
            Ok(Ok(Err(e))) => errors.push(format!("{:?}: {e}", e.kind)),
            Ok(Err(join)) => errors.push(format!("task: {join}")),
            Err(_) => errors.push("no answer in 30 s".into()),
        }
    }
    errors
}

/// A provider process serving Greeter in `reg`; killed when dropped.
struct ChildProvider {
    child: Child,
    port: u16,
}

impl ChildProvider {
    async fn start(reg: &str) -> ChildProvider {
        let exe = std::env::current_exe().unwrap();
        let mut child = Command::new(exe)
            .args(["--exact", "fault_child_provider", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, reg)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let ready = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
            let port = lines.by_ref().take(50).find_map(|l| l.split_once("READY ").and_then(|(_, p)| p.trim().parse::<u16>().ok()));
            // Keep draining so the child never blocks on a full pipe.
            std::thread::spawn(move || lines.take(10_000).for_each(drop));
            port
        });
        let port = tokio::time::timeout(Duration::from_secs(20), ready).await.expect("the child is ready").unwrap().expect("a READY line");
        ChildProvider { child, port }
    }

    /// SIGKILL, and reaped.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ChildProvider {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Not a test on its own: the provider process of the kill test.
#[test]
#[ignore]
fn fault_child_provider() {
    let Ok(reg) = std::env::var(CHILD_ENV) else { return };
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(reg), ..ServerConfig::default() };
    let server = Server::bind_blocking(runtime(), config).unwrap();
    server.export(greeter::service("", "")).unwrap();
    println!("READY {}", server.local_addr().port());
    // Serves until killed; a bound on the time in case the parent died first.
    std::thread::sleep(Duration::from_secs(90));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_killed_with_calls_in_flight_fails_no_call_under_failover() {
    let (dir, reg) = registry("kill");
    kill_one_of_three_under_failover(&reg, Duration::from_secs(5), Duration::from_secs(5)).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Three provider processes in `registry`, 64 slow calls in flight under
/// failover, one provider killed: no call fails, neither those in flight nor
/// those made while the registry may still list it, until it is gone.
async fn kill_one_of_three_under_failover(registry: &str, listed_within: Duration, gone_within: Duration) {
    let mut children = Vec::new();
    for _ in 0..3 {
        children.push(ChildProvider::start(registry).await);
    }
    let client = Client::new(runtime(), ClientConfig { registry: Some(registry.to_owned()), ..ClientConfig::default() }).unwrap();
    let g = greeter_ref(&client, &[("cluster", "failover"), ("loadbalance", "roundrobin")]);
    until_providers(&g, 3, listed_within).await;
    // Warm every connection, so the calls below are in flight on all three at once.
    for _ in 0..6 {
        g.call("sayHello", vec![Value::from("warm")], CallOptions::default()).await.unwrap();
    }

    let calls = slow_calls(&g, IN_FLIGHT, 800);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let victim = children[0].port;
    children[0].kill();
    let errors = failures(calls).await;
    assert!(errors.is_empty(), "{} of {IN_FLIGHT} calls failed after killing 127.0.0.1:{victim}: {errors:#?}", errors.len());
    let errors = failures(slow_calls(&g, IN_FLIGHT, 10)).await;
    assert!(errors.is_empty(), "while the dead one may still be listed: {errors:#?}");
    until_providers(&g, 2, gone_within).await;
    assert!(!g.providers().contains(&format!("127.0.0.1:{victim}")));
    client.close();
    drop(children);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gracefully_stopped_provider_drains_its_consumers_without_errors() {
    let (dir, reg) = registry("graceful");
    let mut servers = Vec::new();
    for _ in 0..3 {
        let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(reg.clone()), ..ServerConfig::default() };
        let server = Server::bind(runtime(), config).await.unwrap();
        server.export(greeter::service("", "")).unwrap();
        servers.push(server);
    }
    let client = Client::new(runtime(), ClientConfig { registry: Some(reg.clone()), ..ClientConfig::default() }).unwrap();
    // failfast: no retry may hide a call the stopping provider refused or cut off.
    let g = greeter_ref(&client, &[("cluster", "failfast"), ("loadbalance", "roundrobin")]);
    until_providers(&g, 3, Duration::from_secs(5)).await;
    for _ in 0..6 {
        g.call("sayHello", vec![Value::from("warm")], CallOptions::default()).await.unwrap();
    }

    let in_flight = slow_calls(&g, IN_FLIGHT, 600);
    tokio::time::sleep(Duration::from_millis(150)).await;
    let stopping = servers.remove(0);
    let stopped_addr = stopping.local_addr().to_string();
    let stop = tokio::spawn(async move {
        let started = Instant::now();
        let left = stopping.shutdown().await;
        (left, started.elapsed(), stopping)
    });
    // New calls while it drains: they go to the other two.
    let mut later = Vec::new();
    for _ in 0..10 {
        later.extend(slow_calls(&g, 8, 50));
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    let errors = failures(in_flight).await;
    assert!(errors.is_empty(), "{} of {IN_FLIGHT} in-flight calls failed while {stopped_addr} stopped: {errors:#?}", errors.len());
    let errors = failures(later).await;
    assert!(errors.is_empty(), "calls made while {stopped_addr} stopped: {errors:#?}");
    let (left, took, stopped) = tokio::time::timeout(Duration::from_secs(20), stop).await.expect("shutdown ends").unwrap();
    assert_eq!(left.unwrap(), 0, "no call cut off");
    assert!(took < Duration::from_secs(5), "drained in {took:?}");

    until_providers(&g, 2, Duration::from_secs(5)).await;
    assert!(!g.providers().contains(&stopped_addr));
    let errors = failures(slow_calls(&g, IN_FLIGHT, 10)).await;
    assert!(errors.is_empty(), "after the stop: {errors:#?}");
    client.close();
    drop((stopped, servers));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The ports and owners of the nodes under `/dubbo/org.example.Greeter/{category}`.
async fn zk_nodes(zk: &zk::Client, category: &str) -> Vec<(u16, i64)> {
    let dir = format!("/dubbo/{GREETER}/{category}");
    let Ok(children) = zk.list_children(&dir).await else { return Vec::new() };
    let mut out = Vec::new();
    for child in children {
        let Ok(url) = libdubbo_core::url::Url::decode_parse(&child) else { continue };
        if let Ok((_, stat)) = zk.get_data(&format!("{dir}/{child}")).await {
            out.push((url.port, stat.ephemeral_owner));
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zookeeper_restart_within_the_session_timeout_loses_nothing() {
    let Some(mut server_zk) = ZooKeeper::start() else { return };
    // 30 s sessions: a restart (a few seconds) is well within them.
    let registry = format!("{}?session=30000", server_zk.url());
    let provider = |registry: String| async move {
        let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), registry: Some(registry), ..ServerConfig::default() };
        let server = Server::bind(runtime(), config).await.unwrap();
        server.export_registered(greeter::service("", "")).await.unwrap();
        server
    };
    let first = provider(registry.clone()).await;
    let client = Client::new(runtime(), ClientConfig { registry: Some(registry.clone()), ..ClientConfig::default() }).unwrap();
    let g = greeter_ref(&client, &[]);
    until_providers(&g, 1, Duration::from_secs(15)).await;
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    let before = zk_nodes(&watcher, "providers").await;
    assert_eq!(before.len(), 1);
    let start = Instant::now();
    while zk_nodes(&watcher, "consumers").await.is_empty() {
        assert!(start.elapsed() < Duration::from_secs(5), "the consumer registers itself");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let consumers = zk_nodes(&watcher, "consumers").await;
    drop(watcher);

    // Calls keep going through the outage (the consumer keeps its list).
    let caller = {
        let g = g.clone();
        tokio::spawn(async move {
            let (mut ok, mut errors) = (0, Vec::new());
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(60) {
                match g.call("sayHello", vec![Value::from("zk")], CallOptions::default()).await {
                    Ok(_) => ok += 1,
                    Err(e) => errors.push(format!("{:?}: {e}", e.kind)),
                }
                if STOP.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (ok, errors)
        })
    };
    static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    tokio::time::sleep(Duration::from_millis(300)).await;
    tokio::task::block_in_place(|| server_zk.restart());

    // The same session owns the same node: nothing was registered again.
    let watcher = zk::Client::connect(&server_zk.address()).await.unwrap();
    assert_eq!(zk_nodes(&watcher, "providers").await, before, "the registration survived with its session");
    assert_eq!(zk_nodes(&watcher, "consumers").await, consumers, "the consumer's too");

    // A provider registered after the restart is found: the consumer's watch still works.
    let second = provider(registry.clone()).await;
    let took = until_providers(&g, 2, Duration::from_secs(20)).await;
    println!("the later provider was found {took:?} after it registered");
    assert!(g.providers().contains(&second.local_addr().to_string()));
    // And one that goes is dropped.
    second.close();
    until_providers(&g, 1, Duration::from_secs(20)).await;
    assert_eq!(zk_nodes(&watcher, "providers").await, before);

    STOP.store(true, std::sync::atomic::Ordering::Relaxed);
    let (ok, errors) = tokio::time::timeout(Duration::from_secs(10), caller).await.expect("the caller stops").unwrap();
    assert!(errors.is_empty(), "{} calls failed around the restart ({ok} passed): {errors:#?}", errors.len());
    assert!(ok > 10, "{ok}");
    client.close();
    first.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_registered_in_zookeeper_killed_with_calls_in_flight_fails_no_call() {
    let Some(server_zk) = ZooKeeper::start() else { return };
    // 4 s sessions: the killed provider's node goes when its session expires.
    let registry = format!("{}?session=4000", server_zk.url());
    kill_one_of_three_under_failover(&registry, Duration::from_secs(15), Duration::from_secs(20)).await;
}
