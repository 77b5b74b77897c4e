//! dubbo2 round trips over loopback, all scenarios in one run on one machine
//! (`bash bench/dubbo2.sh`): echo of a 100-char string and of a ~1 KB POJO with
//! 1 and 64 calls in flight on one connection, for our client and server, the
//! Java peer (`tests/interop/java`, `bench` and `provider` modes), and a raw TCP
//! ping-pong of the same bytes as the floor. Prints a markdown table.
//!
//! `dubbo2 [--jar JAR] [--warmup S] [--seconds S] [--only SCENARIO,...]` runs
//! every row, each in fresh processes (so RSS figures do not carry over from one
//! row to the next), spawning itself in one of these modes:
//!
//! - `dubbo2 raw KIND N WARMUP SECONDS`: the floor, client and server in this process
//!   (`raw-per-frame`: the same with one write per frame, no batching);
//! - `dubbo2 local KIND N WARMUP SECONDS`: our client and our server in this process;
//! - `dubbo2 local-facade KIND N WARMUP SECONDS`: the same through the facade;
//! - `dubbo2 client ADDR KIND N WARMUP SECONDS` (and `client-facade`): our client against ADDR;
//! - `dubbo2 serve`: our server on a free loopback port, printing `READY PORT`;
//! - `dubbo2 codec KIND`: the codec work of one call alone (one thread, no I/O), in µs.
//!
//! Measuring modes print one line in the Java peer's format:
//! `BENCH kind=K inflight=N calls=C seconds=S calls_per_s=X p50_us=P p99_us=Q errors=E rss_kib=R`,
//! plus `cpu_us_per_call=U` (this process's CPU time over the window per call).
//!
//! Clients run on a tokio multi-thread runtime of 2 workers; a server in the same
//! process runs on a runtime of its own (also 2 workers). Warm-up is the Java bench
//! client's rule (at least WARMUP s and 20,000 calls, at most 15 s), then SECONDS of
//! measurement. Every reply is checked against what was sent; latency (send to
//! decoded reply) goes into a log-linear histogram (0.1 µs steps below 102.4 µs,
//! then 0.2 %), so memory stays fixed. Before each row the orchestrator waits
//! (bounded) for the machine to be idle, as other work on it skews every figure.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener as StdListener, TcpStream as StdStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use libdubbo_core::facade::{self, CallOptions, ClientConfig, MethodSignature, ReferenceConfig, Response, ServerConfig, Service};
use libdubbo_core::protocol::{Frame, Invocation, Kind as FrameKind, Outcome, RpcResult, DEFAULT_PAYLOAD, HEADER_LEN};
use libdubbo_core::transport::{ClientOptions, Connection, Exports, Handler, Server, ServerOptions};
use libdubbo_core::value::equivalent;
use libdubbo_core::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SERVICE: &str = "org.example.Greeter";
/// Per-call deadline, as the Java bench consumer's (3000 ms).
const CALL_TIMEOUT: Duration = Duration::from_secs(3);
/// Bound on the wait for a Java provider's `READY` line.
const READY_WITHIN: Duration = Duration::from_secs(90);
/// How long `serve` lives at most, whatever happens to its parent.
const SERVE_AT_MOST: Duration = Duration::from_secs(600);

// ---------------------------------------------------------------- payloads

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    String100,
    Pojo1k,
}

impl Kind {
    const ALL: [Kind; 2] = [Kind::String100, Kind::Pojo1k];

    fn name(self) -> &'static str {
        match self {
            Kind::String100 => "string100",
            Kind::Pojo1k => "pojo1k",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    fn method(self) -> &'static str {
        match self {
            Kind::String100 => "echoString",
            Kind::Pojo1k => "echoPayload",
        }
    }

    fn java_type(self) -> &'static str {
        match self {
            Kind::String100 => "java.lang.String",
            Kind::Pojo1k => "org.example.Payload",
        }
    }

    fn descriptor(self) -> &'static str {
        match self {
            Kind::String100 => "Ljava/lang/String;",
            Kind::Pojo1k => "Lorg/example/Payload;",
        }
    }

    /// The value echoed: `BenchMain.STRING100`, or `Payload.sample()`.
    fn value(self) -> Value {
        match self {
            Kind::String100 => Value::from("0123456789".repeat(10)),
            Kind::Pojo1k => payload_sample(),
        }
    }

    fn invocation(self) -> Invocation {
        Invocation::new(SERVICE, self.method(), self.descriptor(), vec![self.value()])
            .with_consumer_attachments(CALL_TIMEOUT.as_millis() as u64)
    }
}

/// `org.example.Payload.sample()` of the Java peer, fields in the order hessian-lite
/// 4.0.4 writes them (tests/interop/java/README.md); Java reads fields by name.
fn payload_sample() -> Value {
    let tags: Vec<Value> = (0..16).map(|i| Value::from(format!("tag-{i:02}"))).collect();
    let attrs: Vec<(Value, Value)> =
        (0..16).map(|i| (Value::from(format!("key-{i:02}")), Value::from(format!("value-{i:02}")))).collect();
    let owner = Value::object("org.example.User", [("name", Value::from("Alice")), ("age", Value::Int(30))]);
    Value::object(
        "org.example.Payload",
        [
            ("owner", owner),
            ("attrs", Value::map(attrs)),
            ("tags", Value::list(tags)),
            ("note", Value::from("The quick brown fox jumps over the lazy dog. ".repeat(11))),
            ("active", Value::Bool(true)),
            ("price", Value::Double(1234.5)),
            ("stamp", Value::Long(1_700_000_000_123)),
            ("count", Value::Int(42)),
            ("id", Value::from("payload-0001")),
        ],
    )
}

