//! What the discovery, fault and ZooKeeper tests share: a fresh embedded
//! registry per test, and waiting (bounded) for a reference's provider list.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use libdubbo_core::facade::Reference;

/// A fresh embedded registry folder for one test, and its `embedded://` URL.
pub fn registry(name: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("libdubbo-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("embedded://{}", dir.display());
    (dir, url)
}

/// Waits until `r` lists `n` providers, failing the test after `within`; returns how long it took.
pub async fn until_providers(r: &Reference, n: usize, within: Duration) -> Duration {
    let start = Instant::now();
    while r.providers().len() != n {
        assert!(start.elapsed() < within, "{} providers after {within:?}, want {n}: {:?}", r.providers().len(), r.providers());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    start.elapsed()
}
