//! Our client calling a real Java Dubbo 3 provider (`tests/interop/java`) over
//! loopback, through the facade: the type matrix, overloads, void and null,
//! checked and unchecked exceptions, unknown targets, timeouts, attachments both
//! ways, generic invoke, oneway, hundreds of calls on the shared connection; and
//! a provider that prefers fastjson2 (Dubbo 3.2's default) sending its error
//! strings and its readonly notice in it. `tests/run.sh` builds the peer and sets
//! `LIBDUBBO_JAVA_PEER_JAR` (3.3 and 3.2 runs); without it these tests skip.

mod support;

use std::time::{Duration, Instant};

use libdubbo_core::facade::{CallOptions, Client, ClientConfig, Error, ErrorKind, MethodSignature, Reference, ReferenceConfig, Runtime};
use libdubbo_core::protocol::{Invocation, Status};
use libdubbo_core::transport::{ClientOptions, Connection, TransportError};
use libdubbo_core::value::{equivalent, JavaType, Value};
use support::greeter::{GREETER, METHODS};
use support::JavaProvider;

fn reference(url: &str, version: Option<&str>, group: Option<&str>) -> Reference {
    let client = Client::new(Runtime::global().unwrap(), ClientConfig::default()).unwrap();
    let mut config = ReferenceConfig::direct(GREETER, url);
    config.version = version.map(str::to_owned);
    config.group = group.map(str::to_owned);
    config.timeout = Some(Duration::from_secs(5));
    config.methods = METHODS.iter().map(|(n, t)| MethodSignature::new(*n, t).unwrap()).collect();
    client.reference(config).unwrap()
}

fn user(name: &str, age: i32) -> Value {
    Value::object("org.example.User", [("name", Value::from(name)), ("age", Value::Int(age))])
}

async fn value(g: &Reference, method: &str, args: Vec<Value>) -> Value {
    g.call(method, args, CallOptions::default()).await.unwrap_or_else(|e| panic!("{method}: {e}")).value
}

async fn error(g: &Reference, method: &str, args: Vec<Value>) -> Error {
    match g.call(method, args, CallOptions::default()).await {
        Err(e) => e,
        Ok(reply) => panic!("{method} answered {:?}", reply.value),
    }
}

/// hessian-lite 3.2 names the `ArrayList`s it writes, 4.x does not: the same Java value.
fn untyped_array_lists(v: Value) -> Value {
    match v {
        Value::List(mut l) => {
            if l.type_name.as_deref() == Some("java.util.ArrayList") {
                l.type_name = None;
            }
            l.items = l.items.into_iter().map(untyped_array_lists).collect();
            Value::List(l)
        }
        Value::Map(mut m) => {
            m.entries = m.entries.into_iter().map(|(k, v)| (untyped_array_lists(k), untyped_array_lists(v))).collect();
            Value::Map(m)
        }
        other => other,
    }
}

