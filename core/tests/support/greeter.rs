//! `org.example.Greeter` in Rust on the facade, behaving as `GreeterImpl.java`
//! (tests/interop/java/README.md has the table), so that the Java consumer's
//! checks hold against it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use libdubbo_core::facade::{Answer, Request, Response, Service, ServiceBuilder, ServiceError};
use libdubbo_core::Value;

pub const GREETER: &str = "org.example.Greeter";

/// Every Greeter method with its Java parameter types.
pub const METHODS: &[(&str, &[&str])] = &[
    ("sayHello", &["java.lang.String"]),
    ("add", &["int", "int"]),
    ("addBoxed", &["java.lang.Integer", "java.lang.Integer"]),
    ("echoLong", &["long"]),
    ("echoDouble", &["double"]),
    ("echoFloat", &["float"]),
    ("echoBool", &["boolean"]),
    ("echoBytes", &["[B"]),
    ("echoInts", &["[I"]),
    ("echoStrings", &["[Ljava.lang.String;"]),
    ("echoList", &["java.util.List"]),
    ("echoMap", &["java.util.Map"]),
    ("echoSet", &["java.util.Set"]),
    ("echoUser", &["org.example.User"]),
    ("echoUsers", &["java.util.List"]),
    ("echoNode", &["org.example.Node"]),
    ("echoDecimal", &["java.math.BigDecimal"]),
    ("echoTime", &["java.time.LocalDateTime"]),
    ("echoDate", &["java.time.LocalDate"]),
    ("echoUtilDate", &["java.util.Date"]),
    ("echoEnum", &["org.example.Color"]),
    ("wrap", &["org.example.User"]),
    ("overloaded", &["java.lang.String"]),
    ("overloaded", &["int"]),
    ("doNothing", &[]),
    ("returnNull", &[]),
    ("fail", &["java.lang.String"]),
    ("failRuntime", &["java.lang.String"]),
    ("slow", &["int"]),
    ("attachment", &["java.lang.String"]),
    ("echoString", &["java.lang.String"]),
    ("echoPayload", &["org.example.Payload"]),
    ("echoResponseAttachment", &["java.lang.String", "java.lang.String"]),
    ("remember", &["java.lang.String"]),
    ("recalled", &[]),
];

/// A builder with Greeter's methods declared.
pub fn declared(builder: ServiceBuilder) -> ServiceBuilder {
    METHODS.iter().fold(builder, |b, (name, types)| b.method(name, types).unwrap())
}

/// The Greeter service (version and group as given; empty for none).
pub fn service(version: &str, group: &str) -> Service {
    let memory = Arc::new(Mutex::new(Value::Null));
    declared(Service::builder(GREETER).version(version).group(group)).handler(move |req| {
        let memory = memory.clone();
        async move { answer(req, &memory).await }
    })
}

/// One Greeter call.
pub async fn answer(req: Request, memory: &Mutex<Value>) -> Answer {
    let arg = |i: usize| req.args.get(i).cloned().unwrap_or(Value::Null);
    let int = |i: usize| arg(i).as_i64().unwrap_or(0) as i32;
    let text = |v: Value| match v {
        Value::String(s) => s,
        other => format!("{other:?}"),
    };
    let value = match (req.method.as_str(), req.parameter_types.first().map(|t| t.name())) {
        ("sayHello", _) => Value::String(format!("Hello {}", text(arg(0)))),
        ("add", _) => Value::Int(int(0).wrapping_add(int(1))),
        ("addBoxed", _) if arg(0).is_null() || arg(1).is_null() => Value::Null,
        ("addBoxed", _) => Value::Int(int(0).wrapping_add(int(1))),
        ("wrap", _) => Value::object("org.example.Response", [("code", Value::Int(200)), ("message", Value::from("ok")), ("data", arg(0))]),
        ("overloaded", Some(t)) if t == "int" => Value::String(format!("int:{}", int(0))),
        ("overloaded", _) => Value::String(format!("string:{}", text(arg(0)))),
        ("doNothing" | "returnNull", _) => Value::Null,
        ("fail", _) => {
            let mut e = Value::throwable("org.example.GreeterException", arg(0).as_str(), None);
            if let Value::Object(o) = &mut e {
                o.set("code", Value::Int(42));
            }
            return Err(ServiceError::Exception(e));
        }
        ("failRuntime", _) => return Err(ServiceError::Exception(Value::throwable("java.lang.IllegalStateException", arg(0).as_str(), None))),
        ("slow", _) => {
            tokio::time::sleep(Duration::from_millis(int(0).clamp(0, 10_000) as u64)).await;
            Value::from("slept")
        }
        ("attachment", _) => req.attachment(&text(arg(0))).cloned().unwrap_or(Value::Null),
        ("echoResponseAttachment", _) => {
            let (key, value) = (text(arg(0)), arg(1));
            return Ok(Response { value: value.clone(), attachments: vec![(key, value)] });
        }
        ("remember", _) => {
            *memory.lock().unwrap() = arg(0);
            Value::Null
        }
        ("recalled", _) => memory.lock().unwrap().clone(),
        // echoLong, echoUser, echoNode (cycles and all), echoString, echoPayload, ...
        (m, _) if m.starts_with("echo") => arg(0),
        (m, _) => return Err(ServiceError::Failed(format!("no method {m}"))),
    };
    Ok(Response::from(value))
}
