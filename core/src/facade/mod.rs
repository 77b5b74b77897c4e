//! The one API every front wraps (DESIGN "How a call flows"): a [`Runtime`],
//! a [`Client`] making [`Reference`]s to remote services, and a [`Server`]
//! exporting [`Service`]s handled by Rust closures or drained from a
//! [`CallQueue`] by a front's own threads. Errors are one closed set of kinds.
//!
//! ```no_run
//! use libdubbo_core::facade::{Client, ClientConfig, CallOptions, ReferenceConfig, Runtime};
//! use libdubbo_core::Value;
//!
//! let client = Client::new(Runtime::global()?, ClientConfig::default())?;
//! let greeter = client.reference(ReferenceConfig::direct("org.example.Greeter", "dubbo://127.0.0.1:20880"))?;
//! let reply = greeter.call_blocking("sayHello", vec![Value::from("world")], CallOptions::default(), || Ok(()))?;
//! println!("{:?}", reply.value);
//! # Ok::<(), libdubbo_core::facade::Error>(())
//! ```

mod client;
mod discovery;
mod error;
mod reference;
mod runtime;
mod server;
mod service;

pub use client::{parse_direct_urls, Client, ClientConfig};
pub use error::{Error, ErrorKind, RemoteException};
pub use reference::{CallOptions, MethodSignature, Reference, ReferenceConfig, Reply};
pub use runtime::{Runtime, WAKE_EVERY};
pub use server::{Server, ServerConfig};
pub use service::{Answer, Call, CallQueue, HandlerFn, Request, Response, Service, ServiceBuilder, ServiceError};
