//! What can be wrong with a dubbo2 frame or body.

use thiserror::Error;

use crate::hessian2::{DecodeError, EncodeError};

/// A frame or body that cannot be read or written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The first two bytes are not `0xDABB` (Java would try its telnet codec).
    #[error("not a dubbo frame: magic {0:02x?}")]
    BadMagic([u8; 2]),
    /// A body larger than the payload limit (`payload`, 8 MiB by default).
    #[error("Data length too large: {len}, max payload: {max}")]
    PayloadTooLarge {
        /// The body length.
        len: usize,
        /// The limit.
        max: usize,
        /// The frame's header, when a received frame was too large (its body can be
        /// skipped and the stream read on).
        header: Option<super::Header>,
    },
    /// A body in a serialization libdubbo does not read (fastjson2 = 23 from Java 3.2 peers).
    #[error("unsupported serialization id {0} (libdubbo reads hessian2, id 2)")]
    UnsupportedSerialization(u8),
    /// The body's Hessian2 is malformed.
    #[error("bad hessian2 body: {0}")]
    Decode(#[from] DecodeError),
    /// A value could not be written.
    #[error("cannot encode body: {0}")]
    Encode(#[from] EncodeError),
    /// The body is well-formed Hessian2 but not what the frame needs here.
    #[error("bad body: {0}")]
    BadBody(String),
}
