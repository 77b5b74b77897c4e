//! The server side: accept connections, cut frames, find each call's service,
//! run its handler on a task of its own, and answer as a Java provider answers;
//! stop gracefully (readonly notice, drain, close) as Java 3.3 does.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::time::Instant;

use super::exports::{no_such_method, Exports, Target};
use super::io::{idle_ticker, write_batches, FrameReader, Incoming};
use super::panic::CatchUnwind;
use super::{Rejection, TransportError};
use crate::hessian2::ClassCache;
use crate::protocol::{
    encode_error_body, generalize, serialization, Frame, Header, Invocation, Kind, Outcome, RpcResult, Status, DEFAULT_PAYLOAD,
    DUBBO_VERSION,
};
use crate::Value;

/// Server settings, with Java Dubbo's defaults.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Largest body accepted or sent (`payload`, 8 MiB).
    pub max_payload: usize,
    /// Calls running at once before new ones get status 100 (Java's `threads`, 200).
    pub max_concurrent_calls: usize,
    /// A connection with nothing read for this long is closed (Java: 3 × heartbeat, 180 s).
    pub idle_timeout: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions { max_payload: DEFAULT_PAYLOAD, max_concurrent_calls: 200, idle_timeout: Duration::from_secs(180) }
    }
}

/// State shared by the server handle, the accept loop and every connection.
struct Shared {
    exports: Arc<Exports>,
    options: ServerOptions,
    local_addr: SocketAddr,
    /// One permit per running call.
    permits: Arc<Semaphore>,
    /// Each open connection's writer, for readonly notices.
    connections: Mutex<HashMap<u64, mpsc::Sender<Vec<u8>>>>,
    next_connection: AtomicU64,
    next_event_id: AtomicI64,
    readonly: AtomicBool,
    /// True: stop accepting.
    stop_accepting: watch::Sender<bool>,
    /// True: close every connection.
    close_all: watch::Sender<bool>,
}

impl Shared {
    fn calls_running(&self) -> usize {
        self.options.max_concurrent_calls - self.permits.available_permits()
    }

    fn send_readonly_events(&self, readonly: bool) {
        let writers: Vec<_> = self.connections.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect();
        for writer in writers {
            let id = self.next_event_id.fetch_add(1, Ordering::Relaxed);
            let _ = writer.try_send(Frame::readonly_event(id, readonly).to_bytes());
        }
    }
}

/// A listening server; dropping it closes it at once ([`Server::shutdown`] is the graceful way).
pub struct Server {
    shared: Arc<Shared>,
}

impl Server {
    /// Binds `addr` and serves the services of `exports` on the current runtime.
    /// Services may be exported and unexported while it runs.
    pub async fn bind(addr: SocketAddr, exports: Arc<Exports>, options: ServerOptions) -> Result<Server, TransportError> {
        let listener = TcpListener::bind(addr).await.map_err(|e| TransportError::Io(format!("bind {addr}: {e}")))?;
        let local_addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            exports,
            permits: Arc::new(Semaphore::new(options.max_concurrent_calls)),
            options,
            local_addr,
            connections: Mutex::default(),
            next_connection: AtomicU64::new(0),
            next_event_id: AtomicI64::new(1),
            readonly: AtomicBool::new(false),
            stop_accepting: watch::channel(false).0,
            close_all: watch::channel(false).0,
        });
        tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(Server { shared })
    }

    /// The address it listens on (with the port the OS chose for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.local_addr
    }

    /// The services it serves.
    pub fn exports(&self) -> &Arc<Exports> {
        &self.shared.exports
    }

    /// Connections open now.
    pub fn connection_count(&self) -> usize {
        self.shared.connections.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Java's graceful shutdown: tell every consumer the server is readonly, stop
    /// accepting, let running calls finish (calls that still arrive are served)
    /// until none runs or `timeout` passes, then close every connection. Returns
    /// how many calls were still running when it closed.
    pub async fn shutdown(&self, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        self.shared.readonly.store(true, Ordering::SeqCst);
        self.shared.send_readonly_events(true);
        self.shared.stop_accepting.send_replace(true);
        // Bounded by the deadline; a short poll keeps this free of extra bookkeeping per call.
        while self.shared.calls_running() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let left = self.shared.calls_running();
        if left > 0 {
            tracing::warn!(left, "shutdown deadline passed with calls still running");
        }
        self.close();
        left
    }

    /// Stops accepting and closes every connection now.
    pub fn close(&self) {
        self.shared.stop_accepting.send_replace(true);
        self.shared.close_all.send_replace(true);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.close();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut stop = shared.stop_accepting.subscribe();
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|&s| s) => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve_connection(stream, peer, shared.clone()));
            }
            Err(e) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// What one connection's requests need to be served.
