//! The Rust client against the Rust server (and against hand-written peers for
//! the failure cases), on loopback. Every wait is bounded.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use libdubbo_core::protocol::{Frame, Invocation, Kind, Outcome, RpcResult, Status, DEFAULT_PAYLOAD, READONLY_BODY};
use libdubbo_core::transport::{ClientOptions, Connection, Exports, Handler, Server, ServerOptions, TransportError};
use libdubbo_core::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const LOOPBACK: &str = "127.0.0.1:0";
const LONG: Duration = Duration::from_secs(5);

fn echo(method: &str, arg: Value) -> Invocation {
    Invocation::new("org.example.Greeter", method, "Ljava/lang/Object;", vec![arg])
}

/// A server whose handler echoes the first argument after sleeping `sleep_ms` (the
/// second argument, if any), counting the calls it ran.
async fn echo_server(calls: Arc<AtomicUsize>) -> Server {
    let handler: Handler = Arc::new(move |inv: Invocation| {
        let calls = calls.clone();
        Box::pin(async move {
            calls.fetch_add(1, Ordering::SeqCst);
            if inv.method == "slow" {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            if inv.method == "fail" {
                let e = Value::throwable("org.example.GreeterException", Some("no"), None);
                return Ok(RpcResult { outcome: Outcome::Exception(e), attachments: None });
            }
            let mut attachments = vec![("seen".to_owned(), Value::from(inv.attachments.len() as i32))];
            attachments.extend(inv.attachments.into_iter().filter(|(k, _)| k == "trace-id"));
            Ok(RpcResult { outcome: Outcome::Value(inv.args.into_iter().next().unwrap_or(Value::Null)), attachments: Some(attachments) })
        })
    });
    Server::bind(LOOPBACK.parse().unwrap(), Arc::new(Exports::any(handler)), ServerOptions::default()).await.unwrap()
}

async fn connect(addr: SocketAddr) -> Connection {
    Connection::connect(addr, ClientOptions::default()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_returns_its_value_and_attachments() {
    let server = echo_server(Arc::default()).await;
    let conn = connect(server.local_addr()).await;
    let mut call = echo("echo", Value::from("hello"));
    call.attachments.push(("trace-id".into(), Value::from("abc")));
    let result = conn.call(&call, LONG).await.unwrap();
    assert_eq!(result.outcome, Outcome::Value(Value::from("hello")));
    let attachments = result.attachments.unwrap();
    assert!(attachments.contains(&("trace-id".into(), Value::from("abc"))));
    assert!(attachments.contains(&("dubbo".into(), Value::from("2.0.2"))), "the server adds Java's dubbo attachment");
    // A business exception is a result, not a transport error.
    let failed = conn.call(&echo("fail", Value::Null), LONG).await.unwrap();
    assert!(matches!(failed.outcome, Outcome::Exception(e) if e.as_object().unwrap().class() == "org.example.GreeterException"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_calls_in_flight_each_get_their_own_answer() {
    let server = echo_server(Arc::default()).await;
    let conn = connect(server.local_addr()).await;
    let calls = (0..64).map(|i| {
        let conn = conn.clone();
        tokio::spawn(async move { (i, conn.call(&echo("echo", Value::Int(i)), LONG).await) })
    });
    for task in calls {
        let (i, result) = task.await.unwrap();
        assert_eq!(result.unwrap().outcome, Outcome::Value(Value::Int(i)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_call_times_out_and_the_connection_goes_on() {
    let server = echo_server(Arc::default()).await;
    let conn = connect(server.local_addr()).await;
    let err = conn.call(&echo("slow", Value::Int(1)), Duration::from_millis(50)).await.unwrap_err();
    assert_eq!(err, TransportError::Timeout(50));
    // The late reply arrives for no one; the next call still works.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(conn.call(&echo("echo", Value::Int(2)), LONG).await.unwrap().outcome, Outcome::Value(Value::Int(2)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oneway_calls_run_without_a_reply_and_heartbeats_are_echoed() {
    let calls = Arc::new(AtomicUsize::new(0));
    let server = echo_server(calls.clone()).await;
    let conn = connect(server.local_addr()).await;
    conn.oneway(&echo("echo", Value::Int(1))).await.unwrap();
    conn.heartbeat(LONG).await.unwrap();
    conn.call(&echo("echo", Value::Int(2)), LONG).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_calls_in_flight_are_refused() {
    let calls = Arc::new(AtomicUsize::new(0));
    let server = echo_server(calls.clone()).await;
    let options = ClientOptions { max_in_flight: 2, ..ClientOptions::default() };
    let conn = Connection::connect(server.local_addr(), options).await.unwrap();
    let slow: Vec<_> = (0..2)
        .map(|_| {
            let conn = conn.clone();
            tokio::spawn(async move { conn.call(&echo("slow", Value::Null), LONG).await })
        })
        .collect();
    // Both slow calls are pending once the server has them (bounded wait).
    for _ in 0..500 {
        if calls.load(Ordering::SeqCst) == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(conn.call(&echo("echo", Value::Null), LONG).await.unwrap_err(), TransportError::Overloaded(2));
    for t in slow {
        t.await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_request_gets_bad_request() {
    let server = echo_server(Arc::default()).await;
    let mut raw = tokio::net::TcpStream::connect(server.local_addr()).await.unwrap();
    // A request whose body is not a dubbo invocation (an int where the version goes).
    let frame = Frame::new(Kind::Request { twoway: true, event: false }, 9, vec![0x90], DEFAULT_PAYLOAD).unwrap();
    raw.write_all(&frame.to_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(LONG, raw.read(&mut buf)).await.unwrap().unwrap();
    let (reply, _) = Frame::parse(&buf[..n], DEFAULT_PAYLOAD).unwrap().unwrap();
    assert_eq!(reply.header.kind, Kind::Response { status: Status::BadRequest, event: false });
    assert_eq!(reply.header.id, 9);
    let message = libdubbo_core::protocol::decode_error_body(2, &reply.body).unwrap();
    assert!(message.starts_with("Fail to decode request due to:"), "{message}");
}

/// A hand-written provider: reads one request, then does `act` with the socket.
async fn fake_provider<F, Fut>(act: F) -> SocketAddr
where
    F: FnOnce(tokio::net::TcpStream, Frame) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind(LOOPBACK).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let mut have = 0;
        loop {
            have += socket.read(&mut buf[have..]).await.unwrap();
            if let Some((frame, _)) = Frame::parse(&buf[..have], DEFAULT_PAYLOAD).unwrap() {
                return act(socket, frame).await;
            }
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_frame_closes_the_connection_and_fails_pending_calls() {
    let addr = fake_provider(|mut socket, _| async move {
        socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await.unwrap();
        tokio::time::sleep(LONG).await;
    })
    .await;
    let conn = connect(addr).await;
    let err = conn.call(&echo("echo", Value::Null), LONG).await.unwrap_err();
    assert!(matches!(&err, TransportError::Closed(reason) if reason.contains("malformed frame")), "{err:?}");
    assert!(!conn.is_available());
    assert!(matches!(conn.call(&echo("echo", Value::Null), LONG).await, Err(TransportError::Closed(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_hangs_up_fails_pending_calls() {
    let addr = fake_provider(|socket, _| async move { drop(socket) }).await;
    let conn = connect(addr).await;
    let err = conn.call(&echo("echo", Value::Null), LONG).await.unwrap_err();
    assert!(matches!(err, TransportError::Closed(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_error_status_carries_its_message_and_readonly_takes_the_provider_out() {
    let addr = fake_provider(|mut socket, request| async move {
        let readonly = Frame::new(Kind::Request { twoway: false, event: true }, 77, READONLY_BODY.to_vec(), DEFAULT_PAYLOAD).unwrap();
        socket.write_all(&readonly.to_bytes()).await.unwrap();
        let body = libdubbo_core::protocol::encode_error_body("Service not found: x, y");
        let reply = Frame::new(Kind::Response { status: Status::ServiceError, event: false }, request.header.id, body, DEFAULT_PAYLOAD).unwrap();
        socket.write_all(&reply.to_bytes()).await.unwrap();
        tokio::time::sleep(LONG).await;
    })
    .await;
    let conn = connect(addr).await;
    assert!(conn.is_available());
    let err = conn.call(&echo("echo", Value::Null), LONG).await.unwrap_err();
    assert_eq!(err, TransportError::Remote { status: Status::ServiceError, message: "Service not found: x, y".into() });
    assert!(!conn.is_available(), "a readonly event takes the provider out of use");
}
