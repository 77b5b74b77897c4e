//! The facade end to end on loopback: a Rust client calling a Rust server that
//! serves `Greeter` (as the Java peer does), through the API every front wraps —
//! sync and async calls, oneway, attachments both ways, exceptions with fields,
//! generic invoke, timeouts, unknown version and group, a queue drained by a
//! plain thread, and what happens after close.

mod support;

use std::sync::Arc;
use std::time::Duration;

use libdubbo_core::facade::{
    CallOptions, CallQueue, Client, ClientConfig, ErrorKind, MethodSignature, Reference, ReferenceConfig, Response, Runtime, Server, ServerConfig, Service,
};
use libdubbo_core::protocol::Status;
use libdubbo_core::value::{equivalent, JavaType};
use libdubbo_core::Value;
use support::greeter::{self, GREETER};

fn runtime() -> Arc<Runtime> {
    Runtime::global().unwrap()
}

async fn greeter_server(version: &str, group: &str) -> Server {
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), ..ServerConfig::default() };
    let server = Server::bind(runtime(), config).await.unwrap();
    server.export(greeter::service(version, group)).unwrap();
    server
}

fn reference(client: &Client, server: &Server, version: Option<&str>, group: Option<&str>) -> Reference {
    let mut config = ReferenceConfig::direct(GREETER, format!("dubbo://{}", server.local_addr()));
    config.version = version.map(str::to_owned);
    config.group = group.map(str::to_owned);
    config.timeout = Some(Duration::from_secs(3));
    config.methods = greeter::METHODS.iter().map(|(n, t)| MethodSignature::new(*n, t).unwrap()).collect();
    client.reference(config).unwrap()
}

fn client() -> Client {
    Client::new(runtime(), ClientConfig::default()).unwrap()
}