struct ConnectionContext {
    shared: Arc<Shared>,
    writer: mpsc::Sender<Vec<u8>>,
    classes: ClassCache,
    /// Java's "consumer: A --> provider: B" text.
    channel: String,
}

async fn serve_connection(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let (read, write) = stream.into_split();
    let (writer, queue) = mpsc::channel::<Vec<u8>>(1024);
    let mut closing = shared.close_all.subscribe();
    let counts = shared.clone();
    tokio::spawn(write_batches(write, queue, shared.close_all.subscribe(), move || counts.calls_running() > 1));
    let id = shared.next_connection.fetch_add(1, Ordering::Relaxed);
    shared.connections.lock().unwrap_or_else(|p| p.into_inner()).insert(id, writer.clone());
    if shared.readonly.load(Ordering::SeqCst) {
        let _ = writer.try_send(Frame::readonly_event(0, true).to_bytes());
    }
    let channel = format!("consumer: /{peer} --> provider: /{}", shared.local_addr);
    let cx = Arc::new(ConnectionContext { shared: shared.clone(), writer, classes: ClassCache::new(), channel });
    let mut reader = FrameReader::new(read, shared.options.max_payload);
    let idle = shared.options.idle_timeout;
    let mut ticks = idle_ticker(idle);
    let mut last_read = Instant::now();
    loop {
        let next = tokio::select! {
            _ = closing.wait_for(|&c| c) => break,
            _ = ticks.tick() => {
                if last_read.elapsed() < idle {
                    continue;
                }
                tracing::info!(%peer, idle_ms = idle.as_millis() as u64, "closing an idle connection");
                break;
            }
            next = reader.next() => next,
        };
        last_read = Instant::now();
        match next {
            Ok(Some(Incoming::Frame(frame))) => dispatch(frame, &cx).await,
            Ok(Some(Incoming::Oversize { header, max })) => {
                let message = format!("Fail to decode request due to: Data length too large: {}, max payload: {max}", header.body_len);
                tracing::warn!(%peer, %message, "skipped an oversized request");
                if matches!(header.kind, Kind::Request { twoway: true, event: false }) {
                    let _ = cx.writer.send(error_frame(&header, Status::BadRequest, &message)).await;
                }
            }
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(%peer, error = %e, "closing the connection");
                break;
            }
        }
    }
    shared.connections.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
}