/// Checks replies: equal to what was sent, as Java data (a Java peer writes the
/// `HashMap` in its own order). The first equivalent reply is remembered, so the
/// usual check is one `==`.
struct Checker {
    sent: Value,
    seen: OnceLock<Value>,
}

impl Checker {
    fn new(sent: Value) -> Self {
        Checker { sent, seen: OnceLock::new() }
    }

    fn ok(&self, got: &Value) -> bool {
        if *got == self.sent || self.seen.get() == Some(got) {
            return true;
        }
        let ok = equivalent(got, &self.sent);
        if ok {
            let _ = self.seen.set(got.clone());
        }
        ok
    }
}

// ---------------------------------------------------------------- measuring

/// Latencies in ticks of 100 ns: exact below 1024 ticks, then 512 buckets per power of two.
struct Histogram {
    buckets: Box<[AtomicU64]>,
}

const TICK_NS: u128 = 100;

impl Histogram {
    fn new() -> Self {
        Histogram { buckets: (0..1024 + 54 * 512).map(|_| AtomicU64::new(0)).collect() }
    }

    fn bucket(ticks: u64) -> usize {
        if ticks < 1024 {
            return ticks as usize;
        }
        let exp = 63 - ticks.leading_zeros() as usize; // >= 10
        1024 + (exp - 10) * 512 + ((ticks >> (exp - 9)) - 512) as usize
    }

    /// The lower bound of bucket `b`, in ticks.
    fn lowest(b: usize) -> u64 {
        if b < 1024 {
            return b as u64;
        }
        let exp = (b - 1024) / 512 + 10;
        (512 + ((b - 1024) % 512) as u64) << (exp - 9)
    }

    fn record(&self, d: Duration) {
        let ticks = (d.as_nanos() / TICK_NS).min(u64::MAX as u128) as u64;
        self.buckets[Self::bucket(ticks)].fetch_add(1, Ordering::Relaxed);
    }

    /// The `q` quantile in µs (the lower bound of its bucket).
    fn quantile_us(&self, q: f64) -> f64 {
        let counts: Vec<u64> = self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return 0.0;
        }
        let rank = ((q * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, n) in counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Self::lowest(b) as f64 * TICK_NS as f64 / 1000.0;
            }
        }
        unreachable!("the ranks add up to the total")
    }
}

/// One timed phase: calls, errors and latencies.
struct Stats {
    calls: AtomicU64,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
    latency: Histogram,
}

impl Stats {
    fn new() -> Arc<Self> {
        Arc::new(Stats { calls: AtomicU64::new(0), errors: AtomicU64::new(0), first_error: Mutex::new(None), latency: Histogram::new() })
    }

    fn record(&self, took: Duration, outcome: Result<(), String>) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.latency.record(took);
        if let Err(e) = outcome {
            self.errors.fetch_add(1, Ordering::Relaxed);
            self.first_error.lock().unwrap().get_or_insert(e);
        }
    }

    /// The BENCH line for this phase, which took `elapsed` and `cpu` of this process's CPU time.
    fn line(&self, kind: Kind, inflight: usize, elapsed: Duration, cpu: Duration) -> String {
        let calls = self.calls.load(Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        if let Some(e) = self.first_error.lock().unwrap().as_ref() {
            eprintln!("dubbo2: first error of {} ({} in flight): {e}", kind.name(), inflight);
        }
        format!(
            "BENCH kind={} inflight={inflight} calls={calls} seconds={secs:.2} calls_per_s={:.0} p50_us={:.1} p99_us={:.1} errors={} rss_kib={} cpu_us_per_call={:.1}",
            kind.name(),
            calls as f64 / secs,
            self.latency.quantile_us(0.50),
            self.latency.quantile_us(0.99),
            self.errors.load(Ordering::Relaxed),
            rss_kib(std::process::id()).unwrap_or(0),
            cpu.as_secs_f64() * 1e6 / calls.max(1) as f64,
        )
    }
}

/// CPU time (user + system) this process has used so far.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) closed by ')': utime and stime are 14 and 15.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after.split_whitespace().skip(11).take(2).filter_map(|f| f.parse::<u64>().ok()).sum();
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

