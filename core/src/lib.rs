//! libdubbo-core: everything that is Dubbo, and nothing of any host language.
//!
//! - [`value`]: the `Value` model of Java data and helpers for the Java types Dubbo users meet.
//! - [`hessian2`]: the Hessian2 encoder and decoder, wire-exact with Java Dubbo's hessian-lite.
//! - [`protocol`]: dubbo2 frames as bytes: header, request and response bodies, events.
//! - [`transport`]: dubbo2 over TCP: multiplexed client connections, a server.
//! - [`registry`]: registries (the embedded one by default): register, subscribe to provider lists.
//! - [`url`]: the Dubbo URL (parse, format, Java's parameter names and defaults).
//! - [`cluster`]: the directory of live providers, load balancers, fault-tolerance strategies.
//! - [`facade`]: the API every language front wraps: runtime, client, reference, server, service.
//!
//! ```
//! use libdubbo_core::{hessian2, Value};
//!
//! // A list holding the same `User` twice: the second is a ref to container 1.
//! let user = Value::object("org.example.User", [("name", Value::from("Bob")), ("age", Value::Int(14))]);
//! let message = Value::list([user, Value::Ref(1)]);
//! let bytes = hessian2::encode(&message)?;
//! assert_eq!(&bytes[..2], [0x7a, b'C']); // a two-element list, then the class definition
//! assert_eq!(hessian2::decode(&bytes)?, message);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cluster;
pub mod facade;
pub mod hessian2;
pub mod protocol;
pub mod registry;
pub mod transport;
pub mod url;
pub mod value;

pub use value::Value;
