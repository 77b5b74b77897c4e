//! libdubbo-core: everything that is Dubbo, and nothing of any host language.
//!
//! - [`value`]: the `Value` model of Java data and helpers for the Java types Dubbo users meet.
//! - [`hessian2`]: the Hessian2 encoder and decoder, wire-exact with Java Dubbo's hessian-lite.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod hessian2;
pub mod value;

pub use value::Value;