/// VmRSS of a process, in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn runtime(name: &str) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// What a measuring client calls: the transport (one `Connection`, the same
/// encoded-per-call `Invocation`) or the facade (a `Reference`, the argument cloned per call).
#[derive(Clone)]
enum Caller {
    Transport(Connection, Arc<Invocation>),
    Facade(facade::Reference, &'static str, Value),
}

impl Caller {
    async fn call(&self) -> Result<Value, String> {
        match self {
            Caller::Transport(conn, inv) => match conn.call(inv, CALL_TIMEOUT).await {
                Ok(RpcResult { outcome: Outcome::Value(v), .. }) => Ok(v),
                Ok(other) => Err(format!("unexpected outcome {:?}", other.outcome)),
                Err(e) => Err(e.to_string()),
            },
            Caller::Facade(reference, method, arg) => {
                let options = CallOptions { timeout: Some(CALL_TIMEOUT), ..CallOptions::default() };
                reference.call(method, vec![arg.clone()], options).await.map(|r| r.value).map_err(|e| e.to_string())
            }
        }
    }
}

/// How long a phase sends new calls: at least `at_least` and `calls` calls,
/// never past `at_most`.
#[derive(Clone, Copy)]
struct Window {
    at_least: Duration,
    calls: u64,
    at_most: Duration,
}

/// Warm-ups as the Java bench client's: at least WARMUP s and 20,000 calls, at most 15 s
/// (a fresh JVM on the other end needs the calls to be compiled).
const WARMUP_CALLS: u64 = 20_000;
const WARMUP_AT_MOST: Duration = Duration::from_secs(15);

impl Window {
    fn warmup(at_least: Duration) -> Self {
        Window { at_least, calls: WARMUP_CALLS, at_most: at_least.max(WARMUP_AT_MOST) }
    }

    fn exactly(length: Duration) -> Self {
        Window { at_least: length, calls: 0, at_most: length }
    }

