//! Whole frames: a header and its body, cut from a byte stream; and the event
//! bodies (heartbeat, readonly, writeable).

use super::header::{serialization, Header, Kind, HEADER_LEN};
use super::{ProtocolError, Status};
use crate::hessian2::Encoder;

/// A heartbeat's body in hessian2: the serialization of `null`.
pub const HEARTBEAT_BODY: [u8; 1] = [b'N'];
/// A provider's readonly event (it is shutting down): the string `"R"`.
pub const READONLY_BODY: [u8; 2] = [0x01, b'R'];
/// A provider's writeable event (readonly is over): the string `"W"`.
pub const WRITEABLE_BODY: [u8; 2] = [0x01, b'W'];

/// One frame: its header and body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The header (its `body_len` is the body's length).
    pub header: Header,
    /// The body, still serialized.
    pub body: Vec<u8>,
}

impl Frame {
    /// A frame around `body`, checking it against `max_payload` as Java does on encode.
    pub fn new(kind: Kind, id: i64, body: Vec<u8>, max_payload: usize) -> Result<Frame, ProtocolError> {
        let body_len = u32::try_from(body.len())
            .ok()
            .filter(|&n| n as usize <= max_payload)
            .ok_or(ProtocolError::PayloadTooLarge { len: body.len(), max: max_payload, header: None })?;
        Ok(Frame { header: Header { kind, serialization: serialization::HESSIAN2, id, body_len }, body })
    }

    /// A heartbeat request.
    pub fn heartbeat(id: i64) -> Frame {
        let header = Header { kind: Kind::Request { twoway: true, event: true }, serialization: serialization::HESSIAN2, id, body_len: 1 };
        Frame { header, body: HEARTBEAT_BODY.to_vec() }
    }

    /// A provider's one-way notice that it is shutting down (`"R"`), or that it
    /// serves again (`"W"`, `readonly` false).
    pub fn readonly_event(id: i64, readonly: bool) -> Frame {
        let body = if readonly { READONLY_BODY } else { WRITEABLE_BODY };
        let header = Header { kind: Kind::Request { twoway: false, event: true }, serialization: serialization::HESSIAN2, id, body_len: 2 };
        Frame { header, body: body.to_vec() }
    }

    /// The reply to a heartbeat request: same id and serialization, its body echoed.
    pub fn heartbeat_reply(request: &Frame) -> Frame {
        let kind = Kind::Response { status: Status::Ok, event: true };
        Frame { header: Header { kind, ..request.header }, body: request.body.clone() }
    }

    /// True for a heartbeat request or reply. Heartbeats are the two-way events
    /// (their body is the null value); readonly and writeable notices are one-way.
    pub fn is_heartbeat(&self) -> bool {
        matches!(self.header.kind, Kind::Request { event: true, twoway: true } | Kind::Response { event: true, .. })
    }

    /// True for a provider's readonly notice: a one-way event that is not
    /// `"W"`. Java 3.2 providers send it in fastjson2, so its body is not read.
    pub fn is_readonly_event(&self) -> bool {
        matches!(self.header.kind, Kind::Request { twoway: false, event: true }) && !self.is_writeable_event()
    }

    /// True for a provider's writeable notice (hessian2 `"W"`).
    pub fn is_writeable_event(&self) -> bool {
        matches!(self.header.kind, Kind::Request { twoway: false, event: true }) && self.body == WRITEABLE_BODY
    }

    /// A whole frame written in one buffer: 16 bytes kept for the header, the body
    /// written after them by `body`, then the header filled in (no second buffer,
    /// no copy). The body is checked against `max_payload` as Java does on encode.
    pub(crate) fn write(
        kind: Kind,
        id: i64,
        max_payload: usize,
        body: impl FnOnce(&mut Encoder) -> Result<(), ProtocolError>,
    ) -> Result<Vec<u8>, ProtocolError> {
        let mut e = Encoder::new();
        e.buffer_mut().extend_from_slice(&[0; HEADER_LEN]);
        body(&mut e)?;
        let mut bytes = e.into_bytes();
        let len = bytes.len() - HEADER_LEN;
        let body_len = u32::try_from(len)
            .ok()
            .filter(|&n| n as usize <= max_payload)
            .ok_or(ProtocolError::PayloadTooLarge { len, max: max_payload, header: None })?;
        let header = Header { kind, serialization: serialization::HESSIAN2, id, body_len };
        bytes[..HEADER_LEN].copy_from_slice(&header.encode());
        Ok(bytes)
    }

    /// Header and body as the bytes to send.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + self.body.len());
        out.extend_from_slice(&self.header.encode());
        out.extend_from_slice(&self.body);
        out
    }

    /// Cuts the first whole frame from `buf`: `Ok(None)` when more bytes are
    /// needed, else the frame and how many bytes it took. A bad magic or an
    /// oversized body is an error: the connection cannot be resynchronised.
    pub fn parse(buf: &[u8], max_payload: usize) -> Result<Option<(Frame, usize)>, ProtocolError> {
        let Some(head) = buf.first_chunk::<HEADER_LEN>() else {
            // Fail fast on a bad magic even before a whole header has arrived.
            if buf.len() >= 2 && buf[..2] != super::header::MAGIC {
                return Err(ProtocolError::BadMagic([buf[0], buf[1]]));
            }
            return Ok(None);
        };
        let header = Header::decode(head, max_payload)?;
        let end = HEADER_LEN + header.body_len as usize;
        match buf.get(HEADER_LEN..end) {
            Some(body) => Ok(Some((Frame { header, body: body.to_vec() }, end))),
            None => Ok(None),
        }
    }
}
