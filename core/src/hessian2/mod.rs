//! Hessian2 as Java Dubbo writes and reads it (hessian-lite).
//!
//! One Dubbo message body is one Hessian2 stream: class definitions, the type
//! table and the ref table span all of its values and start afresh with the next
//! message. [`Encoder`] and [`Decoder`] are such streams; [`encode`] and
//! [`decode`] are shorthands for a stream of one value.

mod class_cache;
mod codes;
mod decoder;
mod encoder;
mod error;
mod string;

pub use class_cache::ClassCache;
pub use decoder::Decoder;
pub use encoder::Encoder;
pub use error::{DecodeError, DecodeErrorKind, EncodeError};

use crate::value::Value;

/// Bounds that keep hostile or runaway input from exhausting the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How deep lists, maps and objects may nest. Real Dubbo payloads stay far
    /// below the default of 256. Each level costs about 0.5 KiB of stack in a
    /// release build (about 5 KiB unoptimised), so 256 fits a 2 MiB thread.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 256 }
    }
}

/// Encodes one value as a stream of its own.
pub fn encode(value: &Value) -> Result<Vec<u8>, EncodeError> {
    let mut e = Encoder::new();
    e.write(value)?;
    Ok(e.into_bytes())
}

/// Decodes a stream that holds exactly one value.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut d = Decoder::new(bytes);
    let v = d.read()?;
    d.finish()?;
    Ok(v)
}

/// Decodes every value of a stream (one message).
pub fn decode_all(bytes: &[u8]) -> Result<Vec<Value>, DecodeError> {
    let mut d = Decoder::new(bytes);
    let mut values = Vec::new();
    while !d.is_at_end() {
        values.push(d.read()?);
    }
    Ok(values)
}

#[cfg(test)]
mod tests;