    /// A deadline check: true while new calls should still be sent.
    fn open(&self, start: Instant, stats: &Stats) -> bool {
        let elapsed = start.elapsed();
        elapsed < self.at_least || (elapsed < self.at_most && stats.calls.load(Ordering::Relaxed) < self.calls)
    }
}

/// `inflight` tasks, each calling in a loop while `window` is open; returns the stats and the time taken.
async fn phase(caller: &Caller, checker: &Arc<Checker>, inflight: usize, window: Window) -> (Arc<Stats>, Duration) {
    let stats = Stats::new();
    let start = Instant::now();
    let tasks: Vec<_> = (0..inflight)
        .map(|_| {
            let (caller, checker, stats) = (caller.clone(), checker.clone(), stats.clone());
            tokio::spawn(async move {
                while window.open(start, &stats) {
                    let sent = Instant::now();
                    let reply = caller.call().await;
                    let took = sent.elapsed();
                    let outcome = match reply {
                        Ok(v) if checker.ok(&v) => Ok(()),
                        Ok(v) => Err(format!("the reply differs from what was sent: {v:?}")),
                        Err(e) => Err(e),
                    };
                    stats.record(took, outcome);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("a calling task");
    }
    (stats, start.elapsed())
}

/// Warms up, measures, prints the BENCH line.
async fn measure(caller: Caller, kind: Kind, inflight: usize, warmup: Duration, seconds: Duration) {
    let checker = Arc::new(Checker::new(kind.value()));
    let _ = phase(&caller, &checker, inflight, Window::warmup(warmup)).await;
    let cpu = cpu_time();
    let (stats, elapsed) = phase(&caller, &checker, inflight, Window::exactly(seconds)).await;
    println!("{}", stats.line(kind, inflight, elapsed, cpu_time() - cpu));
}

/// The Rust server's echo: the first argument back as the value.
fn echo_exports() -> Arc<Exports> {
    let handler: Handler = Arc::new(|mut inv: Invocation| {
        Box::pin(async move {
            let v = if inv.args.is_empty() { Value::Null } else { inv.args.swap_remove(0) };
            Ok(RpcResult { outcome: Outcome::Value(v), attachments: None })
        })
    });
    Arc::new(Exports::any(handler))
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

async fn bind_echo_server() -> Server {
    Server::bind(loopback(0), echo_exports(), ServerOptions::default()).await.expect("bind the Rust server")
}

/// Facade references and services of the echo methods.
fn facade_reference(runtime: &Arc<facade::Runtime>, addr: SocketAddr) -> facade::Reference {
    let config = ClientConfig { timeout: CALL_TIMEOUT, ..ClientConfig::default() };
    let client = facade::Client::new(runtime.clone(), config).expect("a facade client");
    let mut config = ReferenceConfig::direct(SERVICE, format!("dubbo://{addr}"));
    config.methods =
        Kind::ALL.iter().map(|k| MethodSignature::new(k.method(), &[k.java_type()]).expect("a signature")).collect();
    client.reference(config).expect("a facade reference")
}

fn facade_echo_service() -> Service {
    let mut builder = Service::builder(SERVICE);
    for k in Kind::ALL {
        builder = builder.method(k.method(), &[k.java_type()]).expect("a method");
    }
    builder.handler(|req: facade::Request| async move { Ok(Response::from(req.args.into_iter().next().unwrap_or(Value::Null))) })
}

// ---------------------------------------------------------------- the raw floor

/// The request frame and the Rust server's response frame of one call, captured
/// by sending the encoded invocation to a real (temporary) Rust server.
fn capture(kind: Kind, server_rt: &tokio::runtime::Runtime) -> (Vec<u8>, Vec<u8>) {
    let body = kind.invocation().encode_body().expect("encode the invocation");
    let request = Frame::new(FrameKind::Request { twoway: true, event: false }, 1, body, DEFAULT_PAYLOAD).expect("a frame").to_bytes();
    let server = server_rt.block_on(bind_echo_server());
    let mut s = StdStream::connect(server.local_addr()).expect("connect to the capture server");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(&request).unwrap();
    let mut response = vec![0; HEADER_LEN];
    s.read_exact(&mut response).expect("a response header");
    let len = u32::from_be_bytes(response[12..16].try_into().unwrap()) as usize;
    response.resize(HEADER_LEN + len, 0);
    s.read_exact(&mut response[HEADER_LEN..]).expect("a response body");
    drop(s);
    drop(server);
    let (frame, _) = Frame::parse(&response, DEFAULT_PAYLOAD).unwrap().expect("a whole frame");
    let result = RpcResult::decode_body(&frame.body, None).expect("a result body");
    assert!(frame.header.id == 1 && result.outcome == Outcome::Value(kind.value()), "the captured reply echoes the value");
    (request, response)
}

fn frame_len(buf: &[u8]) -> Option<usize> {
    let head = buf.get(..HEADER_LEN)?;
    let len = HEADER_LEN + u32::from_be_bytes(head[12..16].try_into().unwrap()) as usize;
    (buf.len() >= len).then_some(len)
}

fn patch_id(frame: &mut [u8], id: i64) {
    frame[4..12].copy_from_slice(&id.to_be_bytes());
}

/// Answers each whole request frame with `response`, its id patched in: the
/// answers of one read in one write when `batched`, else a write per answer.
async fn raw_serve(listener: tokio::net::TcpListener, response: Arc<Vec<u8>>, batched: bool) {
    let Ok((mut socket, _)) = listener.accept().await else { return };
    let _ = socket.set_nodelay(true);
    let (mut buf, mut out) = (Vec::with_capacity(128 * 1024), Vec::with_capacity(128 * 1024));
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut start = 0;
        while let Some(len) = frame_len(&buf[start..]) {
            let at = out.len();
            out.extend_from_slice(&response);
            out[at + 4..at + 12].copy_from_slice(&buf[start + 4..start + 12]);
            start += len;
            if !batched {
                if socket.write_all(&out).await.is_err() {
                    return;
                }
                out.clear();
            }
        }
        buf.drain(..start);
        if !out.is_empty() {
            if socket.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
    }
}

/// Keeps `inflight` requests outstanding on one connection: each whole response
/// is checked (bytes equal to the captured ones, id in order) and answered by
/// the next request; the requests of one read go in one write when `batched`,
/// else each in a write of its own.
async fn raw_phase(
    socket: &mut tokio::net::TcpStream,
    request: &[u8],
    response: &[u8],
    next_id: &mut i64,
    inflight: usize,
    window: Window,
    batched: bool,
) -> (Arc<Stats>, Duration) {
    let stats = Stats::new();
    let start = Instant::now();
    let mut pending: VecDeque<(i64, Instant)> = VecDeque::with_capacity(inflight);
    let (mut out, mut buf) = (Vec::with_capacity(128 * 1024), Vec::with_capacity(128 * 1024));
    let mut chunk = vec![0u8; 64 * 1024];
    let mut expected = response.to_vec();
    let mut send = |out: &mut Vec<u8>, pending: &mut VecDeque<(i64, Instant)>| {
        let at = out.len();
        out.extend_from_slice(request);
        patch_id(&mut out[at..], *next_id);
        pending.push_back((*next_id, Instant::now()));
        *next_id += 1;
    };
    for _ in 0..inflight {
        send(&mut out, &mut pending);
        if !batched {
            socket.write_all(&out).await.expect("raw write");
            out.clear();
        }
    }
    while !pending.is_empty() {
        if !out.is_empty() {
            socket.write_all(&out).await.expect("raw write");
            out.clear();
        }
        let n = match tokio::time::timeout(CALL_TIMEOUT, socket.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => n,
            other => {
                stats.record(Duration::ZERO, Err(format!("raw read ended: {other:?}")));
                break;
            }
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut at = 0;
        while let Some(len) = frame_len(&buf[at..]) {
            let (id, sent) = pending.pop_front().expect("a response answers a pending request");
            let took = sent.elapsed();
            patch_id(&mut expected, id);
            let ok = if buf[at..at + len] == expected[..] { Ok(()) } else { Err(format!("raw reply {id} differs")) };
            stats.record(took, ok);
            at += len;
            if window.open(start, &stats) {
                send(&mut out, &mut pending);
                if !batched {
                    socket.write_all(&out).await.expect("raw write");
                    out.clear();
                }
            }
        }
        buf.drain(..at);
    }
    (stats, start.elapsed())
}

fn run_raw(kind: Kind, inflight: usize, warmup: Duration, seconds: Duration, batched: bool) {
    let (client_rt, server_rt) = (runtime("bench-client"), runtime("bench-server"));
    let (request, response) = capture(kind, &server_rt);
    let value_len = libdubbo_core::hessian2::encode(&kind.value()).map_or(0, |b| b.len());
    eprintln!(
        "dubbo2: {}: the value is {value_len} bytes of Hessian2; request frame {} bytes, response frame {} bytes",
        kind.name(),
        request.len(),
        response.len()
    );
    let response = Arc::new(response);
    let listener = server_rt.block_on(tokio::net::TcpListener::bind(loopback(0))).expect("bind the raw server");
    let addr = listener.local_addr().unwrap();
    server_rt.spawn(raw_serve(listener, response.clone(), batched));
    client_rt.block_on(async move {
        let mut socket = tokio::net::TcpStream::connect(addr).await.expect("connect to the raw server");
        socket.set_nodelay(true).unwrap();
        let mut id = 1;
        let _ = raw_phase(&mut socket, &request, &response, &mut id, inflight, Window::warmup(warmup), batched).await;
        let cpu = cpu_time();
        let (stats, elapsed) =
            raw_phase(&mut socket, &request, &response, &mut id, inflight, Window::exactly(seconds), batched).await;
        println!("{}", stats.line(kind, inflight, elapsed, cpu_time() - cpu));
    });
}

// ---------------------------------------------------------------- child modes

/// The codec work of one call, on one thread with no I/O: the client encodes the
/// invocation, the server decodes it and encodes its result (with the `dubbo`
/// attachment it adds), the client decodes that. Prints µs per call.
fn run_codec(kind: Kind, seconds: Duration) {
    use libdubbo_core::hessian2::ClassCache;
    let (inv, expected) = (kind.invocation(), kind.value());
    let (server_classes, client_classes) = (ClassCache::new(), ClassCache::new());
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < seconds {
        for _ in 0..100 {
            let body = inv.encode_body().expect("encode the invocation");
            let mut call = Invocation::decode_body(&body, Some(&server_classes)).expect("decode the invocation");
            let result = RpcResult {
                outcome: Outcome::Value(call.args.swap_remove(0)),
                attachments: Some(vec![("dubbo".into(), Value::from("2.0.2"))]),
            };
            let body = result.encode_body().expect("encode the result");
            let back = RpcResult::decode_body(&body, Some(&client_classes)).expect("decode the result");
            assert!(matches!(&back.outcome, Outcome::Value(v) if *v == expected), "the codec round trip keeps the value");
            calls += 1;
        }
    }
    println!("CODEC kind={} us_per_call={:.2}", kind.name(), start.elapsed().as_secs_f64() * 1e6 / calls as f64);
}

fn run_local(kind: Kind, inflight: usize, warmup: Duration, seconds: Duration, through_facade: bool) {
    if through_facade {
        let (client_rt, server_rt) = (facade::Runtime::new(2).unwrap(), facade::Runtime::new(2).unwrap());
        let config = ServerConfig { bind: loopback(0), ..ServerConfig::default() };
        let server = facade::Server::bind_blocking(server_rt.clone(), config).expect("bind the facade server");
        server.export(facade_echo_service()).expect("export");
        let reference = facade_reference(&client_rt, server.local_addr());
        let caller = Caller::Facade(reference, kind.method(), kind.value());
        client_rt.block_on(measure(caller, kind, inflight, warmup, seconds)).unwrap();
        server.close();
    } else {
        let (client_rt, server_rt) = (runtime("bench-client"), runtime("bench-server"));
        let server = server_rt.block_on(bind_echo_server());
        let addr = server.local_addr();
        client_rt.block_on(async move {
            let conn = Connection::connect(addr, ClientOptions::default()).await.expect("connect");
            measure(Caller::Transport(conn, Arc::new(kind.invocation())), kind, inflight, warmup, seconds).await;
        });
        drop(server);
    }
}

fn run_client(addr: SocketAddr, kind: Kind, inflight: usize, warmup: Duration, seconds: Duration, through_facade: bool) {
    if through_facade {
        let rt = facade::Runtime::new(2).unwrap();
        let caller = Caller::Facade(facade_reference(&rt, addr), kind.method(), kind.value());
        rt.block_on(measure(caller, kind, inflight, warmup, seconds)).unwrap();
    } else {
        runtime("bench-client").block_on(async move {
            let conn = Connection::connect(addr, ClientOptions::default()).await.expect("connect");
            measure(Caller::Transport(conn, Arc::new(kind.invocation())), kind, inflight, warmup, seconds).await;
        });
    }
}

fn run_serve() {
    let rt = runtime("bench-server");
    let server = rt.block_on(bind_echo_server());
    println!("READY {}", server.local_addr().port());
    std::io::stdout().flush().unwrap();
    // Serve until the parent closes stdin (or kills us), at most SERVE_AT_MOST.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        let _ = tx.send(());
    });
    let _ = rx.recv_timeout(SERVE_AT_MOST);
    drop(server);
}

// ---------------------------------------------------------------- the orchestrator

/// A child process whose stdout lines arrive on a channel; killed when dropped.
struct Proc {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    what: String,
}

impl Proc {
    fn spawn(mut cmd: Command, what: String, quiet_stderr: bool) -> Result<Proc, String> {
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped());
        cmd.stderr(if quiet_stderr { Stdio::piped() } else { Stdio::inherit() });
        let mut child = cmd.spawn().map_err(|e| format!("{what}: cannot start: {e}"))?;
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(stderr) = child.stderr.take() {
            let tail = stderr_tail.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    let mut tail = tail.lock().unwrap();
                    if tail.len() == 20 {
                        tail.pop_front();
                    }
                    tail.push_back(line);
                }
            });
        }
        Ok(Proc { child, lines, stderr_tail, what })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The first stdout line starting with `prefix`, within `within`.
    fn line(&self, prefix: &str, within: Duration) -> Result<String, String> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return Ok(line),
                Ok(_) => {}
                Err(e) => {
                    let tail: Vec<String> = self.stderr_tail.lock().unwrap().iter().cloned().collect();
                    return Err(format!("{}: no {prefix:?} line ({e:?}); stderr tail:\n{}", self.what, tail.join("\n")));
                }
            }
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A BENCH line's fields.
#[derive(Debug, Clone)]
struct Bench {
    calls_per_s: f64,
    p50_us: f64,
    p99_us: f64,
    calls: u64,
    errors: u64,
    rss_kib: u64,
    /// CPU time of the client process per call (Rust clients only).
    cpu_us_per_call: Option<f64>,
}

fn parse_bench(line: &str) -> Result<Bench, String> {
    let field = |key: &str| -> Result<f64, String> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("no {key} in {line:?}"))
    };
    Ok(Bench {
        calls_per_s: field("calls_per_s")?,
        p50_us: field("p50_us")?,
        p99_us: field("p99_us")?,
        calls: field("calls")? as u64,
        errors: field("errors")? as u64,
        rss_kib: field("rss_kib")? as u64,
        cpu_us_per_call: field("cpu_us_per_call").ok(),
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scenario {
    Raw,
    RawPerFrame,
    RustRust,
    RustRustFacade,
    RustJava,
    RustJavaFacade,
    JavaRust,
    JavaJava,
}

impl Scenario {
    const ALL: [Scenario; 8] = [
        Scenario::Raw,
        Scenario::RawPerFrame,
        Scenario::RustRust,
        Scenario::RustRustFacade,
        Scenario::RustJava,
        Scenario::RustJavaFacade,
        Scenario::JavaRust,
        Scenario::JavaJava,
    ];

    fn id(self) -> &'static str {
        match self {
            Scenario::Raw => "raw",
            Scenario::RawPerFrame => "raw-per-frame",
            Scenario::RustRust => "rust-rust",
            Scenario::RustRustFacade => "rust-rust-facade",
            Scenario::RustJava => "rust-java",
            Scenario::RustJavaFacade => "rust-java-facade",
            Scenario::JavaRust => "java-rust",
            Scenario::JavaJava => "java-java",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Scenario::Raw => "raw TCP floor",
            Scenario::RawPerFrame => "raw TCP, a write per frame",
            Scenario::RustRust => "rust→rust",
            Scenario::RustRustFacade => "rust→rust (facade)",
            Scenario::RustJava => "rust→java",
            Scenario::RustJavaFacade => "rust→java (facade)",
            Scenario::JavaRust => "java→rust",
            Scenario::JavaJava => "java→java",
        }
    }

    fn needs_java(self) -> bool {
        matches!(self, Scenario::RustJava | Scenario::RustJavaFacade | Scenario::JavaRust | Scenario::JavaJava)
    }

    /// Client and server in one process: one RSS for both.
    fn in_process(self) -> bool {
        matches!(self, Scenario::Raw | Scenario::RawPerFrame | Scenario::RustRust | Scenario::RustRustFacade)
    }
}

struct Settings {
    exe: std::path::PathBuf,
    jar: Option<String>,
    warmup: u64,
    seconds: u64,
}

impl Settings {
    /// Bound on a measuring child: its warm-up, measurement, JVM start and drains.
    fn bench_within(&self) -> Duration {
        // The Java bench warms up for 3 to 15 s whatever `warmup` says.
        Duration::from_secs(self.warmup.max(15) + self.seconds + 120)
    }

    fn rust(&self, args: &[String]) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.args(args);
        cmd
    }

    fn java(&self, args: &[String]) -> Command {
        let mut cmd = Command::new("java");
        cmd.arg("-jar").arg(self.jar.as_deref().unwrap_or("")).args(args);
        cmd
    }

    fn timing(&self) -> [String; 2] {
        [self.warmup.to_string(), self.seconds.to_string()]
    }

    fn java_provider(&self) -> Result<(Proc, SocketAddr), String> {
        let port = StdListener::bind(loopback(0)).map_err(|e| e.to_string())?.local_addr().unwrap().port();
        let provider = Proc::spawn(self.java(&["provider".into(), port.to_string()]), "java provider".into(), true)?;
        provider.line("READY", READY_WITHIN)?;
        Ok((provider, loopback(port)))
    }

    fn rust_server(&self) -> Result<(Proc, SocketAddr), String> {
        let server = Proc::spawn(self.rust(&["serve".into()]), "rust server".into(), false)?;
        let ready = server.line("READY", Duration::from_secs(10))?;
        let port = ready.trim_start_matches("READY").trim().parse().map_err(|e| format!("{ready:?}: {e}"))?;
        Ok((server, loopback(port)))
    }

    /// One row: the client's BENCH figures and the server's RSS (KiB) when it
    /// runs as a process of its own, read as the client reports.
    fn row(&self, scenario: Scenario, kind: Kind, inflight: usize) -> Result<(Bench, Option<u64>), String> {
        let (k, n) = (kind.name().to_owned(), inflight.to_string());
        let [w, s] = self.timing();
        let measure = |client: Proc, server: Option<&Proc>| -> Result<(Bench, Option<u64>), String> {
            let line = client.line("BENCH", self.bench_within())?;
            let server_rss = server.and_then(|p| rss_kib(p.pid()));
            Ok((parse_bench(&line)?, server_rss))
        };
        let java_bench = |addr: SocketAddr| {
            let args = ["bench".into(), format!("dubbo://{addr}"), k.clone(), n.clone(), s.clone()];
            Proc::spawn(self.java(&args), "java bench".into(), true)
        };
        match scenario {
            Scenario::Raw | Scenario::RawPerFrame | Scenario::RustRust | Scenario::RustRustFacade => {
                let mode = match scenario {
                    Scenario::Raw => "raw",
                    Scenario::RawPerFrame => "raw-per-frame",
                    Scenario::RustRust => "local",
                    _ => "local-facade",
                };
                let client = Proc::spawn(self.rust(&[mode.into(), k, n, w, s]), scenario.id().into(), false)?;
                measure(client, None)
            }
            Scenario::RustJava | Scenario::RustJavaFacade => {
                let (provider, addr) = self.java_provider()?;
                let mode = if scenario == Scenario::RustJava { "client" } else { "client-facade" };
                let client = Proc::spawn(self.rust(&[mode.into(), addr.to_string(), k, n, w, s]), scenario.id().into(), false)?;
                measure(client, Some(&provider))
            }
            Scenario::JavaRust => {
                let (server, addr) = self.rust_server()?;
                measure(java_bench(addr)?, Some(&server))
            }
            Scenario::JavaJava => {
                let (provider, addr) = self.java_provider()?;
                measure(java_bench(addr)?, Some(&provider))
            }
        }
    }
}

/// The machine counts as quiet below this share of all CPUs busy.
const QUIET: f64 = 0.15;
/// How long a row waits at most for a quiet machine.
const QUIET_WITHIN: Duration = Duration::from_secs(120);

/// The busy share of all CPUs over the next second (from /proc/stat).
fn busy_share() -> f64 {
    let sample = || -> Option<(u64, u64)> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let cpu: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
        // user nice system idle iowait irq softirq steal (guest time is already in user)
        let total: u64 = cpu.iter().take(8).sum();
        let idle = cpu.get(3)? + cpu.get(4).unwrap_or(&0);
        Some((total, idle))
    };
    let Some((t0, i0)) = sample() else { return 0.0 };
    std::thread::sleep(Duration::from_secs(1));
    let Some((t1, i1)) = sample() else { return 0.0 };
    let (total, idle) = (t1.saturating_sub(t0), i1.saturating_sub(i0));
    if total == 0 { 0.0 } else { 1.0 - idle as f64 / total as f64 }
}

