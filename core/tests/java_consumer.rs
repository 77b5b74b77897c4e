//! A real Java Dubbo 3 consumer (`tests/interop/java`, `consumer` mode) calling
//! our server, which implements `org.example.Greeter` in Rust. The Java side
//! asserts every answer (its own type matrix) and exits non-zero on any failure.
//! `tests/run.sh` builds the peer and sets `LIBDUBBO_JAVA_PEER_JAR`; without it
//! this test skips with a message.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use libdubbo_core::protocol::{Invocation, Outcome, RpcResult};
use libdubbo_core::transport::{Exports, Handler, Server, ServerOptions};
use libdubbo_core::Value;

/// `org.example.Greeter`, as `GreeterImpl.java` implements it.
async fn greeter(inv: Invocation) -> Outcome {
    let arg = |i: usize| inv.args.get(i).cloned().unwrap_or(Value::Null);
    let int = |i: usize| arg(i).as_i64().unwrap_or(0) as i32;
    let text = |v: Value| match v {
        Value::String(s) => s,
        other => format!("{other:?}"),
    };
    match (inv.method.as_str(), inv.descriptor.as_str()) {
        ("sayHello", _) => Outcome::Value(Value::String(format!("Hello {}", text(arg(0))))),
        ("add", _) => Outcome::Value(Value::Int(int(0).wrapping_add(int(1)))),
        ("addBoxed", _) if arg(0).is_null() || arg(1).is_null() => Outcome::Null,
        ("addBoxed", _) => Outcome::Value(Value::Int(int(0).wrapping_add(int(1)))),
        ("wrap", _) => Outcome::Value(Value::object(
            "org.example.Response",
            [("code", Value::Int(200)), ("message", Value::from("ok")), ("data", arg(0))],
        )),
        ("overloaded", "I") => Outcome::Value(Value::String(format!("int:{}", int(0)))),
        ("overloaded", _) => Outcome::Value(Value::String(format!("string:{}", text(arg(0))))),
        ("doNothing" | "returnNull", _) => Outcome::Null,
        ("fail", _) => {
            let mut e = Value::throwable("org.example.GreeterException", arg(0).as_str(), None);
            if let Value::Object(o) = &mut e {
                o.set("code", Value::Int(42));
            }
            Outcome::Exception(e)
        }
        ("failRuntime", _) => Outcome::Exception(Value::throwable("java.lang.IllegalStateException", arg(0).as_str(), None)),
        ("slow", _) => {
            tokio::time::sleep(Duration::from_millis(int(0).clamp(0, 10_000) as u64)).await;
            Outcome::Value(Value::from("slept"))
        }
        ("attachment", _) => {
            let key = text(arg(0));
            match inv.attachments.iter().find(|(k, _)| *k == key) {
                Some((_, v)) => Outcome::Value(v.clone()),
                None => Outcome::Null,
            }
        }
        // echoLong, echoUser, echoNode (cycles and all), ... and Dubbo's `$echo` probe.
        (m, _) if m.starts_with("echo") || m == "$echo" => match arg(0) {
            Value::Null => Outcome::Null,
            v => Outcome::Value(v),
        },
        (m, d) => Outcome::Exception(Value::throwable(
            "java.lang.UnsupportedOperationException",
            Some(&format!("no method {m}({d})")),
            None,
        )),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_consumer_calls_our_server() {
    let Some(jar) = std::env::var_os("LIBDUBBO_JAVA_PEER_JAR") else {
        eprintln!("SKIP: LIBDUBBO_JAVA_PEER_JAR is not set; tests/run.sh builds tests/interop/java and sets it");
        return;
    };
    let handler: Handler = Arc::new(|inv| {
        Box::pin(async move { Ok(RpcResult { outcome: greeter(inv).await, attachments: None }) })
    });
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), Arc::new(Exports::any(handler)), ServerOptions::default()).await.unwrap();
    let url = format!("dubbo://{}", server.local_addr());

    let output = tokio::task::spawn_blocking(move || {
        let mut child = Command::new("java")
            .args(["-jar", jar.to_str().unwrap(), "consumer", &url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("java runs");
        // Bounded: the consumer's calls each have a 3 s timeout; give the JVM 120 s in all.
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        output.status.success() && failures.is_empty(),
        "the Java consumer failed ({:?}):\n{}\n{stdout}\nstderr:\n{}",
        output.status,
        failures.join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = stdout.lines().find(|l| l.starts_with("java-consumer:")).expect("a summary line");
    eprintln!("{summary}");
}