async fn dispatch(frame: Frame, cx: &Arc<ConnectionContext>) {
    let Kind::Request { twoway, event } = frame.header.kind else {
        return tracing::debug!(id = frame.header.id, "ignored a response sent to a server");
    };
    let header = frame.header;
    if event {
        if frame.is_heartbeat() {
            let _ = cx.writer.send(Frame::heartbeat_reply(&frame).to_bytes()).await;
        }
        return;
    }
    let reject = |status, message: String| async move {
        if twoway {
            let _ = cx.writer.send(error_frame(&header, status, &message)).await;
        } else {
            tracing::debug!(%message, "rejected a oneway call");
        }
    };
    if header.serialization != serialization::HESSIAN2 {
        let message = format!(
            "Fail to decode request due to: java.io.IOException: Unrecognized serialize type from consumer: {}",
            header.serialization
        );
        return reject(Status::BadRequest, message).await;
    }
    let invocation = match Invocation::decode_body(&frame.body, Some(&cx.classes)) {
        Ok(inv) => inv,
        Err(e) => return reject(Status::BadRequest, format!("Fail to decode request due to: {e}")).await,
    };
    let service = match cx.shared.exports.resolve(&invocation, cx.shared.local_addr.port(), &cx.channel) {
        Target::Service(service) => service,
        Target::Reject(Rejection { status, message }) => return reject(status, message).await,
    };
    let Ok(permit) = cx.shared.permits.clone().try_acquire_owned() else {
        let addr = cx.shared.local_addr;
        let message = format!(
            "Server side({},{}) thread pool is exhausted, detail msg:{} calls running, max_concurrent_calls={}",
            addr.ip(),
            addr.port(),
            cx.shared.calls_running(),
            cx.shared.options.max_concurrent_calls
        );
        return reject(Status::ServerThreadpoolExhausted, message).await;
    };
    let cx = cx.clone();
    tokio::spawn(async move {
        let attachments_ok = supports_response_attachments(&invocation.dubbo_version);
        let generic = invocation.is_generic();
        // The permit is held until the reply is queued: a call counts as running (for
        // the pool, the drain and the writer's batching) until its answer is on its way.
        let _permit = permit;
        let answer = run(invocation, &service).await;
        if !twoway {
            return;
        }
        let mut result = match answer {
            Ok(result) => result,
            Err(Rejection { status, message }) => {
                let _ = cx.writer.send(error_frame(&header, status, &message)).await;
                return;
            }
        };
        if let (true, Outcome::Value(v)) = (generic, &mut result.outcome) {
            *v = generalize(std::mem::replace(v, Value::Null));
        }
        result.attachments = attachments_ok.then(|| {
            let mut a = result.attachments.take().unwrap_or_default();
            if !a.iter().any(|(k, _)| k == "dubbo") {
                a.push(("dubbo".to_owned(), Value::from(DUBBO_VERSION)));
            }
            a
        });
        let max = cx.shared.options.max_payload;
        let reply = result.encode_frame(header.id, max);
        let bytes = reply.unwrap_or_else(|e| {
            // Java answers an unencodable or oversized result with SERIALIZATION_ERROR (25).
            tracing::warn!(error = %e, "could not send a result");
            error_frame(&header, Status::SerializationError, &e.to_string())
        });
        let _ = cx.writer.send(bytes).await;
    });
}

/// Runs one call: `$echo` here, generic calls unwrapped, then the handler, whose
/// panic becomes SERVER_ERROR (80) rather than a lost reply.
async fn run(invocation: Invocation, service: &super::Exported) -> Result<RpcResult, Rejection> {
    if invocation.is_echo() {
        let outcome = match invocation.args.into_iter().next() {
            None | Some(Value::Null) => Outcome::Null,
            Some(v) => Outcome::Value(v),
        };
        return Ok(RpcResult { outcome, attachments: None });
    }
    let invocation = if invocation.is_generic() {
        // Java's GenericFilter refuses these with an RpcException, sent as SERVICE_ERROR (70).
        let refuse = |message| Err(Rejection { status: Status::ServiceError, message });
        let path = invocation.path.clone();
        match invocation.unwrap_generic() {
            Ok(call) if service.has_method(&call.method) => call,
            Ok(call) => return refuse(no_such_method(&path, &call.method)),
            Err(e) => return refuse(format!("org.apache.dubbo.rpc.RpcException: {e}")),
        }
    } else {
        invocation
    };
    match CatchUnwind((service.handler)(invocation)).await {
        Ok(answer) => answer,
        Err(panic) => {
            tracing::error!(%panic, "a service handler panicked");
            Err(Rejection { status: Status::ServerError, message: format!("java.lang.RuntimeException: the handler panicked: {panic}") })
        }
    }
}

fn error_frame(request: &Header, status: Status, message: &str) -> Vec<u8> {
    let body = encode_error_body(message);
    // Error strings go out in the server's own serialization (hessian2), as Java's do.
    let header = Header {
        kind: Kind::Response { status, event: false },
        serialization: serialization::HESSIAN2,
        id: request.id,
        body_len: body.len() as u32,
    };
    Frame { header, body }.to_bytes()
}

/// Java sends response attachments (flags 3-5) only to requests of version 2.0.2..=2.0.99.
fn supports_response_attachments(version: &str) -> bool {
    match version.strip_prefix("2.0.").and_then(|p| p.parse::<u32>().ok()) {
        Some(patch) => (2..=99).contains(&patch),
        None => false,
    }
}
