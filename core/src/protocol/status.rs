//! Response status codes (Java's `Response`), with the names Java gives them.

/// The status byte of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// 20: the call ran (its result may still be a business exception).
    Ok,
    /// 25: the provider could not serialize its response.
    SerializationError,
    /// 30: the consumer timed out before sending (consumer-local in Java).
    ClientTimeout,
    /// 31: the consumer timed out waiting (consumer-local in Java).
    ServerTimeout,
    /// 35: the channel closed (consumer-local in Java).
    ChannelInactive,
    /// 40: the provider could not decode the request, or has no such service or method.
    BadRequest,
    /// 50: the provider failed to encode its response.
    BadResponse,
    /// 60: defined by Java, never sent.
    ServiceNotFound,
    /// 70: the provider failed to run the call (e.g. exporter not found).
    ServiceError,
    /// 80: the provider hit an unexpected error.
    ServerError,
    /// 90: the consumer could not decode the response (consumer-local in Java).
    ClientError,
    /// 100: the provider's handler queue is full.
    ServerThreadpoolExhausted,
    /// Any other byte.
    Other(u8),
}

const TABLE: [(Status, u8, &str); 12] = [
    (Status::Ok, 20, "OK"),
    (Status::SerializationError, 25, "SERIALIZATION_ERROR"),
    (Status::ClientTimeout, 30, "CLIENT_TIMEOUT"),
    (Status::ServerTimeout, 31, "SERVER_TIMEOUT"),
    (Status::ChannelInactive, 35, "CHANNEL_INACTIVE"),
    (Status::BadRequest, 40, "BAD_REQUEST"),
    (Status::BadResponse, 50, "BAD_RESPONSE"),
    (Status::ServiceNotFound, 60, "SERVICE_NOT_FOUND"),
    (Status::ServiceError, 70, "SERVICE_ERROR"),
    (Status::ServerError, 80, "SERVER_ERROR"),
    (Status::ClientError, 90, "CLIENT_ERROR"),
    (Status::ServerThreadpoolExhausted, 100, "SERVER_THREADPOOL_EXHAUSTED_ERROR"),
];

impl Status {
    /// The status for a byte.
    pub fn from_code(code: u8) -> Status {
        TABLE.iter().find(|t| t.1 == code).map_or(Status::Other(code), |t| t.0)
    }

    /// The byte on the wire.
    pub fn code(self) -> u8 {
        match self {
            Status::Other(code) => code,
            known => TABLE.iter().find(|t| t.0 == known).map_or(0, |t| t.1),
        }
    }

    /// Java's name for it (`SERVICE_ERROR`), or `UNKNOWN` for other bytes.
    pub fn name(self) -> &'static str {
        TABLE.iter().find(|t| t.0 == self).map_or("UNKNOWN", |t| t.2)
    }
}
