//! Consistent hashing picks the provider Java picks: Java's own
//! `ConsistentHashLoadBalance` (the peer's `hash` mode) and ours choose among
//! the same providers for the same arguments, with several `hash.arguments`.

mod support;

use std::process::Command;
use std::sync::Arc;

use libdubbo_core::cluster::{Invoker, LoadBalancer, Pick, ProviderInfo, Stats};
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

/// Java's picks, by key index, for `n` providers.
fn java_picks(jar: &str, n: usize, hash_arguments: &str, keys: &[String]) -> Vec<String> {
    let out = Command::new("java").args(["-jar", jar, "hash", &n.to_string(), hash_arguments]).args(keys).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let picks: Vec<String> = text.lines().filter_map(|l| l.strip_prefix("HASH ")).map(|l| l.split(' ').nth(1).unwrap_or_default().to_owned()).collect();
    assert_eq!(picks.len(), keys.len(), "{text}");
    picks
}

#[test]
fn consistent_hash_picks_the_same_provider_as_java() {
    let Some(jar) = support::java_peer_jar() else { return };
    let mut keys: Vec<String> = (0..150).map(|i| format!("user-{i}")).collect();
    keys.extend(["", "é ü 中文", "int:0", "int:-7", "int:123456789"].map(String::from));
    let args = |i: usize, key: &str| -> Vec<Value> {
        let first = match key.strip_prefix("int:") {
            Some(n) => Value::Int(n.parse().unwrap()),
            None => Value::from(key),
        };
        vec![first, Value::Int(i as i32)]
    };
    let mut compared = 0;
    for (n, hash_arguments) in [(5, "0"), (3, "0,1"), (7, "1")] {
        let providers: Vec<Arc<Provider>> = (1..=n)
            .map(|i| {
                let url = format!("dubbo://127.0.0.1:{}/org.example.Greeter?interface=org.example.Greeter&hash.arguments={hash_arguments}", 20880 + i);
                Provider::new(Url::parse(&url).unwrap())
            })
            .collect();
        let java = java_picks(&jar, n, hash_arguments, &keys);
        let balancer = LoadBalancer::named("consistenthash").unwrap();
        let consumer = Url::default();
        for (i, key) in keys.iter().enumerate() {
            let call_args = args(i, key);
            let pick = Pick { service_key: "org.example.Greeter", method: "sayHello", args: &call_args, consumer: &consumer };
            let ours = providers[balancer.select(&providers, &pick).unwrap()].url.address();
            assert_eq!(ours, java[i], "{n} providers, hash.arguments={hash_arguments}, key {key:?}");
            compared += 1;
        }
    }
    println!("consistenthash: {compared} picks equal to Java's");
}
