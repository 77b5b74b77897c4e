//! The server side: accept connections, cut frames, run the handler for each
//! call on its own task, and answer as a Java provider answers.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

use super::io::{write_batches, FrameReader};
use super::TransportError;
use crate::protocol::{encode_error_body, Frame, Header, Invocation, Kind, RpcResult, Status, DEFAULT_PAYLOAD};

/// What serves calls: given the invocation, produce its result.
pub type Handler = Arc<dyn Fn(Invocation) -> Pin<Box<dyn Future<Output = RpcResult> + Send>> + Send + Sync>;

/// Server settings, with Java Dubbo's defaults.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Largest body accepted or sent (`payload`, 8 MiB).
    pub max_payload: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions { max_payload: DEFAULT_PAYLOAD }
    }
}

/// A listening server; dropping it (or [`Server::shutdown`]) stops accepting.
pub struct Server {
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
}

impl Server {
    /// Binds `addr` and serves every call with `handler` on the current runtime.
    pub async fn bind(addr: SocketAddr, handler: Handler, options: ServerOptions) -> Result<Server, TransportError> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(accept_loop(listener, handler, options, stopped));
        Ok(Server { local_addr, stop })
    }

    /// The address it listens on (with the port the OS chose for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting and closes the connections.
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn accept_loop(listener: TcpListener, handler: Handler, options: ServerOptions, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_connection(stream, peer, handler.clone(), options.clone(), stopped.clone()));
                }
                Err(e) => tracing::warn!(error = %e, "accept failed"),
            },
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    handler: Handler,
    options: ServerOptions,
    mut stopped: watch::Receiver<bool>,
) {
    let (read, write) = stream.into_split();
    let (writer, queue) = mpsc::channel::<Vec<u8>>(1024);
    tokio::spawn(write_batches(write, queue, stopped.clone()));
    let mut reader = FrameReader::new(read, options.max_payload);
    loop {
        let next = tokio::select! {
            _ = stopped.changed() => return,
            next = reader.next() => next,
        };
        match next {
            Ok(Some(frame)) => dispatch(frame, &handler, &writer, options.max_payload).await,
            Ok(None) => return,
            Err(e) => return tracing::warn!(%peer, error = %e, "closing the connection"),
        }
    }
}

async fn dispatch(frame: Frame, handler: &Handler, writer: &mpsc::Sender<Vec<u8>>, max_payload: usize) {
    let Kind::Request { twoway, event } = frame.header.kind else {
        return tracing::debug!(id = frame.header.id, "ignored a response sent to a server");
    };
    if event {
        if frame.is_heartbeat() {
            let _ = writer.send(Frame::heartbeat_reply(&frame).to_bytes()).await;
        }
        return;
    }
    let header = frame.header;
    let invocation = match Invocation::decode_body(&frame.body, None) {
        Ok(inv) => inv,
        Err(e) => {
            if twoway {
                let message = format!("Fail to decode request due to: {e}");
                let _ = writer.send(error_frame(&header, Status::BadRequest, &message)).await;
            }
            return;
        }
    };
    let handler = handler.clone();
    let writer = writer.clone();
    tokio::spawn(async move {
        let attachments_ok = supports_response_attachments(&invocation.dubbo_version);
        let mut result = handler(invocation).await;
        if !twoway {
            return;
        }
        result.attachments = attachments_ok.then(|| {
            let mut a = result.attachments.take().unwrap_or_default();
            if !a.iter().any(|(k, _)| k == "dubbo") {
                a.push(("dubbo".to_owned(), crate::Value::from(crate::protocol::DUBBO_VERSION)));
            }
            a
        });
        let reply = result
            .encode_body()
            .map_err(|e| e.to_string())
            .and_then(|body| Frame::new(response_kind(Status::Ok), header.id, body, max_payload).map_err(|e| e.to_string()));
        let bytes = match reply {
            Ok(frame) => frame.to_bytes(),
            // Java answers an unencodable or oversized result with SERIALIZATION_ERROR (25).
            Err(message) => error_frame(&header, Status::SerializationError, &message),
        };
        let _ = writer.send(bytes).await;
    });
}

fn response_kind(status: Status) -> Kind {
    Kind::Response { status, event: false }
}

fn error_frame(request: &Header, status: Status, message: &str) -> Vec<u8> {
    let body = encode_error_body(message);
    let header = Header { kind: response_kind(status), serialization: request.serialization, id: request.id, body_len: body.len() as u32 };
    Frame { header, body }.to_bytes()
}

/// Java sends response attachments (flags 3-5) only to requests of version 2.0.2..=2.0.99.
fn supports_response_attachments(version: &str) -> bool {
    match version.strip_prefix("2.0.").and_then(|p| p.parse::<u32>().ok()) {
        Some(patch) => (2..=99).contains(&patch),
        None => false,
    }
}
