//! The client side of one TCP connection: many calls in flight, told apart by
//! request id; one deadline per call; every pending call failed, never
//! forgotten, when the connection ends; a heartbeat when the provider has been
//! quiet, and the connection dropped when heartbeats go unanswered.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::io::{idle_ticker, write_batches, FrameReader, Incoming};
use super::TransportError;
use crate::hessian2::ClassCache;
use crate::protocol::{decode_error_body, serialization, Frame, Invocation, Kind, ProtocolError, RpcResult, Status, DEFAULT_PAYLOAD};

/// Connection settings, with Java Dubbo's defaults.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Largest body sent or accepted (`payload`, 8 MiB).
    pub max_payload: usize,
    /// Calls allowed in flight before new ones fail with `Overloaded`.
    pub max_in_flight: usize,
    /// Deadline for establishing the connection (Java's `connect.timeout`, 3 s).
    pub connect_timeout: Duration,
    /// Quiet time after which a heartbeat is sent (Java's `heartbeat`, 60 s); after
    /// [`MISSED_HEARTBEATS`] of them with nothing read, the connection is closed.
    pub heartbeat: Duration,
}

/// Heartbeats sent with nothing read back before the connection is given up
/// (Java's idle timeout is 3 × `heartbeat`).
pub const MISSED_HEARTBEATS: u32 = 3;

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            max_payload: DEFAULT_PAYLOAD,
            max_in_flight: 10_000,
            connect_timeout: Duration::from_secs(3),
            heartbeat: Duration::from_secs(60),
        }
    }
}

/// What a pending call receives: the response frame, or why there is none.
type Reply = Result<Frame, TransportError>;

/// State shared by the handles, the reader task and the writer task.
struct Shared {
    pending: Mutex<HashMap<i64, oneshot::Sender<Reply>>>,
    /// Why the connection ended, once it has.
    closed: Mutex<Option<String>>,
    readonly: AtomicBool,
    next_id: AtomicI64,
    options: ClientOptions,
    /// Class definitions seen on this connection, reused by every response decoded.
    classes: ClassCache,
    /// Turns true when the connection ends, to stop its reader and writer.
    stop: watch::Sender<bool>,
}

impl Shared {
    /// Ends the connection once: records why and fails every pending call.
    /// `expected` closes (by the client itself) are not worth a warning.
    fn close(&self, reason: &str, expected: bool) {
        let mut closed = self.closed.lock().unwrap_or_else(|p| p.into_inner());
        if closed.is_some() {
            return;
        }
        if expected {
            tracing::debug!(reason, "dubbo connection closed");
        } else {
            tracing::warn!(reason, "dubbo connection closed");
        }
        *closed = Some(reason.to_owned());
        drop(closed);
        self.stop.send_replace(true);
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        for (_, tx) in pending {
            let _ = tx.send(Err(TransportError::Closed(reason.to_owned())));
        }
    }

    fn closed_reason(&self) -> Option<String> {
        self.closed.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Hands a reply to the call waiting for `id`, if any still is.
    fn complete(&self, id: i64, reply: Reply) {
        let waiter = self.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        match waiter {
            Some(tx) => {
                let _ = tx.send(reply);
            }
            None => tracing::debug!(id, "response for no pending call (late or unknown)"),
        }
    }
}

/// One multiplexed connection to a provider (Java shares one per address).
/// Clones share it; when the last clone is dropped, it closes.
#[derive(Clone)]
pub struct Connection {
    shared: Arc<Shared>,
    writer: mpsc::Sender<Vec<u8>>,
    peer: SocketAddr,
    _last_one_closes: Arc<CloseOnDrop>,
}

/// Closes the connection when the last handle goes (its tasks hold `Shared` too).
struct CloseOnDrop(Arc<Shared>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close("every handle was dropped", true);
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("peer", &self.peer).field("closed", &self.shared.closed_reason()).finish()
    }
}

impl Connection {
    /// Connects to a provider within `options.connect_timeout` and starts the
    /// connection's reader and writer tasks on the current tokio runtime.
    pub async fn connect(peer: SocketAddr, options: ClientOptions) -> Result<Connection, TransportError> {
        let deadline = Instant::now() + options.connect_timeout;
        Self::connect_by(peer, options, deadline).await
    }

