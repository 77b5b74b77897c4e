//! Frame I/O shared by both sides: a reader that cuts frames from a socket and
//! a writer that sends queued frames in batches.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, watch};

use super::TransportError;
use crate::protocol::Frame;

/// Reads whole frames from one socket.
pub(super) struct FrameReader {
    socket: OwnedReadHalf,
    buf: Vec<u8>,
    start: usize,
    chunk: Box<[u8]>,
    max_payload: usize,
}

impl FrameReader {
    pub(super) fn new(socket: OwnedReadHalf, max_payload: usize) -> Self {
        FrameReader { socket, buf: Vec::new(), start: 0, chunk: vec![0; 64 * 1024].into(), max_payload }
    }

    /// The next frame, or `None` when the peer closed between frames. Cancel-safe:
    /// a cancelled call loses no bytes.
    pub(super) async fn next(&mut self) -> Result<Option<Frame>, TransportError> {
        loop {
            if let Some((frame, len)) = Frame::parse(&self.buf[self.start..], self.max_payload)? {
                self.start += len;
                return Ok(Some(frame));
            }
            self.buf.drain(..self.start);
            self.start = 0;
            let n = self.socket.read(&mut self.chunk).await?;
            if n == 0 {
                return match self.buf.len() {
                    0 => Ok(None),
                    left => Err(TransportError::Closed(format!("the peer closed in the middle of a frame ({left} bytes)"))),
                };
            }
            self.buf.extend_from_slice(&self.chunk[..n]);
        }
    }
}

/// Writes queued frames, several per syscall when they pile up, until the
/// queue closes, `stop` turns true, or a write fails.
pub(super) async fn write_batches(
    mut socket: OwnedWriteHalf,
    mut queue: mpsc::Receiver<Vec<u8>>,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let mut batch = Vec::new();
    loop {
        let first = tokio::select! {
            _ = stop.wait_for(|&s| s) => break,
            first = queue.recv() => match first {
                Some(first) => first,
                None => break,
            },
        };
        batch.clear();
        batch.extend_from_slice(&first);
        while batch.len() < 64 * 1024 {
            match queue.try_recv() {
                Ok(more) => batch.extend_from_slice(&more),
                Err(_) => break,
            }
        }
        socket.write_all(&batch).await?;
    }
    socket.shutdown().await
}
