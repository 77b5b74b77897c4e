//! Our client calling a real Java Dubbo 3 provider (`tests/interop/java`) over
//! loopback. `tests/run.sh` builds the peer and sets `LIBDUBBO_JAVA_PEER_JAR`;
//! without it this test skips with a message.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use libdubbo_core::protocol::{Invocation, Outcome};
use libdubbo_core::transport::{ClientOptions, Connection, TransportError};
use libdubbo_core::value::{equivalent, Value};

const GREETER: &str = "org.example.Greeter";
const TIMEOUT: Duration = Duration::from_secs(5);

/// The Java provider process, killed when dropped.
struct JavaProvider {
    child: Child,
    addr: SocketAddr,
}

impl Drop for JavaProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_provider(jar: &str) -> JavaProvider {
    // A free loopback port: bind port 0, note it, let it go.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new("java")
        .args(["-jar", jar, "provider", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("java runs");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("READY") {
                let _ = tx.send(());
            }
        }
    });
    let provider = JavaProvider { child, addr: SocketAddr::from(([127, 0, 0, 1], port)) };
    rx.recv_timeout(Duration::from_secs(90)).expect("the Java provider prints READY within 90 s");
    provider
}

/// A call as a Java 3.3 consumer makes it: version 0.0.0, path/interface/version attachments.
fn call(method: &str, descriptor: &str, args: Vec<Value>) -> Invocation {
    Invocation::new(GREETER, method, descriptor, args).with_consumer_attachments(5000)
}

fn user(name: &str, age: i32) -> Value {
    Value::object("org.example.User", [("name", Value::from(name)), ("age", Value::Int(age))])
}

async fn value_of(conn: &Connection, inv: Invocation) -> Value {
    let method = inv.method.clone();
    match conn.call(&inv, TIMEOUT).await.unwrap_or_else(|e| panic!("{method}: {e}")).outcome {
        Outcome::Value(v) => v,
        Outcome::Null => Value::Null,
        Outcome::Exception(e) => panic!("{method} threw {e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_client_calls_a_java_provider() {
    let Some(jar) = std::env::var_os("LIBDUBBO_JAVA_PEER_JAR") else {
        eprintln!("SKIP: LIBDUBBO_JAVA_PEER_JAR is not set; tests/run.sh builds tests/interop/java and sets it");
        return;
    };
    let provider = start_provider(jar.to_str().unwrap());
    let started = Instant::now();
    let conn = Connection::connect(provider.addr, ClientOptions::default()).await.unwrap();

    let s = |t: &str| Value::from(t);
    assert_eq!(value_of(&conn, call("sayHello", "Ljava/lang/String;", vec![s("rust")])).await.as_str().map(|t| t.contains("rust")), Some(true));
    assert_eq!(value_of(&conn, call("add", "II", vec![Value::Int(2), Value::Int(40)])).await, Value::Int(42));
    assert_eq!(value_of(&conn, call("echoLong", "J", vec![Value::Long(1 << 40)])).await, Value::Long(1 << 40));
    let bob = user("bob", 30);
    assert!(equivalent(&value_of(&conn, call("echoUser", "Lorg/example/User;", vec![bob.clone()])).await, &bob));
    let decimal = Value::big_decimal("12345.678900");
    assert_eq!(value_of(&conn, call("echoDecimal", "Ljava/math/BigDecimal;", vec![decimal])).await.as_big_decimal(), Some("12345.678900"));
    let green = Value::enum_constant("org.example.Color", "GREEN");
    assert_eq!(value_of(&conn, call("echoEnum", "Lorg/example/Color;", vec![green])).await.as_enum(), Some(("org.example.Color", "GREEN")));
    assert_eq!(value_of(&conn, call("returnNull", "", vec![])).await, Value::Null);

    // A checked exception declared by the interface comes back as a result.
    let failed = conn.call(&call("fail", "Ljava/lang/String;", vec![s("boom")]), TIMEOUT).await.unwrap();
    let Outcome::Exception(e) = failed.outcome else { panic!("fail() did not throw: {failed:?}") };
    let thrown = e.as_throwable(Some(0)).unwrap();
    assert_eq!((thrown.class(), thrown.message), ("org.example.GreeterException", Some("boom")));
    assert!(!thrown.stack_trace.is_empty());

    // Java's own answer to an unknown method.
    let err = conn.call(&call("noSuchMethod", "Ljava/lang/String;", vec![s("x")]), TIMEOUT).await.unwrap_err();
    assert!(matches!(&err, TransportError::Remote { message, .. } if message.contains("noSuchMethod")), "{err:?}");

    // 64 calls in flight on the one connection.
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let conn = conn.clone();
            tokio::spawn(async move { (i, value_of(&conn, call("add", "II", vec![Value::Int(i), Value::Int(1)])).await) })
        })
        .collect();
    for t in tasks {
        let (i, v) = t.await.unwrap();
        assert_eq!(v, Value::Int(i + 1));
    }
    eprintln!("java provider: all calls answered in {:?}", started.elapsed());
}