/// Waits (at most `within`) until the machine is quiet; returns the last busy share seen.
fn wait_for_quiet(within: Duration) -> f64 {
    let started = Instant::now();
    loop {
        let busy = busy_share();
        if busy < QUIET || started.elapsed() >= within {
            return busy;
        }
        eprintln!("dubbo2: the machine is {:.0}% busy; waiting for it to quieten", busy * 100.0);
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn orchestrate(args: &[String]) {
    let mut settings = Settings {
        exe: std::env::current_exe().expect("this executable"),
        jar: std::env::var("LIBDUBBO_JAVA_PEER_JAR").ok(),
        warmup: 3,
        seconds: 5,
    };
    let mut only: Option<Vec<String>> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--jar" => settings.jar = Some(value()),
            "--warmup" => settings.warmup = value().parse().unwrap_or_else(|_| usage()),
            "--seconds" => settings.seconds = value().parse().unwrap_or_else(|_| usage()),
            "--only" => only = Some(value().split(',').map(str::to_owned).collect()),
            _ => usage(),
        }
    }
    if !(1..=60).contains(&settings.seconds) || settings.warmup > 60 {
        usage();
    }
    let jar_ok = settings.jar.as_deref().is_some_and(|j| std::path::Path::new(j).is_file());
    if !jar_ok {
        eprintln!("dubbo2: no Java peer jar (--jar or LIBDUBBO_JAVA_PEER_JAR): Java rows are skipped");
    }
    let scenarios: Vec<Scenario> = Scenario::ALL
        .into_iter()
        .filter(|s| only.as_ref().is_none_or(|o| o.iter().any(|x| x == s.id())))
        .filter(|s| jar_ok || !s.needs_java())
        .collect();

    let mut table = String::from(
        "| scenario | payload | in flight | calls/s | p50 µs | p99 µs | client RSS MiB | server RSS MiB | errors | client CPU µs/call |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut results: Vec<(Scenario, Kind, usize, Bench)> = Vec::new();
    let mut busiest: f64 = 0.0;
    for kind in Kind::ALL {
        for inflight in [1, 64] {
            for &scenario in &scenarios {
                let busy = wait_for_quiet(QUIET_WITHIN);
                busiest = busiest.max(busy);
                eprintln!("dubbo2: {} {} x{inflight} (machine {:.0}% busy before) ...", scenario.id(), kind.name(), busy * 100.0);
                let row = settings.row(scenario, kind, inflight);
                let cells = match &row {
                    Ok((b, server_rss)) => {
                        let server = match (scenario.in_process(), server_rss) {
                            (true, _) => "(same process)".to_owned(),
                            (false, Some(kib)) => mib(*kib),
                            (false, None) => "?".to_owned(),
                        };
                        let client = if b.rss_kib > 0 { mib(b.rss_kib) } else { "?".to_owned() };
                        let cpu = b.cpu_us_per_call.map_or_else(String::new, |c| format!("{c:.1}"));
                        format!(
                            "{} | {:.1} | {:.1} | {client} | {server} | {}{} | {cpu}",
                            thousands(b.calls_per_s),
                            b.p50_us,
                            b.p99_us,
                            b.errors,
                            if b.calls == 0 { " (no calls)" } else { "" }
                        )
                    }
                    Err(e) => {
                        eprintln!("dubbo2: {} {} x{inflight} failed: {e}", scenario.id(), kind.name());
                        "failed | | | | | | ".to_owned()
                    }
                };
                let line = format!("| {} | {} | {inflight} | {cells} |\n", scenario.label(), kind.name());
                eprint!("{line}");
                table.push_str(&line);
                if let Ok((b, _)) = row {
                    results.push((scenario, kind, inflight, b));
                }
            }
        }
    }
    println!("{table}");
    println!(
        "Before each row the machine was at most {:.0}% busy (all CPUs, over 1 s; rows wait up to {} s for < {:.0}%).\n",
        busiest * 100.0,
        QUIET_WITHIN.as_secs(),
        QUIET * 100.0
    );

    let rate = |s: Scenario, k: Kind, n: usize| {
        results.iter().find(|(s2, k2, n2, b)| *s2 == s && *k2 == k && *n2 == n && b.errors == 0).map(|r| r.3.calls_per_s)
    };
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
        _ => "n/a".to_owned(),
    };
    println!(
        "| payload | in flight | rust→rust / java→java (target ≥ 1.5x) | rust→rust / raw floor (target ≥ 0.8x) | rust→rust / raw, a write per frame |"
    );
    println!("|---|---:|---:|---:|---:|");
    for kind in Kind::ALL {
        for n in [1, 64] {
            let ours = rate(Scenario::RustRust, kind, n);
            println!(
                "| {} | {n} | {} | {} | {} |",
                kind.name(),
                ratio(ours, rate(Scenario::JavaJava, kind, n)),
                ratio(ours, rate(Scenario::Raw, kind, n)),
                ratio(ours, rate(Scenario::RawPerFrame, kind, n))
            );
        }
    }
    println!();
    for kind in Kind::ALL {
        let codec = Proc::spawn(settings.rust(&["codec".into(), kind.name().into()]), "codec".into(), false)
            .and_then(|p| p.line("CODEC", Duration::from_secs(30)));
        match codec {
            Ok(line) => println!(
                "Codec work of one {} call alone (encode + decode of request and response, one thread, no I/O): {} µs.",
                kind.name(),
                line.rsplit('=').next().unwrap_or("?")
            ),
            Err(e) => eprintln!("dubbo2: codec {}: {e}", kind.name()),
        }
    }
    let errors: u64 = results.iter().map(|r| r.3.errors).sum();
    let failed = scenarios.len() * 4 - results.len();
    if errors > 0 || failed > 0 {
        eprintln!("dubbo2: {errors} call errors, {failed} rows failed");
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: dubbo2 [--jar JAR] [--warmup S] [--seconds S (1-60)] [--only {}]\n\
         \x20      dubbo2 raw|raw-per-frame|local|local-facade KIND INFLIGHT WARMUP SECONDS\n\
         \x20      dubbo2 client|client-facade ADDR KIND INFLIGHT WARMUP SECONDS\n\
         \x20      dubbo2 serve\n\
         \x20      dubbo2 codec KIND\n\
         KIND: string100 | pojo1k; INFLIGHT: 1-1024",
        Scenario::ALL.map(Scenario::id).join(",")
    );
    std::process::exit(2)
}

