//! The 16-byte dubbo2 frame header (Java's `ExchangeCodec`).

use super::{ProtocolError, Status};

/// `0xDABB`, the first two bytes of every frame.
pub const MAGIC: [u8; 2] = [0xda, 0xbb];
/// Header length in bytes.
pub const HEADER_LEN: usize = 16;
/// Java's default `payload` limit: 8 MiB of body.
pub const DEFAULT_PAYLOAD: usize = 8 * 1024 * 1024;

const FLAG_REQUEST: u8 = 0x80;
const FLAG_TWOWAY: u8 = 0x40;
const FLAG_EVENT: u8 = 0x20;
const SERIALIZATION_MASK: u8 = 0x1f;

/// Serialization ids Dubbo writes in the flag byte's low 5 bits.
pub mod serialization {
    /// Hessian2: what libdubbo writes and prefers.
    pub const HESSIAN2: u8 = 2;
    /// fastjson2: what Java 3.2 providers prefer (events and error strings arrive in it).
    pub const FASTJSON2: u8 = 23;
}

/// What kind of frame a header announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A request: `twoway` expects a response, `event` marks heartbeats and readonly notices.
    Request {
        /// A response is expected (false for oneway calls and readonly events).
        twoway: bool,
        /// A heartbeat or readonly/writeable event rather than an invocation.
        event: bool,
    },
    /// A response with its status; `event` is set only on heartbeat replies.
    Response {
        /// The status byte.
        status: Status,
        /// A heartbeat reply.
        event: bool,
    },
}

/// A decoded frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Request or response, and its flags.
    pub kind: Kind,
    /// The serialization id of the body (2 = hessian2).
    pub serialization: u8,
    /// The request id a response answers.
    pub id: i64,
    /// Bytes of body after the header.
    pub body_len: u32,
}

impl Header {
    /// The 16 bytes Java writes for this header.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..2].copy_from_slice(&MAGIC);
        let (flag, status) = match self.kind {
            Kind::Request { twoway, event } => {
                (FLAG_REQUEST | if twoway { FLAG_TWOWAY } else { 0 } | if event { FLAG_EVENT } else { 0 }, 0)
            }
            Kind::Response { status, event } => (if event { FLAG_EVENT } else { 0 }, status.code()),
        };
        out[2] = flag | (self.serialization & SERIALIZATION_MASK);
        out[3] = status;
        out[4..12].copy_from_slice(&self.id.to_be_bytes());
        out[12..16].copy_from_slice(&self.body_len.to_be_bytes());
        out
    }

    /// Reads a header, checking the magic and the body length against `max_payload`.
    pub fn decode(bytes: &[u8; HEADER_LEN], max_payload: usize) -> Result<Header, ProtocolError> {
        if bytes[..2] != MAGIC {
            return Err(ProtocolError::BadMagic([bytes[0], bytes[1]]));
        }
        let flag = bytes[2];
        let kind = if flag & FLAG_REQUEST != 0 {
            Kind::Request { twoway: flag & FLAG_TWOWAY != 0, event: flag & FLAG_EVENT != 0 }
        } else {
            Kind::Response { status: Status::from_code(bytes[3]), event: flag & FLAG_EVENT != 0 }
        };
        let id = i64::from_be_bytes(bytes[4..12].try_into().unwrap_or_default());
        let body_len = u32::from_be_bytes(bytes[12..16].try_into().unwrap_or_default());
        let header = Header { kind, serialization: flag & SERIALIZATION_MASK, id, body_len };
        if body_len as usize > max_payload {
            return Err(ProtocolError::PayloadTooLarge { len: body_len as usize, max: max_payload, header: Some(header) });
        }
        Ok(header)
    }
}
