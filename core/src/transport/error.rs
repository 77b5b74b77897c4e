//! How a call over a connection can fail.

use thiserror::Error;

use crate::protocol::{ProtocolError, Status};

/// Why a call did not produce a result.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The deadline passed before the response arrived.
    #[error("timed out after {0} ms")]
    Timeout(u64),
    /// The connection is closed, or closed while the call was pending (the reason says why).
    #[error("connection closed: {0}")]
    Closed(String),
    /// Connecting, reading or writing failed.
    #[error("network error: {0}")]
    Io(String),
    /// Too many calls in flight on this connection.
    #[error("overloaded: {0} calls already in flight")]
    Overloaded(usize),
    /// The request or response could not be encoded or decoded.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// The provider answered with a non-OK status.
    #[error("remote error {} ({}): {message}", status.code(), status.name())]
    Remote {
        /// The status byte.
        status: Status,
        /// The message the provider sent.
        message: String,
    },
}

impl From<std::io::Error> for TransportError {
    fn from(e: std::io::Error) -> Self {
        TransportError::Io(e.to_string())
    }
}