fn none() -> CallOptions {
    CallOptions::default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_return_values_nulls_and_java_exceptions_with_fields() {
    let server = greeter_server("1.0.0", "g").await;
    let client = client();
    let g = reference(&client, &server, Some("1.0.0"), Some("g"));
    assert_eq!(g.call("sayHello", vec![Value::from("rust")], none()).await.unwrap().value, Value::from("Hello rust"));
    // Overloads told apart by the declared types, or by the call's own.
    assert_eq!(g.call("overloaded", vec![Value::from("x")], none()).await.unwrap().value, Value::from("string:x"));
    let as_int = CallOptions { parameter_types: Some(vec![JavaType::Int]), ..none() };
    assert_eq!(g.call("overloaded", vec![Value::Int(7)], as_int).await.unwrap().value, Value::from("int:7"));
    assert_eq!(g.call("returnNull", vec![], none()).await.unwrap().value, Value::Null);
    let node = Value::object("org.example.Node", [("name", Value::from("a")), ("next", Value::Ref(0))]);
    assert!(equivalent(&g.call("echoNode", vec![node.clone()], none()).await.unwrap().value, &node), "a cycle survives");

    let err = g.call("fail", vec![Value::from("boom")], none()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RemoteException);
    let e = err.exception.unwrap();
    assert_eq!((e.class.as_str(), e.message.as_deref()), ("org.example.GreeterException", Some("boom")));
    assert_eq!(e.field("code"), Some(&Value::Int(42)));

    // Unknown version and group: Java's statuses, as RemoteServer errors.
    let wrong_version = reference(&client, &server, Some("9.9.9"), Some("g"));
    let err = wrong_version.call("sayHello", vec![Value::from("x")], none()).await.unwrap_err();
    assert_eq!((err.kind, err.status), (ErrorKind::RemoteServer, Some(Status::BadRequest)), "{err}");
    let wrong_group = reference(&client, &server, Some("1.0.0"), Some("other"));
    let err = wrong_group.call("sayHello", vec![Value::from("x")], none()).await.unwrap_err();
    assert_eq!(err.status, Some(Status::ServiceError), "{err}");
    assert!(err.message.contains("Not found exported service"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_go_both_ways_oneway_runs_and_timeouts_are_typed() {
    let server = greeter_server("", "").await;
    let client = client();
    let g = reference(&client, &server, None, None);
    let with_trace = CallOptions { attachments: vec![("trace-id".into(), Value::from("abc"))], ..none() };
    assert_eq!(g.call("attachment", vec![Value::from("trace-id")], with_trace).await.unwrap().value, Value::from("abc"));
    let reply = g.call("echoResponseAttachment", vec![Value::from("k"), Value::from("v")], none()).await.unwrap();
    assert!(reply.attachments.contains(&("k".into(), Value::from("v"))), "{:?}", reply.attachments);
    assert!(reply.attachments.contains(&("dubbo".into(), Value::from("2.0.2"))));

    g.oneway("remember", vec![Value::from("kept")], none()).await.unwrap();
    let mut recalled = Value::Null;
    for _ in 0..100 {
        recalled = g.call("recalled", vec![], none()).await.unwrap().value;
        if recalled != Value::Null {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(recalled, Value::from("kept"));

    let short = CallOptions { timeout: Some(Duration::from_millis(100)), ..none() };
    let err = g.call("slow", vec![Value::Int(1000)], short).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout, "{err}");
    assert!(err.message.contains("100 ms"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_invoke_and_blocking_calls() {
    let server = greeter_server("", "").await;
    let client = client();
    let g = reference(&client, &server, None, None);
    let user = Value::map(vec![
        (Value::from("class"), Value::from("org.example.User")),
        (Value::from("name"), Value::from("Bob")),
        (Value::from("age"), Value::Int(14)),
    ]);
    let reply = g.invoke_generic("wrap", &["org.example.User"], vec![user.clone()], none()).await.unwrap();
    let data = reply.value.as_map().unwrap().entries.iter().find(|(k, _)| k.as_str() == Some("data")).unwrap().1.clone();
    assert!(equivalent(&data, &user), "{:?}", reply.value);

    let reply = tokio::task::spawn_blocking(move || g.call_blocking("add", vec![Value::Int(2), Value::Int(3)], none(), || Ok(())))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reply.value, Value::Int(5));
}

/// A server exporting `org.example.Queued` through a queue of 4, and a reference to it.
async fn queued_server() -> (Server, CallQueue, Reference) {
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), ..ServerConfig::default() };
    let server = Server::bind(runtime(), config).await.unwrap();
    let (service, queue) = Service::builder("org.example.Queued").queue(4);
    server.export(service).unwrap();
    let q = client().reference(ReferenceConfig::direct("org.example.Queued", format!("dubbo://{}", server.local_addr()))).unwrap();
    (server, queue, q)
}

/// Waits (bounded) until `n` calls wait in the queue.
async fn wait_until_queued(queue: &CallQueue, n: usize) {
    for _ in 0..200 {
        if queue.len() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_service_is_served_by_a_plain_thread_and_refuses_when_full() {
    let (server, queue, q) = queued_server().await;

    // Nobody drains yet: four calls wait in the queue, the fifth is refused with 100.
    let waiting: Vec<_> = (0..4)
        .map(|i| {
            let q = q.clone();
            tokio::spawn(async move { q.call("double", vec![Value::Int(i)], CallOptions { timeout: Some(Duration::from_secs(5)), ..none() }).await })
        })
        .collect();
    wait_until_queued(&queue, 4).await;
    let err = q.call("double", vec![Value::Int(9)], none()).await.unwrap_err();
    assert_eq!(err.status, Some(Status::ServerThreadpoolExhausted), "{err}");

    // A plain thread drains it (as a Python or C front does), answering with attachments.
    let queue = Arc::new(queue);
    let drain = {
        let queue = queue.clone();
        std::thread::spawn(move || {
            let mut served = 0;
            while let Ok(next) = queue.next_blocking(Duration::from_secs(2)) {
                let Some(call) = next else { break };
                let n = call.request.args[0].as_i64().unwrap() as i32;
                call.reply(Ok(Response { value: Value::Int(n * 2), attachments: vec![("by".into(), Value::from("thread"))] }));
                served += 1;
            }
            served
        })
    };
    for (i, t) in waiting.into_iter().enumerate() {
        let reply = t.await.unwrap().unwrap();
        assert_eq!(reply.value, Value::Int(i as i32 * 2));
        assert!(reply.attachments.contains(&("by".into(), Value::from("thread"))));
    }
    // Closing the server closes the queue: the draining thread stops.
    server.close();
    assert_eq!(tokio::task::spawn_blocking(move || drain.join().unwrap()).await.unwrap(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_waiting_in_a_dropped_queue_are_answered_not_left_to_time_out() {
    let (_server, queue, q) = queued_server().await;
    let long = CallOptions { timeout: Some(Duration::from_secs(10)), ..none() };
    let waiting = {
        let q = q.clone();
        tokio::spawn(async move { q.call("any", vec![], long).await })
    };
    wait_until_queued(&queue, 1).await;
    let started = std::time::Instant::now();
    drop(queue);
    let err = waiting.await.unwrap().unwrap_err();
    assert_eq!(err.kind, ErrorKind::RemoteException, "{err}");
    assert!(err.message.contains("dropped the call"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    let err = q.call("any", vec![], none()).await.unwrap_err();
    assert_eq!(err.status, Some(Status::ServerThreadpoolExhausted), "{err}");
    assert!(err.message.contains("closed"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_clients_and_missing_providers_fail_with_their_kind() {
    let server = greeter_server("", "").await;
    let client = client();
    let g = reference(&client, &server, None, None);
    assert!(g.call("sayHello", vec![Value::from("x")], none()).await.is_ok());
    client.close();
    assert_eq!(g.call("sayHello", vec![Value::from("x")], none()).await.unwrap_err().kind, ErrorKind::Closed);

    // No URL and no registry (`N/A`): nowhere to find a provider (tests/discovery.rs has the registry).
    let no_registry = ClientConfig { registry: Some("N/A".into()), ..ClientConfig::default() };
    let err = Client::new(runtime(), no_registry).unwrap().reference(ReferenceConfig { interface: GREETER.into(), ..Default::default() });
    assert_eq!(err.err().unwrap().kind, ErrorKind::NoProvider);
    let port = support::free_port();
    let nobody = client_to(port);
    let err = nobody.call("sayHello", vec![Value::from("x")], none()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network, "{err}");
    let err = nobody.call("sayHello", vec![Value::from("x"), Value::Int(1)], CallOptions { parameter_types: Some(vec![JavaType::Int]), ..none() }).await;
    assert_eq!(err.unwrap_err().kind, ErrorKind::InvalidArgument);
}

fn client_to(port: u16) -> Reference {
    client().reference(ReferenceConfig::direct(GREETER, format!("dubbo://127.0.0.1:{port}"))).unwrap()
}
