//! `NativeServer`: a provider whose calls run in JS. Each exported service's
//! calls wait in a core `CallQueue`; a task on the core's runtime drains it and
//! hands each call to the JS thread through one thread-safe function per server
//! (`(request: Buffer) => Promise<Buffer>`, rule 9), awaiting its Promise. That
//! function is strong: a listening server keeps the process alive until
//! `close()`, which releases it and refuses further dispatch.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use libdubbo_core::facade::{self, Answer, Call, CallQueue, Response, Runtime, Service, ServiceError};
use libdubbo_core::transport::ServiceKey;
use libdubbo_core::Value;
use napi::bindgen_prelude::{Buffer, Function, Object, Promise};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::Env;
use napi_derive::napi;

use crate::client::{millis, settle, MethodDecl};
use crate::errors::{from_napi, invalid, to_js, write_error, Result};
use crate::wire::{Reader, Writer};

/// The JS dispatcher as Rust holds it: called with a request's bytes, it
/// returns a Promise of the answer's bytes.
type Dispatch = ThreadsafeFunction<Buffer, Promise<Buffer>, Buffer, napi::Status, false>;

/// Server settings; durations in milliseconds.
#[napi(object)]
pub struct ServerOptions {
    pub host: Option<String>,
    pub port: Option<u32>,
    /// Java's `threads`: calls running at once before new ones are refused.
    pub threads: Option<u32>,
    pub payload: Option<u32>,
    pub shutdown_timeout: Option<f64>,
}

struct Shared {
    closed: AtomicBool,
    dispatch: Mutex<Option<Arc<Dispatch>>>,
}

impl Shared {
    fn dispatch(&self) -> Option<Arc<Dispatch>> {
        if self.closed.load(Ordering::Acquire) {
            return None;
        }
        self.dispatch.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn release(&self) {
        self.closed.store(true, Ordering::Release);
        self.dispatch.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

/// Binds a server; settles with it (a `NativeServer`) or with an error's bytes.
#[napi(catch_unwind, ts_return_type = "Promise<NativeServer | Buffer>")]
pub fn bind_server<'env>(env: &'env Env, options: ServerOptions, dispatch: Function<Buffer, Promise<Buffer>>) -> Result<Object<'env>> {
    let host = options.host.as_deref().unwrap_or("127.0.0.1");
    let ip: IpAddr = host.parse().map_err(|_| invalid(format!("host must be an IP address, not {host:?}")))?;
    let port = u16::try_from(options.port.unwrap_or(0)).map_err(|_| invalid("port must be 0..65535"))?;
    let mut config = facade::ServerConfig { bind: SocketAddr::new(ip, port), ..Default::default() };
    if let Some(t) = options.threads {
        config.max_concurrent_calls = (t as usize).max(1);
    }
    if let Some(p) = options.payload {
        config.max_payload = p as usize;
    }
    if let Some(t) = options.shutdown_timeout {
        config.shutdown_timeout = millis(t)?;
    }
    let dispatch: Dispatch = dispatch.build_threadsafe_function().callee_handled::<false>().build().map_err(from_napi)?;
    let shared = Arc::new(Shared { closed: AtomicBool::new(false), dispatch: Mutex::new(Some(Arc::new(dispatch))) });
    let runtime = Runtime::global().map_err(to_js)?;
    let (deferred, promise) = env.create_deferred().map_err(from_napi)?;
    let rt = runtime.clone();
    runtime.handle().spawn(async move {
        let settled = match facade::Server::bind(rt.clone(), config).await {
            Ok(server) => napi::Either::A(NativeServer { inner: Arc::new(server), runtime: rt, shared }),
            Err(e) => {
                // The dispatcher is released with `shared`: a server that never
                // listened does not keep the process alive.
                shared.release();
                let mut w = Writer::default();
                write_error(&mut w, &e);
                napi::Either::B(Buffer::from(w.out))
            }
        };
        deferred.resolve(move |_| Ok(settled));
    });
    Ok(promise)
}

/// A provider listening on one address.
#[napi]
pub struct NativeServer {
    inner: Arc<facade::Server>,
    runtime: Arc<Runtime>,
    shared: Arc<Shared>,
}

#[napi]
impl NativeServer {
    /// The bound host.
    #[napi(getter)]
    pub fn host(&self) -> String {
        self.inner.local_addr().ip().to_string()
    }

    /// The bound port (the one the OS chose for port 0).
    #[napi(getter)]
    pub fn port(&self) -> u32 {
        self.inner.local_addr().port().into()
    }

