//! `NativeClient` and `NativeReference`: each method reads its arguments from
//! the TypeScript layer's bytes and starts one facade call on the core's
//! runtime; its answer's bytes (value and attachments, or the error) go back
//! through the client's one completion function, tagged with the call's id,
//! and the TypeScript layer settles that call's Promise. One thread-safe
//! function per client (not a deferred Promise per call) lets Node take many
//! answers per wake-up. No libuv pool thread waits on anything (rule 8).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use std::collections::HashMap;

use libdubbo_core::facade::{self, CallOptions, ClientConfig, Error, MethodSignature, ReferenceConfig, Reply, Runtime};
use libdubbo_core::value::JavaType;
use napi::bindgen_prelude::{Buffer, Function, Object};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Env;
use napi_derive::napi;

use crate::errors::{from_napi, invalid, to_js, write_error, Result};
use crate::wire::{Reader, Writer};

/// Client settings, in Java Dubbo's names; durations in milliseconds.
#[napi(object)]
pub struct ClientOptions {
    /// `registry`: none for the embedded one, `zookeeper://host:port`, `N/A`, or direct `dubbo://` URLs.
    pub registry: Option<String>,
    pub application: Option<String>,
    pub timeout: Option<f64>,
    pub connect_timeout: Option<f64>,
    pub payload: Option<u32>,
    pub heartbeat: Option<f64>,
    pub max_in_flight: Option<u32>,
}

/// A method's Java parameter types (and its own timeout, ms).
#[napi(object)]
pub struct MethodDecl {
    pub name: String,
    pub parameter_types: Vec<String>,
    pub timeout: Option<f64>,
}

/// What a reference calls.
#[napi(object)]
pub struct ReferenceOptions {
    pub url: Option<String>,
    /// Java's parameters (`loadbalance`, `cluster`, `retries`, `sayHello.timeout`, ...).
    pub parameters: Option<HashMap<String, String>>,
    pub version: Option<String>,
    pub group: Option<String>,
    pub timeout: Option<f64>,
    pub methods: Option<Vec<MethodDecl>>,
}

/// One call's settings: timeout (ms), attachments (wire bytes), parameter types.
#[napi(object)]
pub struct NativeCallOptions {
    pub timeout: Option<f64>,
    pub attachments: Option<Buffer>,
    pub parameter_types: Option<Vec<String>>,
}

/// Milliseconds from JS as a duration; negative or not finite is refused.
pub fn millis(ms: f64) -> Result<Duration> {
    if ms.is_finite() && ms >= 0.0 {
        Ok(Duration::from_secs_f64(ms / 1000.0))
    } else {
        Err(invalid(format!("a duration must be a non-negative number of milliseconds, not {ms}")))
    }
}

/// Java type names as types.
pub fn java_types(names: &[String]) -> Result<Vec<JavaType>> {
    names.iter().map(|t| JavaType::from_name(t).ok_or_else(|| invalid(format!("bad Java type name {t:?}")))).collect()
}

/// Where answers go: `(id as u32 LE, then the answer's bytes)`. Weak: it does
/// not keep the process alive (the TypeScript layer holds the loop while calls
/// are pending).
type Complete = ThreadsafeFunction<Buffer, (), Buffer, napi::Status, false, true>;

/// A consumer: connections shared by its references.
#[napi]
pub struct NativeClient {
    inner: facade::Client,
    complete: Arc<Complete>,
}

#[napi]
impl NativeClient {
    #[napi(constructor, catch_unwind)]
    pub fn new(options: Option<ClientOptions>, complete: Function<Buffer, ()>) -> Result<Self> {
        let complete = complete.build_threadsafe_function().callee_handled::<false>().weak::<true>().build().map_err(from_napi)?;
        let mut config = ClientConfig::default();
        if let Some(o) = options {
            config.registry = o.registry;
            if let Some(a) = o.application {
                config.application = a;
            }
            if let Some(t) = o.timeout {
                config.timeout = millis(t)?;
            }
            if let Some(t) = o.connect_timeout {
                config.connect_timeout = millis(t)?;
            }
            if let Some(p) = o.payload {
                config.max_payload = p as usize;
            }
            if let Some(h) = o.heartbeat {
                config.heartbeat = millis(h)?;
            }
            if let Some(n) = o.max_in_flight {
                config.max_in_flight = (n as usize).max(1);
            }
        }
        let runtime = Runtime::global().map_err(to_js)?;
        Ok(NativeClient { inner: facade::Client::new(runtime, config).map_err(to_js)?, complete: Arc::new(complete) })
    }

    /// A reference to `interface` at the providers of `options.url`.
    #[napi(catch_unwind)]
    pub fn reference(&self, interface: String, options: ReferenceOptions) -> Result<NativeReference> {
        let mut config = ReferenceConfig { interface, url: options.url, version: options.version, group: options.group, ..Default::default() };
        config.timeout = options.timeout.map(millis).transpose()?;
        config.parameters = options.parameters.unwrap_or_default().into_iter().collect();
        for m in options.methods.unwrap_or_default() {
            let mut signature = MethodSignature { name: m.name, parameter_types: java_types(&m.parameter_types)?, timeout: None };
            signature.timeout = m.timeout.map(millis).transpose()?;
            config.methods.push(signature);
        }
        let inner = self.inner.reference(config).map_err(to_js)?;
        Ok(NativeReference { inner, runtime: self.inner.runtime().clone(), complete: self.complete.clone() })
    }