/// Calls `method(v)` and checks Java sent back something equivalent.
async fn echoes(g: &Reference, method: &str, v: Value) {
    let back = untyped_array_lists(value(g, method, vec![v.clone()]).await);
    assert!(equivalent(&back, &v), "{method}: sent {v:?}\n got {back:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_client_calls_a_java_provider() {
    let Some(jar) = support::java_peer_jar() else { return };
    let provider = JavaProvider::start(&jar, &[], &[]);
    let started = Instant::now();
    let g = reference(&provider.url(), None, None);
    let s = Value::from;

    // The type matrix.
    assert_eq!(value(&g, "sayHello", vec![s("rust")]).await, s("Hello rust"));
    assert_eq!(value(&g, "sayHello", vec![s("héllo ✓ 你好 \u{1F600}")]).await, s("Hello héllo ✓ 你好 \u{1F600}"));
    let big = format!("{}\u{1F600}{}", "x".repeat(70_000), "y".repeat(100));
    assert_eq!(value(&g, "sayHello", vec![s(&big)]).await, Value::String(format!("Hello {big}")));
    assert_eq!(value(&g, "add", vec![Value::Int(2), Value::Int(40)]).await, Value::Int(42));
    assert_eq!(value(&g, "addBoxed", vec![Value::Null, Value::Int(1)]).await, Value::Null);
    for v in [Value::Long(i64::MAX), Value::Long(-7)] {
        echoes(&g, "echoLong", v).await;
    }
    echoes(&g, "echoDouble", Value::Double(12.345)).await;
    echoes(&g, "echoFloat", Value::float(0.1)).await;
    echoes(&g, "echoBool", Value::Bool(false)).await;
    echoes(&g, "echoBytes", Value::Bytes((0..=255).collect())).await;
    echoes(&g, "echoBytes", Value::Bytes((0..20_000u32).map(|i| (i * 31) as u8).collect())).await;
    echoes(&g, "echoInts", Value::int_array(&[1, -2, 300_000, i32::MIN, i32::MAX])).await;
    echoes(&g, "echoStrings", Value::string_array(&[Some("a"), Some(""), Some("ünï"), None])).await;
    echoes(&g, "echoList", Value::list([s("a"), s("b")])).await;
    let map = Value::map(vec![(s("s"), s("str")), (s("i"), Value::Int(7)), (s("l"), Value::Long(1 << 40)), (s("nil"), Value::Null),
        (s("list"), Value::list([s("x")])), (s("map"), Value::map(vec![(s("k"), s("v"))]))]);
    echoes(&g, "echoMap", map).await;
    let set = value(&g, "echoSet", vec![Value::hash_set([s("x"), s("y")])]).await;
    assert_eq!(set.as_list().map(|l| l.items.len()), Some(2), "{set:?}");
    echoes(&g, "echoUser", user("bob", 30)).await;
    echoes(&g, "echoUsers", Value::list([user("al", 1), user("bo", 2), Value::Ref(1)])).await;
    let cycle = Value::object("org.example.Node", [("name", s("a")), ("next", Value::object("org.example.Node", [("name", s("b")), ("next", Value::Ref(0))]))]);
    echoes(&g, "echoNode", cycle).await;
    assert_eq!(value(&g, "echoDecimal", vec![Value::big_decimal("-12345.678900")]).await.as_big_decimal(), Some("-12345.678900"));
    let t = Value::local_date_time(Value::local_date(2024, 2, 29), Value::local_time(13, 45, 30, 123_456_789));
    echoes(&g, "echoTime", t).await;
    echoes(&g, "echoDate", Value::local_date(2024, 2, 29)).await;
    for ms in [1_700_000_000_123, 1_700_000_040_000] {
        echoes(&g, "echoUtilDate", Value::Date(ms)).await;
    }
    let green = value(&g, "echoEnum", vec![Value::enum_constant("org.example.Color", "GREEN")]).await;
    assert_eq!(green.as_enum(), Some(("org.example.Color", "GREEN")));
    let wrapped = value(&g, "wrap", vec![user("bob", 30)]).await;
    assert_eq!(wrapped.field("code"), Some(&Value::Int(200)));
    assert!(equivalent(wrapped.field("data").unwrap(), &user("bob", 30)));

    // Overloads, void, null.
    assert_eq!(value(&g, "overloaded", vec![s("x")]).await, s("string:x"));
    let as_int = CallOptions { parameter_types: Some(vec![JavaType::Int]), ..Default::default() };
    assert_eq!(g.call("overloaded", vec![Value::Int(7)], as_int).await.unwrap().value, s("int:7"));
    assert_eq!(value(&g, "doNothing", vec![]).await, Value::Null);
    assert_eq!(value(&g, "returnNull", vec![]).await, Value::Null);

    // A declared checked exception with its field, and an unchecked one.
    let e = error(&g, "fail", vec![s("boom")]).await;
    let thrown = e.exception.as_ref().unwrap();
    assert_eq!((e.kind, thrown.class.as_str(), thrown.message.as_deref()), (ErrorKind::RemoteException, "org.example.GreeterException", Some("boom")));
    assert_eq!(thrown.field("code"), Some(&Value::Int(42)));
    assert!(!thrown.stack_trace.is_empty(), "Java sent its stack");
    let e = error(&g, "failRuntime", vec![s("bad state")]).await;
    let thrown = e.exception.as_ref().unwrap();
    assert_eq!(thrown.class, "java.lang.IllegalStateException");
    assert_eq!(thrown.message.as_deref(), Some("bad state"));

    // Timeouts.
    assert_eq!(value(&g, "slow", vec![Value::Int(50)]).await, s("slept"));
    let short = CallOptions { timeout: Some(Duration::from_millis(300)), ..Default::default() };
    assert_eq!(g.call("slow", vec![Value::Int(1500)], short).await.unwrap_err().kind, ErrorKind::Timeout);

    // Attachments both ways.
    let traced = CallOptions { attachments: vec![("trace-id".into(), s("abc"))], ..Default::default() };
    assert_eq!(g.call("attachment", vec![s("trace-id")], traced).await.unwrap().value, s("abc"));
    assert_eq!(value(&g, "attachment", vec![s("no-such-key")]).await, Value::Null);
    let reply = g.call("echoResponseAttachment", vec![s("k"), s("v")], CallOptions::default()).await.unwrap();
    assert!(reply.attachments.contains(&("k".into(), s("v"))), "{:?}", reply.attachments);

    // Oneway: it ran, though nothing answered it.
    g.oneway("remember", vec![s("from rust")], CallOptions::default()).await.unwrap();
    let mut recalled = Value::Null;
    for _ in 0..200 {
        recalled = value(&g, "recalled", vec![]).await;
        if recalled == s("from rust") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(recalled, s("from rust"));

    // $echo, and generic invoke: maps in, generalized maps out.
    let echo = CallOptions { parameter_types: Some(vec![JavaType::class("java.lang.Object")]), ..Default::default() };
    assert_eq!(g.call("$echo", vec![s("ping")], echo).await.unwrap().value, s("ping"));
    let bob = Value::map(vec![(s("class"), s("org.example.User")), (s("name"), s("Bob")), (s("age"), Value::Int(14))]);
    let back = g.invoke_generic("echoUser", &["org.example.User"], vec![bob.clone()], CallOptions::default()).await.unwrap().value;
    assert!(equivalent(&back, &bob), "{back:?}");
    let green = g.invoke_generic("echoEnum", &["org.example.Color"], vec![s("GREEN")], CallOptions::default()).await.unwrap().value;
    assert_eq!(green, s("GREEN"));
    assert_eq!(g.invoke_generic("add", &["int", "int"], vec![Value::Int(1), Value::Int(2)], CallOptions::default()).await.unwrap().value, Value::Int(3));

    // 256 calls in flight on the one shared connection.
    let tasks: Vec<_> = (0..256)
        .map(|i| {
            let g = g.clone();
            tokio::spawn(async move { (i, g.call("add", vec![Value::Int(i), Value::Int(1)], CallOptions::default()).await) })
        })
        .collect();
    for t in tasks {
        let (i, reply) = t.await.unwrap();
        assert_eq!(reply.unwrap().value, Value::Int(i + 1));
    }
    eprintln!("java provider: all calls answered in {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_provider_s_answers_to_unknown_targets() {
    let Some(jar) = support::java_peer_jar() else { return };
    let provider = JavaProvider::start(&jar, &[], &["1.0.0", "g1"]);
    let url = provider.url();
    let known = reference(&url, Some("1.0.0"), Some("g1"));
    assert_eq!(value(&known, "sayHello", vec![Value::from("x")]).await, Value::from("Hello x"));

    // What Java 3.3.6 and 3.2.19 send (the facts file predates this form).
    let broken = |m: &str| format!("Fail to decode request due to: RpcInvocation [methodName={m}, parameterTypes=null]");
    let e = error(&reference(&url, Some("9.9.9"), Some("g1")), "sayHello", vec![Value::from("x")]).await;
    assert_eq!((e.kind, e.status), (ErrorKind::RemoteServer, Some(Status::BadRequest)), "{e}");
    assert!(e.message.contains(&broken("sayHello")), "{e}");
    for group in [Some("g2"), None] {
        let e = error(&reference(&url, Some("1.0.0"), group), "sayHello", vec![Value::from("x")]).await;
        assert_eq!(e.status, Some(Status::ServiceError), "{e}");
        let wanted = format!("Not found exported service: {}org.example.Greeter:1.0.0:", group.map(|g| format!("{g}/")).unwrap_or_default());
        assert!(e.message.contains(&wanted) && e.message.contains("may be version or group mismatch"), "{e}");
    }
    let e = error(&known, "noSuchMethod", vec![Value::from("x")]).await;
    assert_eq!(e.status, Some(Status::BadRequest), "{e}");
    assert!(e.message.contains(&broken("noSuchMethod")), "{e}");
    let client = Client::new(Runtime::global().unwrap(), ClientConfig::default()).unwrap();
    let mut missing = ReferenceConfig::direct("org.example.Missing", url.as_str());
    missing.version = Some("1.0.0".into());
    let e = error(&client.reference(missing).unwrap(), "anything", vec![]).await;
    assert_eq!(e.status, Some(Status::BadRequest), "{e}");
    assert!(e.message.contains(&broken("anything")), "{e}");
    let e = known.invoke_generic("noSuchMethod", &["java.lang.String"], vec![Value::from("x")], CallOptions::default()).await.unwrap_err();
    assert_eq!(e.status, Some(Status::ServiceError), "{e}");
    assert!(e.message.contains("org.apache.dubbo.rpc.RpcException: No such method noSuchMethod in class interface org.example.Greeter"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_preferring_fastjson2_is_understood_and_its_readonly_notice_taken() {
    let Some(jar) = support::java_peer_jar() else { return };
    // Dubbo's own serialization defaults: a 3.2 provider then writes events and error strings in fastjson2.
    let mut provider = JavaProvider::start(&jar, &["-Dpeer.preferSerialization=default"], &[]);
    let conn = Connection::connect(provider.addr, ClientOptions::default()).await.unwrap();
    let call = |m: &str| Invocation::new(GREETER, m, "Ljava/lang/String;", vec![Value::from("x")]).with_consumer_attachments(5000);
    assert!(conn.call(&call("sayHello"), Duration::from_secs(5)).await.is_ok());
    match conn.call(&call("noSuchMethod"), Duration::from_secs(5)).await {
        Err(TransportError::Remote { status, message }) => {
            assert_eq!(status, Status::BadRequest);
            assert!(message.starts_with("Fail to decode request due to: RpcInvocation [methodName=noSuchMethod"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Graceful stop: the readonly notice comes before the close.
    let stopping = std::thread::spawn(move || provider.terminate());
    let mut readonly_while_open = false;
    for _ in 0..2000 {
        if !conn.is_available() {
            readonly_while_open = conn.is_open();
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(readonly_while_open, "readonly seen on an open connection ({:?})", conn.closed_reason());
    tokio::task::spawn_blocking(move || stopping.join().unwrap()).await.unwrap();
}
