//! The server's service lookup and its answers, as a Java provider gives them
//! (facts §1.9, §1.10, §8), through the Rust client on loopback: unknown
//! service, version, group and method; `$echo`; generic calls; a full handler
//! pool; a panicking handler; graceful shutdown. Every wait is bounded.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use libdubbo_core::protocol::{Invocation, Outcome, RpcResult, Status};
use libdubbo_core::transport::{ClientOptions, Connection, Exported, Exports, Handler, Server, ServerOptions, ServiceKey, TransportError};
use libdubbo_core::Value;

const GREETER: &str = "org.example.Greeter";
const LONG: Duration = Duration::from_secs(5);

/// sayHello(String), add(int,int), slow(int) sleeping that many ms, boom() panicking.
fn greeter(running: Arc<AtomicUsize>) -> Handler {
    Arc::new(move |inv: Invocation| {
        let running = running.clone();
        Box::pin(async move {
            let outcome = match inv.method.as_str() {
                "sayHello" => Outcome::Value(Value::String(format!("Hello {}", inv.args[0].as_str().unwrap_or("?")))),
                "add" => Outcome::Value(Value::Int((inv.args[0].as_i64().unwrap() + inv.args[1].as_i64().unwrap()) as i32)),
                "slow" => {
                    running.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(inv.args[0].as_i64().unwrap() as u64)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    Outcome::Value(Value::from("slept"))
                }
                "echoUser" => Outcome::Value(inv.args[0].clone()),
                "boom" => panic!("handler bug"),
                other => unreachable!("the server let {other} through"),
            };
            Ok(RpcResult { outcome, attachments: None })
        })
    })
}

fn methods() -> Option<Vec<(String, String)>> {
    let m = |n: &str, d: &str| (n.to_owned(), d.to_owned());
    Some(vec![
        m("sayHello", "Ljava/lang/String;"),
        m("add", "II"),
        m("slow", "I"),
        m("boom", ""),
        m("echoUser", "Lorg/example/User;"),
    ])
}

async fn server(version: &str, group: &str, options: ServerOptions, running: Arc<AtomicUsize>) -> Server {
    let exports = Arc::new(Exports::new());
    exports.export(Exported { key: ServiceKey::new(GREETER, version, group), methods: methods(), handler: greeter(running) });
    Server::bind("127.0.0.1:0".parse().unwrap(), exports, options).await.unwrap()
}

fn call(method: &str, descriptor: &str, args: Vec<Value>) -> Invocation {
    Invocation::new(GREETER, method, descriptor, args).with_consumer_attachments(5000)
}

