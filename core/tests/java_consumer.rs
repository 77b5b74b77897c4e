//! Real Java Dubbo 3 consumers (`tests/interop/java`, modes `consumer` and
//! `generic`) calling our server, which serves `org.example.Greeter` in Rust on
//! the facade (`support/greeter.rs`). The Java side asserts every answer (its
//! type matrix, exceptions with fields, unknown targets, attachments both ways,
//! timeouts, 256 concurrent calls, `$echo`) and exits non-zero on any failure.
//! `tests/run.sh` builds the peer and sets `LIBDUBBO_JAVA_PEER_JAR`; without it
//! these tests skip.

mod support;

use libdubbo_core::facade::{Runtime, Server, ServerConfig};
use support::greeter;

async fn greeter_server(version: &str, group: &str) -> Server {
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), ..ServerConfig::default() };
    let server = Server::bind(Runtime::global().unwrap(), config).await.unwrap();
    server.export(greeter::service(version, group)).unwrap();
    server
}

/// Prints past libtest's capture, so the suite's log shows Java's own counts.
fn report(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Runs a Java mode against `server` on a blocking thread; returns its summary line.
async fn java_run(jar: String, server: &Server, mode: &'static str, args: Vec<String>, summary: &'static str) -> String {
    let url = format!("dubbo://{}", server.local_addr());
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = support::run_java(&jar, &[], mode, &url, &args);
        support::assert_java_passed(&output, summary)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_consumer_calls_our_server() {
    let Some(jar) = support::java_peer_jar() else { return };
    let server = greeter_server("", "").await;
    let summary = java_run(jar, &server, "consumer", vec![], "java-consumer:").await;
    report(&summary);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_consumer_finds_our_service_by_version_and_group() {
    let Some(jar) = support::java_peer_jar() else { return };
    let server = greeter_server("1.0.0", "g1").await;
    let summary = java_run(jar, &server, "consumer", vec!["1.0.0".into(), "g1".into()], "java-consumer:").await;
    report(&format!("{summary} (version 1.0.0, group g1)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_generic_consumer_calls_our_server() {
    let Some(jar) = support::java_peer_jar() else { return };
    let server = greeter_server("", "").await;
    let summary = java_run(jar, &server, "generic", vec![], "java-generic:").await;
    report(&summary);
}
