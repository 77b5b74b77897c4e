//! The strategies with fake providers: which providers a call reaches, in
//! which order, and what comes back.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use super::*;
use crate::cluster::testing::Fake;
use crate::url::Url;

#[derive(Debug, PartialEq)]
enum Failure {
    Network(u16),
    Business(u16),
    NoProvider,
}

impl CallError for Failure {
    fn retryable(&self) -> bool {
        matches!(self, Failure::Network(_))
    }
    fn no_provider(_: String) -> Self {
        Failure::NoProvider
    }
    fn tried(self, _: usize, _: &[String]) -> Self {
        self
    }
}

/// Providers on ports 1..=n; `down` fail with a network error, `biz` with a business one.
struct World {
    directory: Arc<Directory<Fake>>,
    calls: Arc<Mutex<Vec<u16>>>,
    down: Arc<HashSet<u16>>,
    biz: Arc<HashSet<u16>>,
}

impl World {
    fn new(n: u16, down: &[u16], biz: &[u16]) -> World {
        let fakes = (1..=n).map(|p| Fake::new(&format!("127.0.0.1:{p}"))).collect();
        World {
            directory: Arc::new(Directory::new(fakes, true)),
            calls: Arc::default(),
            down: Arc::new(down.iter().copied().collect()),
            biz: Arc::new(biz.iter().copied().collect()),
        }
    }

    async fn run(&self, strategy: Strategy, consumer: &Url) -> Result<u16, Failure> {
        let (calls, down, biz) = (self.calls.clone(), self.down.clone(), self.biz.clone());
        let call = move |p: Arc<Fake>| {
            let (calls, down, biz) = (calls.clone(), down.clone(), biz.clone());
            async move {
                let port = p.url.port;
                calls.lock().unwrap().push(port);
                if down.contains(&port) {
                    Err(Failure::Network(port))
                } else if biz.contains(&port) {
                    Err(Failure::Business(port))
                } else {
                    Ok(port)
                }
            }
        };
        let pick = Pick { service_key: "I", method: "m", args: &[], consumer };
        invoke(strategy, &self.directory, &LoadBalancer::Random, &pick, call).await
    }