async fn remote_error(conn: &Connection, inv: Invocation) -> (Status, String) {
    match conn.call(&inv, LONG).await {
        Err(TransportError::Remote { status, message }) => (status, message),
        other => panic!("{}: expected an error status, got {other:?}", inv.method),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_targets_get_java_s_statuses_and_texts() {
    let server = server("1.0.0", "g1", ServerOptions::default(), Arc::default()).await;
    let conn = Connection::connect(server.local_addr(), ClientOptions::default()).await.unwrap();
    let mut ok = call("sayHello", "Ljava/lang/String;", vec![Value::from("x")]);
    ok.version = "1.0.0".into();
    ok.attachments.push(("group".into(), Value::from("g1")));
    assert_eq!(conn.call(&ok, LONG).await.unwrap().outcome, Outcome::Value(Value::from("Hello x")));

    // No such interface:version: 40, checked first.
    let (status, text) = remote_error(&conn, call("sayHello", "Ljava/lang/String;", vec![Value::from("x")])).await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(text, "Fail to decode request due to: RpcInvocation [methodName=sayHello, parameterTypes=null]\n\
        java.io.IOException: Service org.example.Greeter:0.0.0 not found, invocation rejected.");
    let mut missing = ok.clone();
    missing.path = "org.example.Missing".into();
    assert!(remote_error(&conn, missing).await.1.contains("Service org.example.Missing:1.0.0 not found"));

    // Right version, wrong group: 70 with Java's "Not found exported service".
    let mut wrong_group = ok.clone();
    wrong_group.attachments.retain(|(k, _)| k != "group");
    wrong_group.attachments.push(("group".into(), Value::from("g2")));
    let (status, text) = remote_error(&conn, wrong_group).await;
    assert_eq!(status, Status::ServiceError);
    assert!(text.starts_with("org.apache.dubbo.remoting.RemotingException: Not found exported service: g2/org.example.Greeter:1.0.0:"), "{text}");
    assert!(text.contains("[g1/org.example.Greeter:1.0.0:") && text.contains("may be version or group mismatch"), "{text}");
    assert!(text.ends_with("message:RpcInvocation [methodName=sayHello, parameterTypes=[class java.lang.String]]"), "{text}");

    // Unknown method, and a known method with another descriptor: 40.
    let mut no_method = ok.clone();
    no_method.method = "noSuchMethod".into();
    let (status, text) = remote_error(&conn, no_method).await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(text, "Fail to decode request due to: RpcInvocation [methodName=noSuchMethod, parameterTypes=null]\n\
        java.lang.IllegalArgumentException: Service not found:org.example.Greeter, noSuchMethod");
    let mut overload = ok.clone();
    overload.descriptor = "I".into();
    overload.args = vec![Value::Int(1)];
    assert_eq!(remote_error(&conn, overload).await.0, Status::BadRequest);

    // $echo answers for any exported service.
    let mut echo = ok.clone();
    echo.method = "$echo".into();
    echo.descriptor = "Ljava/lang/Object;".into();
    echo.args = vec![Value::from("ping")];
    assert_eq!(conn.call(&echo, LONG).await.unwrap().outcome, Outcome::Value(Value::from("ping")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_calls_reach_the_same_handlers_and_come_back_generalized() {
    let server = server("", "", ServerOptions::default(), Arc::default()).await;
    let conn = Connection::connect(server.local_addr(), ClientOptions::default()).await.unwrap();
    let result = conn.call(&Invocation::generic(GREETER, "add", &["int", "int"], vec![Value::Int(2), Value::Int(3)]), LONG).await.unwrap();
    assert_eq!(result.outcome, Outcome::Value(Value::Int(5)));
    let user = Value::map(vec![(Value::from("class"), Value::from("org.example.User")), (Value::from("name"), Value::from("bo"))]);
    let result = conn.call(&Invocation::generic(GREETER, "echoUser", &["org.example.User"], vec![user.clone()]), LONG).await.unwrap();
    assert_eq!(result.outcome, Outcome::Value(user), "the handler saw an object; the generic caller gets the map back");
    // A method the service does not have: SERVICE_ERROR with Java's GenericFilter text.
    let (status, text) = remote_error(&conn, Invocation::generic(GREETER, "nope", &[], vec![])).await;
    assert_eq!((status, text.as_str()), (Status::ServiceError, "org.apache.dubbo.rpc.RpcException: No such method nope in class interface org.example.Greeter"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_beyond_the_pool_get_100_and_a_panic_gets_80() {
    let running = Arc::new(AtomicUsize::new(0));
    let options = ServerOptions { max_concurrent_calls: 2, ..ServerOptions::default() };
    let server = server("", "", options, running.clone()).await;
    let conn = Connection::connect(server.local_addr(), ClientOptions::default()).await.unwrap();
    let slow: Vec<_> = (0..2)
        .map(|_| {
            let conn = conn.clone();
            tokio::spawn(async move { conn.call(&call("slow", "I", vec![Value::Int(500)]), LONG).await })
        })
        .collect();
    for _ in 0..400 {
        if running.load(Ordering::SeqCst) == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (status, text) = remote_error(&conn, call("add", "II", vec![Value::Int(1), Value::Int(2)])).await;
    assert_eq!(status, Status::ServerThreadpoolExhausted);
    assert!(text.contains("thread pool is exhausted"), "{text}");
    for t in slow {
        assert_eq!(t.await.unwrap().unwrap().outcome, Outcome::Value(Value::from("slept")));
    }
    // The pool has room again; a panicking handler is answered, and the server goes on.
    let (status, text) = remote_error(&conn, call("boom", "", vec![])).await;
    assert_eq!(status, Status::ServerError);
    assert!(text.contains("handler bug"), "{text}");
    assert_eq!(conn.call(&call("add", "II", vec![Value::Int(1), Value::Int(2)]), LONG).await.unwrap().outcome, Outcome::Value(Value::Int(3)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_sends_readonly_drains_running_calls_then_closes() {
    let running = Arc::new(AtomicUsize::new(0));
    let server = server("", "", ServerOptions::default(), running.clone()).await;
    let addr = server.local_addr();
    let conn = Connection::connect(addr, ClientOptions::default()).await.unwrap();
    let in_flight = {
        let conn = conn.clone();
        tokio::spawn(async move { conn.call(&call("slow", "I", vec![Value::Int(300)]), LONG).await })
    };
    for _ in 0..400 {
        if running.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopping = tokio::spawn(async move { server.shutdown(LONG).await });
    // The readonly notice arrives while the slow call still runs.
    for _ in 0..200 {
        if !conn.is_available() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(!conn.is_available() && conn.is_open(), "readonly, not yet closed");
    assert_eq!(in_flight.await.unwrap().unwrap().outcome, Outcome::Value(Value::from("slept")), "the running call finished");
    assert_eq!(stopping.await.unwrap(), 0, "nothing was cut off");
    for _ in 0..200 {
        if !conn.is_open() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(!conn.is_open(), "closed after the drain");
    assert!(Connection::connect(addr, ClientOptions::default()).await.is_err(), "no longer accepting");
}