    /// Closes every connection; calls made later fail with `DUBBO_CLOSED`.
    #[napi(catch_unwind)]
    pub fn close(&self) {
        self.inner.close();
    }
}

/// A remote service.
#[napi]
pub struct NativeReference {
    inner: facade::Reference,
    runtime: Arc<Runtime>,
    complete: Arc<Complete>,
}

#[napi]
impl NativeReference {
    /// Calls `method` with `args` (wire bytes of one message); `pins` are the Java
    /// types that wrappers like `java.int(5)` pin. The answer goes to the client's
    /// completion function with `id`.
    #[napi(catch_unwind)]
    pub fn call(&self, id: u32, method: String, args: Buffer, pins: Vec<Option<String>>, options: Option<NativeCallOptions>) -> Result<()> {
        let (args, options) = call_parts(&args, &pins, options)?;
        let reference = self.inner.clone();
        self.start(id, async move { reply_bytes(reference.call(&method, args, options).await) });
        Ok(())
    }

    /// Sends `method` expecting no answer; answers (with null) once it is written.
    #[napi(catch_unwind)]
    pub fn oneway(&self, id: u32, method: String, args: Buffer, pins: Vec<Option<String>>, options: Option<NativeCallOptions>) -> Result<()> {
        let (args, options) = call_parts(&args, &pins, options)?;
        let reference = self.inner.clone();
        self.start(id, async move {
            reply_bytes(reference.oneway(&method, args, options).await.map(|()| Reply { value: libdubbo_core::Value::Null, attachments: Vec::new() }))
        });
        Ok(())
    }

    /// A generic (`$invoke`) call with the parameter types by Java name.
    #[napi(catch_unwind)]
    pub fn generic(&self, id: u32, method: String, types: Vec<String>, args: Buffer, options: Option<NativeCallOptions>) -> Result<()> {
        let (args, options) = call_parts(&args, &[], options)?;
        let reference = self.inner.clone();
        self.start(id, async move {
            let types: Vec<&str> = types.iter().map(String::as_str).collect();
            reply_bytes(reference.invoke_generic(&method, &types, args, options).await)
        });
        Ok(())
    }
}

impl NativeReference {
    /// Runs `work` on the core's runtime and hands its bytes, after `id`, to the
    /// completion function (a panic in it answers `DUBBO_PANIC`).
    fn start(&self, id: u32, work: impl Future<Output = Vec<u8>> + Send + 'static) {
        let complete = self.complete.clone();
        let handle = self.runtime.handle().clone();
        self.runtime.handle().spawn(async move {
            let bytes = handle.spawn(work).await.unwrap_or_else(|e| {
                let mut w = Writer::default();
                write_error(&mut w, &Error::new(facade::ErrorKind::Panic, format!("a libdubbo task failed: {e}")));
                w.out
            });
            let mut out = Vec::with_capacity(4 + bytes.len());
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&bytes);
            // Fails only while the JS environment goes away: nobody waits then.
            complete.call(Buffer::from(out), ThreadsafeFunctionCallMode::NonBlocking);
        });
    }
}

/// The arguments and options of a call, read on the JS thread.
fn call_parts(args: &[u8], pins: &[Option<String>], options: Option<NativeCallOptions>) -> Result<(Vec<libdubbo_core::Value>, CallOptions)> {
    let mut reader = Reader::new(args);
    let args = reader.values().map_err(invalid)?;
    reader.finish().map_err(invalid)?;
    let mut call = CallOptions {
        argument_types: pins.iter().map(|p| p.as_deref().and_then(JavaType::from_name)).collect(),
        ..Default::default()
    };
    if let Some(o) = options {
        call.timeout = o.timeout.map(millis).transpose()?;
        if let Some(a) = o.attachments {
            let mut reader = Reader::new(&a);
            call.attachments = reader.attachments().map_err(invalid)?;
        }
        call.parameter_types = o.parameter_types.as_deref().map(java_types).transpose()?;
    }
    Ok((args, call))
}

/// An answer's bytes: `0`, value, attachments; or the error form.
fn reply_bytes(result: std::result::Result<Reply, Error>) -> Vec<u8> {
    let mut w = Writer::default();
    match result {
        Ok(reply) => {
            w.u8(0);
            w.value(&reply.value);
            w.attachments(&reply.attachments);
        }
        Err(e) => write_error(&mut w, &e),
    }
    w.out
}

/// A Promise settled with the bytes `work` makes on the core's runtime; a panic
/// in it settles with a `DUBBO_PANIC` error.
pub fn settle<'env>(env: &'env Env, runtime: &Runtime, work: impl Future<Output = Vec<u8>> + Send + 'static) -> Result<Object<'env>> {
    let (deferred, promise) = env.create_deferred().map_err(from_napi)?;
    let handle = runtime.handle().clone();
    handle.clone().spawn(async move {
        let bytes = match handle.spawn(work).await {
            Ok(bytes) => bytes,
            Err(e) => {
                let mut w = Writer::default();
                let error = Error::new(facade::ErrorKind::Panic, format!("a libdubbo task failed: {e}"));
                write_error(&mut w, &error);
                w.out
            }
        };
        deferred.resolve(move |_| Ok(Buffer::from(bytes)));
    });
    Ok(promise)
}
