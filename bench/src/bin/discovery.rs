//! Discovery and cluster costs (`cargo run --release -p libdubbo-bench --bin discovery`):
//! - selection cost per call of each load balancer at 10, 100 and 1000 providers;
//! - the embedded registry with 1000 providers: registering them, a consumer's
//!   full read of the folder, and the time until a reference lists all of them;
//! - the resident memory a client adds when it watches 1000 providers.
//!
//! Prints one line per figure. Uses its own registry folder under the temp dir.

use std::sync::Arc;
use std::time::{Duration, Instant};

use libdubbo_core::cluster::{Invoker, LoadBalancer, Pick, ProviderInfo, Stats};
use libdubbo_core::facade::{Client, ClientConfig, ReferenceConfig, Runtime};
use libdubbo_core::registry::{EmbeddedRegistry, Query, Registry};
use libdubbo_core::url::Url;
use libdubbo_core::Value;

struct Provider {
    url: Url,
    stats: Stats,
    info: ProviderInfo,
}

impl Provider {
    fn new(url: Url) -> Arc<Provider> {
        Arc::new(Provider { info: ProviderInfo::of(&url), url, stats: Stats::default() })
    }
}

impl Invoker for Provider {
    fn url(&self) -> &Url {
        &self.url
    }
    fn is_available(&self) -> bool {
        true
    }
    fn stats(&self) -> &Stats {
        &self.stats
    }
    fn info(&self) -> &ProviderInfo {
        &self.info
    }
}

const INTERFACE: &str = "org.example.Bench";

fn provider_url(i: usize, weighted: bool) -> Url {
    let (a, b) = (i / 250, i % 250);
    let mut url = Url::new("dubbo", &format!("10.0.{a}.{}", b + 1), 20880, INTERFACE)
        .with("interface", INTERFACE)
        .with("side", "provider")
        .with("methods", "sayHello");
    if weighted {
        url = url.with("weight", (100 + (i % 3) * 50).to_string());
    }
    url
}

/// ns per select of `name` over `n` providers (weighted ones for the weight-aware balancers).
fn selection_ns(name: &str, n: usize) -> f64 {
    let weighted = matches!(name, "random" | "roundrobin");
    let providers: Vec<Arc<Provider>> = (0..n).map(|i| Provider::new(provider_url(i, weighted))).collect();
    let balancer = LoadBalancer::named(name).expect("a Java name");
    let consumer = Url::default();
    let keys: Vec<Vec<Value>> = (0..64).map(|i| vec![Value::from(format!("user-{i}"))]).collect();
    let run = |iterations: usize| {
        let mut sink = 0usize;
        let start = Instant::now();
        for i in 0..iterations {
            let pick = Pick { service_key: INTERFACE, method: "sayHello", args: &keys[i % keys.len()], consumer: &consumer };
            sink = sink.wrapping_add(balancer.select(&providers, &pick).unwrap_or(0));
        }
        std::hint::black_box(sink);
        start.elapsed()
    };
    run(200); // warm-up (builds consistenthash's ring)
    // Enough iterations for ~200 ms.
    let mut iterations = 1000;
    loop {
        let took = run(iterations);
        if took > Duration::from_millis(200) || iterations >= 50_000_000 {
            return took.as_nanos() as f64 / iterations as f64;
        }
        iterations *= 4;
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    println!("== load balancer selection (ns per call)");
    println!("{:<18}{:>10}{:>10}{:>10}", "loadbalance", "10", "100", "1000");
    for name in LoadBalancer::NAMES {
        let figures: Vec<String> = [10, 100, 1000].iter().map(|&n| format!("{:.0}", selection_ns(name, n))).collect();
        println!("{name:<18}{:>10}{:>10}{:>10}", figures[0], figures[1], figures[2]);
    }

    let dir = std::env::temp_dir().join(format!("libdubbo-bench-discovery-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let runtime = Runtime::global().expect("a runtime");
    let handle = runtime.handle().clone();
    let registry = EmbeddedRegistry::open(dir.clone(), handle.clone()).expect("a registry folder");
    let n = 1000;

    println!("== embedded registry, {n} providers");
    let rss_before = rss_kib();
    let client = Client::new(runtime.clone(), ClientConfig { registry: Some(format!("embedded://{}", dir.display())), ..ClientConfig::default() }).expect("a client");
    let reference = client.reference(ReferenceConfig { interface: INTERFACE.into(), ..Default::default() }).expect("a reference");
    let start = Instant::now();
    for i in 0..n {
        let register = registry.register(&provider_url(i, false));
        runtime.block_on(register).expect("runs").expect("registered");
    }
    let registered = start.elapsed();
    println!("register {n} URLs (one file each): {:.1} ms", registered.as_secs_f64() * 1e3);
    let deadline = Instant::now() + Duration::from_secs(30);
    while reference.providers().len() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let applied = start.elapsed();
    println!(
        "a watching reference lists all {n}: {:.0} ms after the first registration ({} listed; the folder is polled every 500 ms)",
        applied.as_secs_f64() * 1e3,
        reference.providers().len()
    );
    let query = Query::new(INTERFACE, "", "");
    let start = Instant::now();
    let rounds = 20;
    for _ in 0..rounds {
        let sub = runtime.block_on(registry.subscribe(&query)).expect("runs").expect("subscribed");
        assert_eq!(sub.current().len(), n);
    }
    println!("a full read of the {n}-file folder (a new subscription): {:.2} ms", start.elapsed().as_secs_f64() * 1e3 / rounds as f64);
    // Let the pollers settle, then measure what the watching client holds.
    std::thread::sleep(Duration::from_millis(1200));
    let rss_after = rss_kib();
    println!("RSS of a client watching {n} providers: +{} KiB (from {rss_before} KiB to {rss_after} KiB; no connections made)", rss_after.saturating_sub(rss_before));

    // A change of all 1000 at once: unregister everything, time until the list is empty.
    let start = Instant::now();
    for i in 0..n {
        runtime.block_on(registry.unregister(&provider_url(i, false))).expect("runs").expect("unregistered");
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while !reference.providers().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    println!("all {n} withdrawn and seen gone: {:.0} ms", start.elapsed().as_secs_f64() * 1e3);
    drop(reference);
    client.close();
    registry.close();
    let _ = std::fs::remove_dir_all(&dir);
}