    fn calls(&self) -> Vec<u16> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

#[tokio::test]
async fn failover_tries_other_providers_up_to_retries_and_never_after_a_business_error() {
    let url = Url::default();
    let world = World::new(3, &[1, 2], &[]);
    for _ in 0..20 {
        assert_eq!(world.run(Strategy::Failover { retries: 2 }, &url).await, Ok(3));
        let calls = world.calls();
        assert_eq!(calls.iter().collect::<HashSet<_>>().len(), calls.len(), "no provider twice: {calls:?}");
    }
    let all_down = World::new(3, &[1, 2, 3], &[]);
    assert!(matches!(all_down.run(Strategy::Failover { retries: 2 }, &url).await, Err(Failure::Network(_))));
    let mut calls = all_down.calls();
    calls.sort();
    assert_eq!(calls, [1, 2, 3], "retries + 1 tries, each on a new provider");
    assert!(all_down.run(Strategy::Failover { retries: 0 }, &url).await.is_err());
    assert_eq!(all_down.calls().len(), 1);
    // More tries than providers: the tried ones come round again.
    assert!(all_down.run(Strategy::Failover { retries: 5 }, &url).await.is_err());
    assert_eq!(all_down.calls().len(), 6);

    let biz = World::new(3, &[], &[1, 2, 3]);
    assert!(matches!(biz.run(Strategy::Failover { retries: 2 }, &url).await, Err(Failure::Business(_))));
    assert_eq!(biz.calls().len(), 1, "a business exception is not retried");
}

#[tokio::test]
async fn failfast_failsafe_and_failback_try_once() {
    let url = Url::default();
    let world = World::new(1, &[1], &[]);
    assert_eq!(world.run(Strategy::Failfast, &url).await, Err(Failure::Network(1)));
    assert_eq!(world.run(Strategy::Failsafe, &url).await, Ok(0), "an empty result");
    assert_eq!(world.calls(), [1, 1]);
    let biz = World::new(1, &[], &[1]);
    assert_eq!(biz.run(Strategy::Failback { retries: 3 }, &url).await, Err(Failure::Business(1)));
}

#[tokio::test(start_paused = true)]
async fn failback_retries_in_the_background_every_five_seconds() {
    let url = Url::default();
    let world = World::new(1, &[1], &[]);
    assert_eq!(world.run(Strategy::Failback { retries: 3 }, &url).await, Ok(0));
    assert_eq!(world.calls(), [1]);
    tokio::time::sleep(FAILBACK_PERIOD * 4 + Duration::from_millis(10)).await;
    assert_eq!(world.calls(), [1, 1, 1], "three background tries, then it stops");
}

#[tokio::test]
async fn forking_wins_with_the_first_success_and_broadcast_reaches_everyone() {
    let url = Url::default();
    let world = World::new(4, &[1, 2, 3], &[]);
    assert_eq!(world.run(Strategy::Forking { forks: 0 }, &url).await, Ok(4));
    assert_eq!(world.calls().len(), 4);
    let mut calls_of_two = HashSet::new();
    for _ in 0..20 {
        let _ = world.run(Strategy::Forking { forks: 2 }, &url).await;
        let calls = world.calls();
        assert_eq!(calls.iter().collect::<HashSet<_>>().len(), 2, "two distinct providers: {calls:?}");
        calls_of_two.extend(calls);
    }
    assert!(calls_of_two.len() > 2);
    let dead = World::new(2, &[1, 2], &[]);
    assert!(matches!(dead.run(Strategy::Forking { forks: 2 }, &url).await, Err(Failure::Network(_))));

    let some_down = World::new(4, &[2], &[]);
    assert_eq!(some_down.run(Strategy::Broadcast { fail_percent: 100 }, &url).await, Err(Failure::Network(2)));
    assert_eq!(some_down.calls(), [1, 2, 3, 4], "in order, all of them");
    let all_down = World::new(4, &[1, 2, 3, 4], &[]);
    assert!(all_down.run(Strategy::Broadcast { fail_percent: 50 }, &url).await.is_err());
    assert_eq!(all_down.calls(), [1, 2], "stops once half failed");
    let fine = World::new(3, &[], &[]);
    assert_eq!(fine.run(Strategy::Broadcast { fail_percent: 100 }, &url).await, Ok(3));
}

#[tokio::test]
async fn available_takes_the_first_available_and_empty_directories_have_no_provider() {
    let url = Url::default();
    let world = World::new(3, &[], &[]);
    world.directory.all()[0].set_available(false);
    assert_eq!(world.run(Strategy::Available, &url).await, Ok(2));
    let empty = World { directory: Arc::new(Directory::new(vec![], true)), ..World::new(0, &[], &[]) };
    for s in [Strategy::Failover { retries: 2 }, Strategy::Failfast, Strategy::Forking { forks: 2 }, Strategy::Broadcast { fail_percent: 100 }] {
        assert_eq!(empty.run(s, &url).await, Err(Failure::NoProvider), "{s:?}");
    }
}

#[test]
fn strategies_are_configured_with_java_s_names_and_defaults() {
    let fakes = vec![Fake::with_url("dubbo://127.0.0.1:1/I?cluster=failfast&retries=7")];
    let with = |params: &[(&str, &str)]| {
        let mut url = Url::default();
        for (k, v) in params {
            url = url.with(k, *v);
        }
        url
    };
    let conf = |consumer: &Url, invokers: &[Arc<Fake>]| Strategy::configured(invokers, &Pick { service_key: "I", method: "m", args: &[], consumer });
    assert_eq!(conf(&Url::default(), &[]), Ok(Strategy::Failover { retries: 2 }));
    assert_eq!(conf(&Url::default(), &fakes), Ok(Strategy::Failfast), "the provider's cluster when the consumer has none");
    assert_eq!(conf(&with(&[("cluster", "failover")]), &fakes), Ok(Strategy::Failover { retries: 7 }));
    assert_eq!(conf(&with(&[("retries", "1"), ("m.retries", "4")]), &[]), Ok(Strategy::Failover { retries: 4 }));
    assert_eq!(conf(&with(&[("cluster", "failback")]), &[]), Ok(Strategy::Failback { retries: 3 }));
    assert_eq!(conf(&with(&[("cluster", "forking"), ("forks", "3")]), &[]), Ok(Strategy::Forking { forks: 3 }));
    assert_eq!(conf(&with(&[("cluster", "broadcast")]), &[]), Ok(Strategy::Broadcast { fail_percent: 100 }));
    assert!(conf(&with(&[("cluster", "mergeable")]), &[]).is_err());
}
