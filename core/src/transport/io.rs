//! Frame I/O shared by both sides: a reader that cuts frames from a socket and
//! a writer that sends queued frames in batches.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, watch};

use super::TransportError;
use crate::protocol::{Frame, Header, ProtocolError};

/// What the reader got: a frame, or the header of one whose body was over the
/// payload limit and has been skipped (Java answers those with an error status
/// rather than dropping the connection).
pub(super) enum Incoming {
    Frame(Frame),
    Oversize { header: Header, max: usize },
}

/// Reads whole frames from one socket. Its buffer never holds more than one
/// frame of at most `max_payload` bytes plus one read.
pub(super) struct FrameReader {
    socket: OwnedReadHalf,
    buf: Vec<u8>,
    start: usize,
    chunk: Box<[u8]>,
    max_payload: usize,
    /// Body bytes of an oversized frame still to be thrown away.
    skip: u64,
}

impl FrameReader {
    pub(super) fn new(socket: OwnedReadHalf, max_payload: usize) -> Self {
        FrameReader { socket, buf: Vec::new(), start: 0, chunk: vec![0; 64 * 1024].into(), max_payload, skip: 0 }
    }

    /// The next frame, or `None` when the peer closed between frames. Cancel-safe:
    /// a cancelled call loses no bytes.
    pub(super) async fn next(&mut self) -> Result<Option<Incoming>, TransportError> {
        loop {
            if self.skip > 0 {
                let have = (self.buf.len() - self.start) as u64;
                let dropped = have.min(self.skip);
                self.start += dropped as usize;
                self.skip -= dropped;
            }
            if self.skip == 0 {
                match Frame::parse(&self.buf[self.start..], self.max_payload) {
                    Ok(Some((frame, len))) => {
                        self.start += len;
                        return Ok(Some(Incoming::Frame(frame)));
                    }
                    Ok(None) => {}
                    Err(ProtocolError::PayloadTooLarge { header: Some(header), max, .. }) => {
                        self.start += crate::protocol::HEADER_LEN;
                        self.skip = header.body_len as u64;
                        return Ok(Some(Incoming::Oversize { header, max }));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            self.buf.drain(..self.start);
            self.start = 0;
            let n = self.socket.read(&mut self.chunk).await?;
            if n == 0 {
                return match self.buf.len() as u64 + self.skip {
                    0 => Ok(None),
                    left => Err(TransportError::Closed(format!("the peer closed in the middle of a frame ({left} bytes short or pending)"))),
                };
            }
            self.buf.extend_from_slice(&self.chunk[..n]);
        }
    }
}

/// Ticks a few times per `period`, so that quiet is noticed within a quarter of it
/// (one timer per connection, not one per frame read).
pub(super) fn idle_ticker(period: std::time::Duration) -> tokio::time::Interval {
    let start = tokio::time::Instant::now() + period / 4;
    let mut ticks = tokio::time::interval_at(start, (period / 4).max(std::time::Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks
}

/// Writes queued frames, several per syscall when they pile up, until the
/// queue closes, `stop` turns true, or a write fails.
/// `busy` says whether other calls are in flight, i.e. whether more frames are
/// likely to be queued in a moment.
pub(super) async fn write_batches(
    mut socket: OwnedWriteHalf,
    mut queue: mpsc::Receiver<Vec<u8>>,
    mut stop: watch::Receiver<bool>,
    busy: impl Fn() -> bool,
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
        // Callers woken together (one read can complete many calls) queue their
        // frames one task after another: let them run first, so that one write
        // carries them all instead of one write per frame. Alone, just write.
        if queue.is_empty() && busy() {
            tokio::task::yield_now().await;
        }
        if queue.is_empty() {
            // Alone: the frame's own buffer goes out as it is.
            socket.write_all(&first).await?;
            continue;
        }
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
