//! The body of a response (Java's `DubboCodec.encodeResponseData`): a result
//! flag, then the value or exception, then attachments when the flag says so.

use crate::hessian2::{ClassCache, Decoder, Encoder};
use crate::value::Value;

use super::request::{attachments_from, attachments_value};
use super::ProtocolError;

/// What a call produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A return value (never `Null`: that is [`Outcome::Null`]).
    Value(Value),
    /// A `null` return or a `void` method.
    Null,
    /// A Java exception object, thrown by the method.
    Exception(Value),
}

/// The body of an OK response.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcResult {
    /// The value, null or exception.
    pub outcome: Outcome,
    /// Response attachments; `None` writes the flags (0-2) that carry none,
    /// which is what a peer whose request version predates 2.0.2 reads.
    pub attachments: Option<Vec<(String, Value)>>,
}

impl RpcResult {
    /// The result flag: 0-2 without attachments, 3-5 with.
    fn flag(&self) -> i32 {
        let base = match self.outcome {
            Outcome::Exception(_) => 0,
            Outcome::Value(Value::Null) | Outcome::Null => 2,
            Outcome::Value(_) => 1,
        };
        if self.attachments.is_some() { base + 3 } else { base }
    }

    /// The body as one Hessian2 stream.
    pub fn encode_body(&self) -> Result<Vec<u8>, ProtocolError> {
        let mut e = Encoder::new();
        self.write_body(&mut e)?;
        Ok(e.into_bytes())
    }

    /// The whole OK response frame (header and body) answering request `id`.
    pub fn encode_frame(&self, id: i64, max_payload: usize) -> Result<Vec<u8>, ProtocolError> {
        let kind = super::Kind::Response { status: super::Status::Ok, event: false };
        super::Frame::write(kind, id, max_payload, |e| self.write_body(e))
    }

    fn write_body(&self, e: &mut Encoder) -> Result<(), ProtocolError> {
        let flag = self.flag();
        e.write_int(flag);
        match &self.outcome {
            Outcome::Value(v) | Outcome::Exception(v) if flag % 3 != 2 => e.write(v)?,
            _ => {}
        }
        if let Some(attachments) = &self.attachments {
            e.write(&attachments_value(attachments))?;
        }
        Ok(())
    }

    /// Reads a body.
    pub fn decode_body(body: &[u8], cache: Option<&ClassCache>) -> Result<RpcResult, ProtocolError> {
        let mut d = Decoder::new(body);
        if let Some(cache) = cache {
            d = d.class_cache(cache);
        }
        let flag = d.read()?.as_i64().ok_or_else(|| ProtocolError::BadBody("result flag is not an int".into()))?;
        let outcome = match flag {
            0 | 3 => Outcome::Exception(d.read()?),
            1 | 4 => Outcome::Value(d.read()?),
            2 | 5 => Outcome::Null,
            _ => return Err(ProtocolError::BadBody(format!("Unknown result flag {flag}, expect '0' '1' '2' '3' '4' '5'"))),
        };
        let attachments = if flag >= 3 { Some(attachments_from(d.read()?)?) } else { None };
        d.finish()?;
        Ok(RpcResult { outcome, attachments })
    }
}

/// The body of a non-OK response: the error message as one string.
pub fn encode_error_body(message: &str) -> Vec<u8> {
    let mut e = Encoder::new();
    e.write_str(message);
    e.into_bytes()
}

/// Reads a non-OK response's message, in the serialization its header names:
/// a Java 3.2 provider writes it in fastjson2 whatever the request used.
pub fn decode_error_body(serialization: u8, body: &[u8]) -> Result<String, ProtocolError> {
    match serialization {
        super::serialization::HESSIAN2 => {}
        super::serialization::FASTJSON2 => return Ok(super::fastjson2::read_string(body)?.unwrap_or_default()),
        other => return Err(ProtocolError::UnsupportedSerialization(other)),
    }
    match crate::hessian2::decode(body)? {
        Value::String(s) => Ok(s),
        Value::Null => Ok(String::new()),
        other => Err(ProtocolError::BadBody(format!("error message is not a string: {other:?}"))),
    }
}
