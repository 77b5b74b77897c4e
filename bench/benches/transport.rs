//! dubbo2 round trips per second over loopback: our client against our server,
//! and against a Java Dubbo provider when `LIBDUBBO_JAVA_PEER_JAR` names the
//! peer jar (tests/interop/java). One connection; 1 and 64 calls in flight;
//! each run is bounded to a few seconds. `cargo bench -p libdubbo-bench --bench transport`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use libdubbo_core::protocol::{Invocation, Outcome, RpcResult};
use libdubbo_core::transport::{ClientOptions, Connection, Handler, Server, ServerOptions};
use libdubbo_core::Value;

const RUN: Duration = Duration::from_secs(3);

/// Calls/s of `sayHello("bench")` with `in_flight` concurrent callers for `RUN`.
async fn measure(conn: &Connection, in_flight: usize) -> f64 {
    let call = Arc::new(
        Invocation::new("org.example.Greeter", "sayHello", "Ljava/lang/String;", vec![Value::from("bench")])
            .with_consumer_attachments(3000),
    );
    // Warm up, then measure.
    for _ in 0..1000 {
        conn.call(&call, Duration::from_secs(3)).await.expect("warm-up call");
    }
    let started = Instant::now();
    let workers: Vec<_> = (0..in_flight)
        .map(|_| {
            let (conn, call) = (conn.clone(), call.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while started.elapsed() < RUN {
                    conn.call(&call, Duration::from_secs(3)).await.expect("call");
                    n += 1;
                }
                n
            })
        })
        .collect();
    let mut total = 0;
    for w in workers {
        total += w.await.unwrap();
    }
    total as f64 / started.elapsed().as_secs_f64()
}

async fn report(name: &str, addr: SocketAddr) {
    let conn = Connection::connect(addr, ClientOptions::default()).await.unwrap();
    for in_flight in [1, 64] {
        println!("| {name} | {in_flight} | {:.0} |", measure(&conn, in_flight).await);
    }
}

#[tokio::main]
async fn main() {
    println!("| server | in flight | calls/s |\n|---|---:|---:|");
    let handler: Handler = Arc::new(|inv: Invocation| {
        Box::pin(async move {
            let name = inv.args.first().and_then(Value::as_str).unwrap_or("").to_owned();
            RpcResult { outcome: Outcome::Value(Value::String(format!("Hello {name}"))), attachments: None }
        })
    });
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), handler, ServerOptions::default()).await.unwrap();
    report("libdubbo server (Rust)", server.local_addr()).await;

    let Some(jar) = std::env::var_os("LIBDUBBO_JAVA_PEER_JAR") else {
        return eprintln!("(set LIBDUBBO_JAVA_PEER_JAR to also measure a Java Dubbo provider)");
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut java = Command::new("java")
        .args(["-jar", jar.to_str().unwrap(), "provider", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("java runs");
    let ready = BufReader::new(java.stdout.take().unwrap()).lines().map_while(Result::ok).any(|l| l.starts_with("READY"));
    if ready {
        report("Java Dubbo 3.3.6 provider", SocketAddr::from(([127, 0, 0, 1], port))).await;
    }
    let _ = java.kill();
    let _ = java.wait();
}
