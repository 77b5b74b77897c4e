//! The body of an invocation request (Java's `DubboCodec.encodeRequestData`).

use crate::hessian2::{ClassCache, Decoder, Encoder};
use crate::value::{JavaType, Map, Value};

use super::ProtocolError;

/// The dubbo protocol version libdubbo sends: Java answers with response
/// attachments only to 2.0.2..2.0.99.
pub const DUBBO_VERSION: &str = "2.0.2";
/// The service version Java sends when none is configured.
pub const DEFAULT_VERSION: &str = "0.0.0";

/// One call: target, method, arguments and attachments, in wire order.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// The dubbo protocol version (`"2.0.2"`).
    pub dubbo_version: String,
    /// The service path, normally the interface name.
    pub path: String,
    /// The service version (`"0.0.0"` when none).
    pub version: String,
    /// The method name.
    pub method: String,
    /// The parameter types as concatenated JVM descriptors (`"Ljava/lang/String;I"`).
    pub descriptor: String,
    /// One value per parameter.
    pub args: Vec<Value>,
    /// Attachments (`path`, `interface`, `version`, `group`, `timeout`, user keys).
    pub attachments: Vec<(String, Value)>,
}

impl Invocation {
    /// A call of `method` on `path` with Java's defaults for the rest.
    pub fn new(path: impl Into<String>, method: impl Into<String>, descriptor: impl Into<String>, args: Vec<Value>) -> Self {
        Invocation {
            dubbo_version: DUBBO_VERSION.to_owned(),
            path: path.into(),
            version: DEFAULT_VERSION.to_owned(),
            method: method.into(),
            descriptor: descriptor.into(),
            args,
            attachments: Vec::new(),
        }
    }

    /// Adds the attachments a Java 3.3 consumer sends with every call (facts
    /// §1.8): `path`, `interface`, `version`, and `timeout` as a string of millis.
    pub fn with_consumer_attachments(mut self, timeout_ms: u64) -> Self {
        for (key, value) in [
            ("path", self.path.clone()),
            ("interface", self.path.clone()),
            ("version", self.version.clone()),
            ("timeout", timeout_ms.to_string()),
        ] {
            self.attachments.push((key.to_owned(), Value::String(value)));
        }
        self
    }

    /// The body as one Hessian2 stream; the descriptor must name one type per argument.
    pub fn encode_body(&self) -> Result<Vec<u8>, ProtocolError> {
        let mut e = Encoder::new();
        self.write_body(&mut e)?;
        Ok(e.into_bytes())
    }

    /// The whole request frame (header and body) with request id `id`; `twoway`
    /// false for a oneway call.
    pub fn encode_frame(&self, twoway: bool, id: i64, max_payload: usize) -> Result<Vec<u8>, ProtocolError> {
        super::Frame::write(super::Kind::Request { twoway, event: false }, id, max_payload, |e| self.write_body(e))
    }

    fn write_body(&self, e: &mut Encoder) -> Result<(), ProtocolError> {
        let types = JavaType::parse_descriptors(&self.descriptor)
            .ok_or_else(|| ProtocolError::BadBody(format!("bad parameter descriptor {:?}", self.descriptor)))?;
        if types.len() != self.args.len() {
            return Err(ProtocolError::BadBody(format!(
                "{} arguments for a descriptor of {} types ({:?})",
                self.args.len(),
                types.len(),
                self.descriptor
            )));
        }
        for s in [&self.dubbo_version, &self.path, &self.version, &self.method, &self.descriptor] {
            e.write_str(s);
        }
        for arg in &self.args {
            e.write(arg)?;
        }
        e.write(&attachments_value(&self.attachments))?;
        Ok(())
    }

    /// Reads a body; the descriptor says how many arguments follow.
    pub fn decode_body(body: &[u8], cache: Option<&ClassCache>) -> Result<Invocation, ProtocolError> {
        let mut d = Decoder::new(body);
        if let Some(cache) = cache {
            d = d.class_cache(cache);
        }
        let mut text = |what: &str| match d.read()? {
            Value::String(s) => Ok(s),
            Value::Null => Ok(String::new()),
            other => Err(ProtocolError::BadBody(format!("{what} is not a string: {other:?}"))),
        };
        let (dubbo_version, path, version, method, descriptor) =
            (text("dubbo version")?, text("path")?, text("version")?, text("method")?, text("descriptor")?);
        let count = JavaType::parse_descriptors(&descriptor)
            .ok_or_else(|| ProtocolError::BadBody(format!("bad parameter descriptor {descriptor:?}")))?
            .len();
        let args = (0..count).map(|_| d.read()).collect::<Result<Vec<_>, _>>()?;
        // Java writes the attachments last; old peers may leave them out.
        let attachments = if d.is_at_end() { Vec::new() } else { attachments_from(d.read()?)? };
        d.finish()?;
        Ok(Invocation { dubbo_version, path, version, method, descriptor, args, attachments })
    }
}

/// Attachments as the untyped map (`HashMap`) Java writes.
pub(super) fn attachments_value(attachments: &[(String, Value)]) -> Value {
    Value::map(attachments.iter().map(|(k, v)| (Value::String(k.clone()), v.clone())).collect::<Vec<_>>())
}

/// A `Map<String, Object>` read back; null is an empty map.
pub(super) fn attachments_from(value: Value) -> Result<Vec<(String, Value)>, ProtocolError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Map(Map { entries, .. }) => entries
            .into_iter()
            .map(|(k, v)| match k {
                Value::String(k) => Ok((k, v)),
                other => Err(ProtocolError::BadBody(format!("attachment key is not a string: {other:?}"))),
            })
            .collect(),
        other => Err(ProtocolError::BadBody(format!("attachments are not a map: {other:?}"))),
    }
}
