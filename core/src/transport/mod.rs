//! dubbo2 over TCP: a multiplexed client connection, reconnecting endpoints
//! shared per address, and a server with Java's service lookup, status codes
//! and graceful shutdown.

mod client;
mod endpoint;
mod error;
mod exports;
mod io;
mod panic;
mod server;

pub use client::{ClientOptions, Connection, MISSED_HEARTBEATS};
pub use endpoint::{Endpoint, Endpoints};
pub use error::TransportError;
pub use exports::{BoxFuture, Exported, Exports, Handler, Rejection, ServiceKey};
pub use server::{Server, ServerOptions};

/// The text of a panic payload.
pub fn panic_text(panic: Box<dyn std::any::Any + Send>) -> String {
    panic::panic_message(&*panic)
}