    /// Serves a service whose calls go to the dispatcher with `id` first in the
    /// request bytes; at most `capacity` calls wait, more are refused as a busy
    /// Java provider refuses them.
    #[napi(catch_unwind)]
    pub fn export(&self, id: u32, interface: String, version: Option<String>, group: Option<String>, methods: Option<Vec<MethodDecl>>, capacity: Option<u32>) -> Result<()> {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(to_js(facade::Error::new(facade::ErrorKind::Closed, "the server is closed")));
        }
        let mut builder = Service::builder(interface).version(version.as_deref().unwrap_or("")).group(group.as_deref().unwrap_or(""));
        for m in methods.unwrap_or_default() {
            let types: Vec<&str> = m.parameter_types.iter().map(String::as_str).collect();
            builder = builder.method(&m.name, &types).map_err(to_js)?;
        }
        let (service, queue) = builder.queue(capacity.unwrap_or(1000) as usize);
        self.inner.export(service).map_err(to_js)?;
        self.runtime.handle().spawn(drain(id, queue, self.shared.clone()));
        Ok(())
    }

    /// Stops serving a service; false if it was not exported.
    #[napi(catch_unwind)]
    pub fn unexport(&self, interface: String, version: Option<String>, group: Option<String>) -> bool {
        self.inner.unexport(&ServiceKey::new(interface, version.as_deref().unwrap_or(""), group.as_deref().unwrap_or("")))
    }

    /// Java's graceful stop (readonly, drain up to the shutdown timeout, close);
    /// settles with the answer form of the number of calls cut off.
    #[napi(catch_unwind, ts_return_type = "Promise<Buffer>")]
    pub fn shutdown<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        let (inner, shared) = (self.inner.clone(), self.shared.clone());
        settle(env, &self.runtime, async move {
            let result = inner.shutdown().await;
            shared.release();
            let mut w = Writer::default();
            match result {
                Ok(left) => {
                    w.u8(0);
                    w.value(&Value::Int(i32::try_from(left).unwrap_or(i32::MAX)));
                    w.attachments(&[]);
                }
                Err(e) => write_error(&mut w, &e),
            }
            w.out
        })
    }

    /// Closes at once: no JS handler is called after this returns.
    #[napi(catch_unwind)]
    pub fn close(&self) {
        self.shared.release();
        self.inner.close();
    }
}

/// Hands each call of one service to JS, each in its own task (calls overlap).
async fn drain(id: u32, queue: CallQueue, shared: Arc<Shared>) {
    while let Some(call) = queue.next().await {
        let Some(dispatch) = shared.dispatch() else {
            call.reply(Err(ServiceError::Failed("the server is closing".into())));
            continue;
        };
        tokio::spawn(async move {
            let answer = run_in_js(id, &call, &dispatch).await;
            drop(dispatch);
            reply(call, answer);
        });
    }
}

fn reply(call: Call, answer: Answer) {
    call.reply(answer);
}

async fn run_in_js(id: u32, call: &Call, dispatch: &Dispatch) -> Answer {
    let r = &call.request;
    let mut w = Writer::default();
    w.u32(id);
    w.str(&r.interface);
    w.str(&r.method);
    w.u8(u8::from(r.generic));
    w.u32(r.parameter_types.len() as u32);
    for t in &r.parameter_types {
        w.str(&t.name());
    }
    w.u32(r.args.len() as u32);
    for a in &r.args {
        w.value(a);
    }
    w.attachments(&r.attachments);
    let promise = match dispatch.call_async_catch(Buffer::from(w.out)).await {
        Ok(p) => p,
        Err(e) => return Err(ServiceError::Failed(format!("the Node handler could not be called: {}", e.reason))),
    };
    match promise.await {
        Ok(bytes) => answer_of(&bytes).unwrap_or_else(|why| Err(ServiceError::Failed(format!("libdubbo could not read the Node handler's answer: {why}")))),
        Err(e) => Err(ServiceError::Failed(e.reason.clone())),
    }
}

/// `0` value attachments | `1` class message fields | `2` message.
fn answer_of(bytes: &[u8]) -> std::result::Result<Answer, String> {
    let mut r = Reader::new(bytes);
    let answer = match r.u8()? {
        0 => {
            let value = r.value()?;
            let attachments = r.attachments()?;
            Ok(Response { value, attachments })
        }
        1 => {
            let class = r.str()?;
            let message = r.opt_str()?;
            let mut exception = Value::throwable(class, message.as_deref(), None);
            let fields = r.attachments()?;
            if let Value::Object(o) = &mut exception {
                for (name, value) in fields {
                    o.set(&name, value);
                }
            }
            Err(ServiceError::Exception(exception))
        }
        2 => Err(ServiceError::Failed(r.str()?)),
        tag => return Err(format!("unknown answer tag {tag}")),
    };
    r.finish()?;
    Ok(answer)
}
