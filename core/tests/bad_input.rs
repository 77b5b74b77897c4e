//! Bad input on both sides, each ending in a logged reason and a closed
//! connection or a refused call — never a panic, a hang or unbounded memory —
//! and the liveness machinery (heartbeats, idle close, reconnect). Raw sockets
//! play the misbehaving peer. Every wait is bounded.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use libdubbo_core::protocol::{Frame, Header, Invocation, Kind, Outcome, RpcResult, Status, HEADER_LEN};
use libdubbo_core::transport::{ClientOptions, Connection, Endpoint, Exports, Handler, Server, ServerOptions, TransportError};
use libdubbo_core::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LONG: Duration = Duration::from_secs(5);

fn echo(arg: Value) -> Invocation {
    Invocation::new("org.example.Greeter", "echo", "Ljava/lang/Object;", vec![arg])
}

/// Echoes its argument; "slow" sleeps 300 ms first.
async fn echo_server(options: ServerOptions) -> Server {
    let handler: Handler = Arc::new(|inv: Invocation| {
        Box::pin(async move {
            if inv.method == "slow" {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Ok(RpcResult { outcome: Outcome::Value(inv.args.into_iter().next().unwrap_or(Value::Null)), attachments: None })
        })
    });
    Server::bind("127.0.0.1:0".parse().unwrap(), Arc::new(Exports::any(handler)), options).await.unwrap()
}

fn request(id: i64, inv: &Invocation) -> Vec<u8> {
    Frame::new(Kind::Request { twoway: true, event: false }, id, inv.encode_body().unwrap(), usize::MAX).unwrap().to_bytes()
}

/// Reads frames from a raw socket until `count` arrived, the peer closed, or `LONG` passed.
async fn read_frames(socket: &mut TcpStream, count: usize) -> (Vec<Frame>, bool) {
    let mut buf = Vec::new();
    let mut frames = Vec::new();
    let deadline = tokio::time::Instant::now() + LONG;
    let mut chunk = vec![0u8; 64 * 1024];
    while frames.len() < count {
        while let Some((frame, used)) = Frame::parse(&buf, usize::MAX).unwrap() {
            buf.drain(..used);
            frames.push(frame);
        }
        if frames.len() >= count {
            break;
        }
        match tokio::time::timeout_at(deadline, socket.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (frames, true),
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => return (frames, false),
        }
    }
    (frames, false)
}

/// True when the peer closes the socket within `within` (reading and dropping anything it sends).
async fn closes_within(socket: &mut TcpStream, within: Duration) -> bool {
    let mut chunk = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, socket.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// The server still answers a well-behaved client.
async fn still_serves(addr: SocketAddr) {
    let conn = Connection::connect(addr, ClientOptions::default()).await.unwrap();
    assert_eq!(conn.call(&echo(Value::Int(7)), LONG).await.unwrap().outcome, Outcome::Value(Value::Int(7)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_a_wrong_magic_and_truncated_frames_close_only_their_connection() {
    let server = echo_server(ServerOptions::default()).await;
    let addr = server.local_addr();

    let mut garbage = TcpStream::connect(addr).await.unwrap();
    garbage.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    assert!(closes_within(&mut garbage, LONG).await, "garbage closes the connection");

    // A good frame answered, then a bad magic: the answer arrives, then the close.
    let mut bad_magic = TcpStream::connect(addr).await.unwrap();
    let mut bytes = request(1, &echo(Value::from("first")));
    bytes.extend_from_slice(&[0xca, 0xfe, 0, 0]);
    bad_magic.write_all(&bytes).await.unwrap();
    let (frames, closed) = read_frames(&mut bad_magic, 2).await;
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].header.kind, Kind::Response { status: Status::Ok, event: false });
    assert!(closed, "the bad magic closed it");

    // Half a frame, then the peer hangs up: nothing to answer, nothing breaks.
    let mut truncated = TcpStream::connect(addr).await.unwrap();
    let whole = request(2, &echo(Value::from("cut")));
    truncated.write_all(&whole[..whole.len() / 2]).await.unwrap();
    drop(truncated);

    // A body that is not an invocation gets BAD_REQUEST on a connection that stays up.
    let mut undecodable = TcpStream::connect(addr).await.unwrap();
    let mut bytes = Frame::new(Kind::Request { twoway: true, event: false }, 3, vec![0x90], 100).unwrap().to_bytes();
    bytes.extend_from_slice(&request(4, &echo(Value::from("after"))));
    undecodable.write_all(&bytes).await.unwrap();
    let (frames, _) = read_frames(&mut undecodable, 2).await;
    assert_eq!(frames.iter().map(|f| (f.header.id, f.header.kind)).collect::<Vec<_>>(), vec![
        (3, Kind::Response { status: Status::BadRequest, event: false }),
        (4, Kind::Response { status: Status::Ok, event: false }),
    ]);
    still_serves(addr).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_request_is_refused_and_skipped_without_buffering_it() {
    let server = echo_server(ServerOptions { max_payload: 1024, ..ServerOptions::default() }).await;
    let mut socket = TcpStream::connect(server.local_addr()).await.unwrap();
    // A header announcing 1 MiB, its body, then a good request.
    let header = Header { kind: Kind::Request { twoway: true, event: false }, serialization: 2, id: 5, body_len: 1 << 20 };
    socket.write_all(&header.encode()).await.unwrap();
    let junk = vec![0x4e; 64 * 1024];
    for _ in 0..16 {
        socket.write_all(&junk).await.unwrap();
    }
    socket.write_all(&request(6, &echo(Value::from("small")))).await.unwrap();
    let (frames, closed) = read_frames(&mut socket, 2).await;
    assert!(!closed);
    assert_eq!(frames[0].header.id, 5);
    assert_eq!(frames[0].header.kind, Kind::Response { status: Status::BadRequest, event: false });
    let message = libdubbo_core::protocol::decode_error_body(2, &frames[0].body).unwrap();
    assert!(message.contains("Data length too large: 1048576, max payload: 1024"), "{message}");
    assert_eq!((frames[1].header.id, frames[1].header.kind), (6, Kind::Response { status: Status::Ok, event: false }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_sends_half_a_frame_and_goes_silent_is_closed_when_idle() {
    let server = echo_server(ServerOptions { idle_timeout: Duration::from_millis(300), ..ServerOptions::default() }).await;
    let mut socket = TcpStream::connect(server.local_addr()).await.unwrap();
    let whole = request(1, &echo(Value::from("half")));
    socket.write_all(&whole[..HEADER_LEN + 2]).await.unwrap();
    let started = std::time::Instant::now();
    assert!(closes_within(&mut socket, LONG).await);
    assert!(started.elapsed() >= Duration::from_millis(250), "closed by the idle timeout, not at once");
    assert_eq!(server.connection_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_beyond_the_pool_is_refused_with_100_not_queued() {
    let server = echo_server(ServerOptions { max_concurrent_calls: 8, ..ServerOptions::default() }).await;
    let mut socket = TcpStream::connect(server.local_addr()).await.unwrap();
    let slow = Invocation::new("org.example.Greeter", "slow", "Ljava/lang/Object;", vec![Value::Int(1)]);
    let flood: Vec<u8> = (0..300).flat_map(|id| request(id, &slow)).collect();
    socket.write_all(&flood).await.unwrap();
    let (frames, closed) = read_frames(&mut socket, 300).await;
    assert!(!closed);
    assert_eq!(frames.len(), 300, "every request answered");
    let ok = frames.iter().filter(|f| f.header.kind == Kind::Response { status: Status::Ok, event: false }).count();
    let busy = frames.iter().filter(|f| f.header.kind == Kind::Response { status: Status::ServerThreadpoolExhausted, event: false }).count();
    assert_eq!(ok + busy, 300);
    assert!((8..=16).contains(&ok), "about one pool's worth ran: {ok}");
}

/// A provider that reads everything and answers nothing, not even heartbeats.
async fn silent_provider() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut chunk = [0u8; 4096];
        while let Ok(Ok(n)) = tokio::time::timeout(LONG * 2, socket.read(&mut chunk)).await {
            if n == 0 {
                break;
            }
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_heartbeats_close_the_connection_and_fail_its_calls() {
    let addr = silent_provider().await;
    let options = ClientOptions { heartbeat: Duration::from_millis(100), ..ClientOptions::default() };
    let conn = Connection::connect(addr, options).await.unwrap();
    let started = std::time::Instant::now();
    let err = conn.call(&echo(Value::Null), LONG).await.unwrap_err();
    assert!(matches!(&err, TransportError::Closed(reason) if reason.contains("heartbeats")), "{err:?}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(350) && took < Duration::from_secs(3), "after about 4 quiet periods: {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_keep_a_quiet_connection_alive_past_the_server_s_idle_timeout() {
    let server = echo_server(ServerOptions { idle_timeout: Duration::from_millis(300), ..ServerOptions::default() }).await;
    let options = ClientOptions { heartbeat: Duration::from_millis(80), ..ClientOptions::default() };
    let conn = Connection::connect(server.local_addr(), options).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(conn.is_open(), "{:?}", conn.closed_reason());
    assert_eq!(conn.call(&echo(Value::Int(1)), LONG).await.unwrap().outcome, Outcome::Value(Value::Int(1)));
    // Without heartbeats, the server's idle timeout ends it.
    let quiet = Connection::connect(server.local_addr(), ClientOptions::default()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(!quiet.is_open());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_response_fails_its_call_alone() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let (frames, _) = read_frames(&mut socket, 2).await;
        // The first call gets 2 KiB of body, over the client's 1 KiB limit; the second a real answer.
        let big = RpcResult { outcome: Outcome::Value(Value::Bytes(vec![7; 2048])), attachments: None }.encode_body().unwrap();
        let ok = RpcResult { outcome: Outcome::Value(Value::Int(2)), attachments: None }.encode_body().unwrap();
        let kind = Kind::Response { status: Status::Ok, event: false };
        let mut out = Frame::new(kind, frames[0].header.id, big, usize::MAX).unwrap().to_bytes();
        out.extend(Frame::new(kind, frames[1].header.id, ok, usize::MAX).unwrap().to_bytes());
        socket.write_all(&out).await.unwrap();
        tokio::time::sleep(LONG).await;
    });
    let conn = Connection::connect(addr, ClientOptions { max_payload: 1024, ..ClientOptions::default() }).await.unwrap();
    let one = echo(Value::Int(1));
    let (first, second) = tokio::join!(conn.call(&one, LONG), async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        conn.call(&echo(Value::Int(2)), LONG).await
    });
    assert!(matches!(&first, Err(TransportError::Remote { status: Status::ClientError, message }) if message.contains("Data length too large: ")), "{first:?}");
    assert_eq!(second.unwrap().outcome, Outcome::Value(Value::Int(2)));
    assert!(conn.is_open());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_backs_off_while_the_provider_is_down_and_reconnects_when_it_is_back() {
    // A port with nothing listening: take one and let it go.
    let addr = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let endpoint = Endpoint::new(addr, ClientOptions::default());
    let deadline = || tokio::time::Instant::now() + LONG;
    assert!(matches!(endpoint.connection(deadline()).await, Err(TransportError::Io(_))));
    let err = endpoint.connection(deadline()).await.unwrap_err().to_string();
    assert!(err.contains("next attempt in"), "backing off instead of dialling: {err}");

    let handler: Handler = Arc::new(|inv: Invocation| Box::pin(async move { Ok(RpcResult { outcome: Outcome::Value(inv.args[0].clone()), attachments: None }) }));
    let server = Server::bind(addr, Arc::new(Exports::any(handler.clone())), ServerOptions::default()).await.unwrap();
    let mut conn = None;
    for _ in 0..100 {
        if let Ok(c) = endpoint.connection(deadline()).await {
            conn = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let conn = conn.expect("reconnected within the first backoff");
    assert_eq!(conn.call(&echo(Value::Int(3)), LONG).await.unwrap().outcome, Outcome::Value(Value::Int(3)));

    // The provider restarts: the old connection ends, the endpoint makes a new one.
    drop(server);
    for _ in 0..200 {
        if !conn.is_open() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!conn.is_open());
    let _server = Server::bind(addr, Arc::new(Exports::any(handler)), ServerOptions::default()).await.unwrap();
    let again = endpoint.connection(deadline()).await.unwrap();
    assert_eq!(again.call(&echo(Value::Int(4)), LONG).await.unwrap().outcome, Outcome::Value(Value::Int(4)));
}