    /// Connects, giving up at `deadline` (or at the connect timeout, if sooner).
    pub async fn connect_by(peer: SocketAddr, options: ClientOptions, deadline: Instant) -> Result<Connection, TransportError> {
        let deadline = deadline.min(Instant::now() + options.connect_timeout);
        let stream = tokio::time::timeout_at(deadline, TcpStream::connect(peer))
            .await
            .map_err(|_| TransportError::Timeout(options.connect_timeout.as_millis() as u64))?
            .map_err(|e| TransportError::Io(format!("connect to {peer}: {e}")))?;
        stream.set_nodelay(true)?;
        let (read, write) = stream.into_split();
        // Java starts request ids at a random value; any start works, distinct ones help in logs.
        let start = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as i64);
        let shared = Arc::new(Shared {
            pending: Mutex::new(HashMap::new()),
            closed: Mutex::new(None),
            readonly: AtomicBool::new(false),
            next_id: AtomicI64::new(start & 0x0fff_ffff_ffff),
            options,
            classes: ClassCache::new(),
            stop: watch::channel(false).0,
        });
        let (writer, queue) = mpsc::channel(1024);
        let on_error = shared.clone();
        tokio::spawn(async move {
            let busy = || on_error.pending.lock().is_ok_and(|p| p.len() > 1);
            if let Err(e) = write_batches(write, queue, on_error.stop.subscribe(), busy).await {
                on_error.close(&format!("write failed: {e}"), false);
            }
        });
        let reader = FrameReader::new(read, shared.options.max_payload);
        tokio::spawn(read_loop(reader, shared.clone(), writer.clone()));
        let _last_one_closes = Arc::new(CloseOnDrop(shared.clone()));
        Ok(Connection { shared, writer, peer, _last_one_closes })
    }

    /// The provider's address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// False once the connection has ended.
    pub fn is_open(&self) -> bool {
        self.shared.closed_reason().is_none()
    }

    /// False once the connection has ended, and while the provider says it is
    /// read-only (shutting down), when new calls should go elsewhere.
    pub fn is_available(&self) -> bool {
        self.is_open() && !self.shared.readonly.load(Ordering::Relaxed)
    }

    /// Why the connection ended, once it has.
    pub fn closed_reason(&self) -> Option<String> {
        self.shared.closed_reason()
    }

    /// Calls and waits for the result; `timeout` covers sending and waiting.
    pub async fn call(&self, invocation: &Invocation, timeout: Duration) -> Result<RpcResult, TransportError> {
        self.call_within(invocation, Instant::now() + timeout, timeout).await
    }

    /// Calls and waits for the result until `deadline`.
    pub async fn call_by(&self, invocation: &Invocation, deadline: Instant) -> Result<RpcResult, TransportError> {
        self.call_within(invocation, deadline, deadline.saturating_duration_since(Instant::now())).await
    }

    /// `budget` is what the caller gave the call in all, for the timeout error.
    async fn call_within(&self, invocation: &Invocation, deadline: Instant, budget: Duration) -> Result<RpcResult, TransportError> {
        let id = self.next_id();
        let bytes = invocation.encode_frame(true, id, self.shared.options.max_payload)?;
        let reply = self.exchange(id, bytes, deadline, budget).await?;
        response_result(reply, &self.shared.classes)
    }

    /// Sends a call that expects no response (Java's oneway).
    pub async fn oneway(&self, invocation: &Invocation) -> Result<(), TransportError> {
        self.send(invocation.encode_frame(false, self.next_id(), self.shared.options.max_payload)?).await
    }

    /// Sends a heartbeat and waits for its echo.
    pub async fn heartbeat(&self, timeout: Duration) -> Result<(), TransportError> {
        let id = self.next_id();
        let reply = self.exchange(id, Frame::heartbeat(id).to_bytes(), Instant::now() + timeout, timeout).await?;
        if reply.is_heartbeat() { Ok(()) } else { Err(TransportError::Closed("heartbeat answered by a non-heartbeat".into())) }
    }

    /// Closes the connection: pending calls fail with `Closed`.
    pub fn close(&self) {
        self.shared.close("closed by the client", true);
    }

    /// Calls waiting for a reply right now.
    pub fn in_flight(&self) -> usize {
        self.shared.pending.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    fn next_id(&self) -> i64 {
        self.shared.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Registers a pending reply, sends the frame and waits, all under one deadline.
    async fn exchange(&self, id: i64, bytes: Vec<u8>, deadline: Instant, budget: Duration) -> Result<Frame, TransportError> {
        let (tx, rx) = oneshot::channel();
        {
            let mut pending = self.shared.pending.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(reason) = self.shared.closed_reason() {
                return Err(TransportError::Closed(reason));
            }
            if pending.len() >= self.shared.options.max_in_flight {
                return Err(TransportError::Overloaded(pending.len()));
            }
            pending.insert(id, tx);
        }
        let waited = tokio::time::timeout_at(deadline, async {
            self.send(bytes).await?;
            rx.await.unwrap_or_else(|_| Err(TransportError::Closed("reply dropped".into())))
        })
        .await;
        // Whatever happened, the id is no longer pending (a late reply is dropped).
        self.shared.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        waited.unwrap_or(Err(TransportError::Timeout(budget.as_millis() as u64)))
    }

    async fn send(&self, bytes: Vec<u8>) -> Result<(), TransportError> {
        if let Some(reason) = self.shared.closed_reason() {
            return Err(TransportError::Closed(reason));
        }
        self.writer.send(bytes).await.map_err(|_| TransportError::Closed("writer stopped".into()))
    }
}

/// A response frame as a call's result: OK bodies decode, others carry the provider's message.
fn response_result(reply: Frame, classes: &ClassCache) -> Result<RpcResult, TransportError> {
    let Kind::Response { status, .. } = reply.header.kind else {
        return Err(TransportError::Closed("a request arrived where a response was expected".into()));
    };
    if status != Status::Ok {
        let message = decode_error_body(reply.header.serialization, &reply.body)
            .unwrap_or_else(|e| format!("(unreadable error body: {e})"));
        return Err(TransportError::Remote { status, message });
    }
    if reply.header.serialization != serialization::HESSIAN2 {
        return Err(ProtocolError::UnsupportedSerialization(reply.header.serialization).into());
    }
    Ok(RpcResult::decode_body(&reply.body, Some(classes))?)
}

/// Reads frames and routes them: responses to their pending call, heartbeats
/// answered, readonly events noted; sends a heartbeat after `heartbeat` of quiet
/// and gives up after [`MISSED_HEARTBEATS`]. A malformed frame ends the connection.
async fn read_loop(mut reader: FrameReader, shared: Arc<Shared>, writer: mpsc::Sender<Vec<u8>>) {
    let mut stop = shared.stop.subscribe();
    let quiet = shared.options.heartbeat;
    // One ticker per connection rather than a timer per frame read.
    let mut ticks = idle_ticker(quiet);
    let mut last_read = Instant::now();
    let mut missed = 0;
    loop {
        let next = tokio::select! {
            _ = stop.wait_for(|&s| s) => return,
            _ = ticks.tick() => {
                if last_read.elapsed() < quiet * (missed + 1) {
                    continue;
                }
                if missed >= MISSED_HEARTBEATS {
                    return shared.close(&format!("no reply to {MISSED_HEARTBEATS} heartbeats in {:?}", last_read.elapsed()), false);
                }
                missed += 1;
                let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(id, missed, "idle: sending a heartbeat");
                let _ = writer.try_send(Frame::heartbeat(id).to_bytes());
                continue;
            }
            next = reader.next() => next,
        };
        last_read = Instant::now();
        missed = 0;
        match next {
            Ok(Some(Incoming::Frame(frame))) => route(frame, &shared, &writer).await,
            // Java's consumer turns an oversized response into CLIENT_ERROR for that call alone.
            Ok(Some(Incoming::Oversize { header, max })) => {
                let message = format!("Data length too large: {}, max payload: {max}", header.body_len);
                tracing::warn!(id = header.id, %message, "skipped an oversized frame from the provider");
                if matches!(header.kind, Kind::Response { .. }) {
                    shared.complete(header.id, Err(TransportError::Remote { status: Status::ClientError, message }));
                }
            }
            Ok(None) => return shared.close("the provider closed the connection", false),
            Err(TransportError::Protocol(e)) => return shared.close(&format!("malformed frame from the provider: {e}"), false),
            Err(e) => return shared.close(&e.to_string(), false),
        }
        if shared.closed_reason().is_some() {
            return;
        }
    }
}

async fn route(frame: Frame, shared: &Shared, writer: &mpsc::Sender<Vec<u8>>) {
    match frame.header.kind {
        Kind::Request { .. } if frame.is_heartbeat() => {
            let _ = writer.send(Frame::heartbeat_reply(&frame).to_bytes()).await;
        }
        Kind::Request { .. } if frame.is_writeable_event() => shared.readonly.store(false, Ordering::Relaxed),
        Kind::Request { .. } if frame.is_readonly_event() => {
            tracing::info!("the provider is shutting down (readonly event)");
            shared.readonly.store(true, Ordering::Relaxed)
        }
        Kind::Request { .. } => tracing::debug!(id = frame.header.id, "ignored a request sent to a client"),
        Kind::Response { .. } => shared.complete(frame.header.id, Ok(frame)),
    }
}
