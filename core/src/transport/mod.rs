//! dubbo2 over TCP: a multiplexed client connection and a server loop.
//!
//! This is the first cut: request ids, per-call deadlines, failing every pending
//! call when a connection ends, heartbeat replies, readonly events, batched
//! writes. Still to come with the protocol issue: idle heartbeats and
//! reconnect, service dispatch with Java's status codes, graceful shutdown.

mod client;
mod error;
mod io;
mod server;

pub use client::{ClientOptions, Connection};
pub use error::TransportError;
pub use server::{Handler, Server, ServerOptions};
