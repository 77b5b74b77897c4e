//! The dubbo2 protocol as bytes: the 16-byte header, request and response
//! bodies, status codes and events (facts §1). No I/O here: the transport
//! reads and writes these frames.

mod error;
mod fastjson2;
mod frame;
mod generic;
mod header;
mod request;
mod response;
mod status;

pub use error::ProtocolError;
pub use frame::{Frame, HEARTBEAT_BODY, READONLY_BODY, WRITEABLE_BODY};
pub use generic::{generalize, realize, ECHO, ECHO_DESCRIPTOR, GENERIC_DESCRIPTOR, GENERIC_KEY, INVOKE, INVOKE_ASYNC};
pub use header::{serialization, Header, Kind, DEFAULT_PAYLOAD, HEADER_LEN, MAGIC};
pub use request::{Invocation, DEFAULT_VERSION, DUBBO_VERSION};
pub use response::{decode_error_body, encode_error_body, Outcome, RpcResult};
pub use status::Status;

#[cfg(test)]
mod tests;