/// KIND INFLIGHT WARMUP SECONDS of a measuring mode.
fn measuring_args(args: &[String]) -> (Kind, usize, Duration, Duration) {
    let [kind, inflight, warmup, seconds] = args else { usage() };
    let kind = Kind::parse(kind).unwrap_or_else(|| usage());
    let inflight = inflight.parse().ok().filter(|n| (1..=1024).contains(n)).unwrap_or_else(|| usage());
    let secs = |s: &String, max| s.parse().ok().filter(|&s| s <= max).map(Duration::from_secs).unwrap_or_else(|| usage());
    (kind, inflight, secs(warmup, 60), secs(seconds, 60))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some(mode @ ("raw" | "raw-per-frame")) => {
            let (k, n, w, s) = measuring_args(&args[1..]);
            run_raw(k, n, w, s, mode == "raw");
        }
        Some(mode @ ("local" | "local-facade")) => {
            let (k, n, w, s) = measuring_args(&args[1..]);
            run_local(k, n, w, s, mode == "local-facade");
        }
        Some(mode @ ("client" | "client-facade")) => {
            let addr: SocketAddr = args.get(1).and_then(|a| a.parse().ok()).unwrap_or_else(|| usage());
            if !addr.ip().is_loopback() {
                usage();
            }
            let (k, n, w, s) = measuring_args(&args[2..]);
            run_client(addr, k, n, w, s, mode == "client-facade");
        }
        Some("serve") => run_serve(),
        Some("codec") => run_codec(args.get(1).and_then(|k| Kind::parse(k)).unwrap_or_else(|| usage()), Duration::from_secs(2)),
        _ => orchestrate(&args),
    }
}
