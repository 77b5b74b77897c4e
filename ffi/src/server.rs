//! Providers: `dubbo_server` exports services handled by a C closure (push) or
//! drained with `dubbo_server_next_call` (pull); each call is a `dubbo_request`
//! answered once, from any thread, now or later.

use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use libdubbo_core::facade::{Answer, Call, CallQueue, ErrorKind, Request, Response, Runtime, Server, ServerConfig, Service, ServiceError};
use libdubbo_core::Value;
use tokio::sync::oneshot;

use crate::boundary::{arg, ffi_boundary, in_worker_callback, out, run_callback, str_arg, FfiResult};
use crate::client::methods_from_json;
use crate::error::*;
use crate::types::{dubbo_bytes, dubbo_str};
use crate::{free_owner, json, runtime_of, dubbo_runtime, SendPtr};

/// A provider listening on one address.
pub struct dubbo_server {
    server: Server,
    runtime: Arc<Runtime>,
    /// The queues of pull-mode services, drained by `dubbo_server_next_call`.
    queues: Mutex<Vec<Arc<CallQueue>>>,
    /// Set by close, shutdown and free: answers to requests still held fail
    /// with `DUBBO_E_CLOSED` (their consumers were cut off).
    closed: Arc<AtomicBool>,
}

impl dubbo_server {
    fn mark_closed(&self) {
        self.closed.store(true, Ordering::Release);
    }
}

impl Drop for dubbo_server {
    fn drop(&mut self) {
        self.mark_closed();
    }
}

/// Options of `dubbo_server_new`; set with `dubbo_server_options_default` first.
#[repr(C)]
pub struct dubbo_server_options {
    /// `host:port` to listen on (unset: `127.0.0.1:0`, a free loopback port).
    pub bind: dubbo_str,
    /// Calls running at once before new ones are refused with status 100 (200).
    pub max_concurrent_calls: u32,
    /// How long `dubbo_server_shutdown` drains running calls, in ms (10000).
    pub shutdown_timeout_ms: u32,
    /// `payload`: the largest frame in bytes (8 MiB).
    pub max_payload: u32,
}

/// Fills `opts` with the defaults.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_server_options_default(opts: *mut dubbo_server_options) {
    ffi_boundary!(() => {
        let d = ServerConfig::default();
        if let Ok(o) = out(opts, "opts") {
            *o = dubbo_server_options {
                bind: dubbo_str::EMPTY,
                max_concurrent_calls: d.max_concurrent_calls as u32,
                shutdown_timeout_ms: d.shutdown_timeout.as_millis() as u32,
                max_payload: d.max_payload as u32,
            };
        }
    })
}

/// Starts listening (no services yet). `opts` may be NULL. `*out` owns the
/// server: free it with `dubbo_server_free` (which closes it).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_server_new(
    rt: *const dubbo_runtime,
    opts: *const dubbo_server_options,
    out_server: *mut *mut dubbo_server,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_server, "out")?;
        let runtime = runtime_of(rt)?.clone();
        let mut config = ServerConfig { bind: "127.0.0.1:0".parse().expect("a socket address"), ..ServerConfig::default() };
        // SAFETY: NULL or a valid options struct.
        if let Some(o) = unsafe { opts.as_ref() } {
            if let Some(bind) = o.bind.optional("bind")? {
                config.bind = bind.parse().map_err(|e| dubbo_error::invalid(format!("bad bind address {bind:?}: {e}")))?;
            }
            if o.max_concurrent_calls > 0 {
                config.max_concurrent_calls = o.max_concurrent_calls as usize;
            }
            if o.shutdown_timeout_ms > 0 {
                config.shutdown_timeout = Duration::from_millis(o.shutdown_timeout_ms.into());
            }
            if o.max_payload > 0 {
                config.max_payload = o.max_payload as usize;
            }
        }
        let server = Server::bind_blocking(runtime.clone(), config)?;
        *slot = Box::into_raw(Box::new(dubbo_server { server, runtime, queues: Mutex::new(Vec::new()), closed: Arc::new(AtomicBool::new(false)) }));
        Ok(())
    })
}

/// The port it listens on (0 for NULL).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_server_port(server: *const dubbo_server) -> u16 {
    ffi_boundary!(0 => { arg(server, "server").map_or(0, |s| s.server.local_addr().port()) })
}

/// A provider's handler, a closure: `call(context, req)` runs once per call on a
/// libdubbo thread (several at once), with `req` borrowed for the callback:
/// answer it there (`dubbo_request_reply` / `dubbo_request_fail`), or keep it
/// with `dubbo_request_take` and answer later from any thread. A request left
/// unanswered when `call` returns is failed. `drop(context)`, if set, runs
/// exactly once, after the last `call`, when the service is no longer served
/// (the server closed or freed). `context` must be usable from any thread.
#[repr(C)]
pub struct dubbo_handler {
    /// Handles one call (required).
    pub call: Option<extern "C" fn(context: *mut c_void, req: *mut dubbo_request)>,
    /// Releases `context` (optional).
    pub drop: Option<extern "C" fn(context: *mut c_void)>,
    /// The closure's state.
    pub context: *mut c_void,
}

/// The closure, owned by the exported service; dropping it calls `drop` once.
struct Closure {
    call: extern "C" fn(*mut c_void, *mut dubbo_request),
    drop: Option<extern "C" fn(*mut c_void)>,
    context: SendPtr,
}

impl Drop for Closure {
    fn drop(&mut self) {
        if let Some(d) = self.drop {
            let ctx = self.context;
            run_callback(false, move || d(ctx.0));
        }
    }
}

/// Options of `dubbo_server_export`; set with `dubbo_service_options_default` first.
#[repr(C)]
pub struct dubbo_service_options {
    /// `interface`: the Java interface name (required).
    pub interface: dubbo_str,
    /// `version` (unset: none).
    pub version: dubbo_str,
    /// `group` (unset: none).
    pub group: dubbo_str,
    /// The methods served, with their Java parameter types, as JSON:
    /// `[{"name":"add","types":["int","int"]}, ...]`. Others get Java's "no
    /// such method" answer. Unset: any method is passed to the handler.
    pub methods_json: dubbo_str,
    /// Pull mode only: calls that may wait for `dubbo_server_next_call` before
    /// new ones are refused with status 100 (1024).
    pub queue_capacity: u32,
}

/// Fills `opts` with the defaults.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_service_options_default(opts: *mut dubbo_service_options) {
    ffi_boundary!(() => {
        if let Ok(o) = out(opts, "opts") {
            *o = dubbo_service_options {
                interface: dubbo_str::EMPTY,
                version: dubbo_str::EMPTY,
                group: dubbo_str::EMPTY,
                methods_json: dubbo_str::EMPTY,
                queue_capacity: 1024,
            };
        }
    })
}

/// Serves a service on `server`: handled by `handler` (push), or, when `handler`
/// is NULL, queued for `dubbo_server_next_call` (pull). Replaces a service with
/// the same interface, version and group. On an error status `handler->drop` is
/// not called: the caller still owns its context.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_server_export(
    server: *const dubbo_server,
    opts: *const dubbo_service_options,
    handler: *const dubbo_handler,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let s = arg(server, "server")?;
        let o = arg(opts, "opts")?;
        let interface = o.interface.get("interface")?;
        if interface.is_empty() {
            return Err(dubbo_error::invalid("a service needs an interface name"));
        }
        let mut builder = Service::builder(interface).version(o.version.get("version")?).group(o.group.get("group")?);
        for (name, types) in methods_from_json(o.methods_json.get("methods_json")?)? {
            let types: Vec<&str> = types.iter().map(String::as_str).collect();
            builder = builder.method(&name, &types)?;
        }
        // SAFETY: NULL or a valid handler struct.
        let service = match unsafe { handler.as_ref() } {
            None => {
                let (service, queue) = builder.queue(if o.queue_capacity == 0 { 1024 } else { o.queue_capacity as usize });
                s.queues.lock().unwrap_or_else(|p| p.into_inner()).push(Arc::new(queue));
                service
            }
            Some(h) => {
                let call = h.call.ok_or_else(|| dubbo_error::null("handler->call"))?;
                let closure = Arc::new(Closure { call, drop: h.drop, context: SendPtr(h.context) });
                let closed = s.closed.clone();
                builder.handler(move |req| dispatch(closure.clone(), req, closed.clone()))
            }
        };
        s.server.export(service)?;
        Ok(())
    })
}

/// Runs the C closure on a blocking-pool thread and waits for its answer.
async fn dispatch(closure: Arc<Closure>, request: Request, closed: Arc<AtomicBool>) -> Answer {
    let (tx, rx) = oneshot::channel();
    let req = Box::into_raw(Box::new(dubbo_request::new(request, Replier::Push(tx), closed)));
    let req = SendPtr(req.cast());
    let ran = tokio::task::spawn_blocking(move || {
        let req = req;
        run_callback(false, || (closure.call)(closure.context.0, req.0.cast()));
        // The borrowed request ends with the callback: unanswered (and not taken), it fails.
        // SAFETY: made above; the callback only borrowed it.
        drop(unsafe { Box::from_raw(req.0.cast::<dubbo_request>()) });
    })
    .await;
    if ran.is_err() {
        return Err(ServiceError::Failed("the handler's thread failed".into()));
    }
    rx.await.unwrap_or_else(|_| Err(ServiceError::Failed("the handler dropped the request without answering".into())))
}

/// Waits at most `timeout_ms` for the next call of a pull-mode service (one
/// exported with a NULL handler). On `DUBBO_OK` `*out` owns the request: answer
/// it, then free it with `dubbo_request_free`. `DUBBO_E_TIMEOUT` when no call
/// came, `DUBBO_E_CLOSED` once the server is closed, `DUBBO_E_INVALID_ARG` when
/// no pull-mode service is exported. Blocks the calling thread; any thread may
/// call it, several at once.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_server_next_call(
    server: *const dubbo_server,
    timeout_ms: u32,
    out_req: *mut *mut dubbo_request,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let s = arg(server, "server")?;
        let slot = out(out_req, "out")?;
        if in_worker_callback() {
            return Err(dubbo_error::new(DUBBO_E_IN_CALLBACK, "dubbo_server_next_call blocks: not from a completion callback"));
        }
        s.runtime.check()?;
        let queues = s.queues.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if queues.is_empty() {
            return Err(dubbo_error::invalid("no pull-mode service is exported (dubbo_server_export with a NULL handler)"));
        }
        let deadline = Instant::now() + Duration::from_millis(timeout_ms.into());
        // One queue: wait on it. Several: visit each in short slices.
        let slice = if queues.len() == 1 { Duration::MAX } else { Duration::from_millis(5) };
        loop {
            let mut closed = 0;
            for q in &queues {
                let left = deadline.saturating_duration_since(Instant::now());
                match q.next_blocking(left.min(slice)) {
                    Ok(Some(call)) => {
                        *slot = Box::into_raw(Box::new(dubbo_request::from_call(call, s.closed.clone())));
                        return Ok(());
                    }
                    Ok(None) => {}
                    Err(e) if e.kind == ErrorKind::Closed => closed += 1,
                    Err(e) => return Err(e.into()),
                }
            }
            if closed == queues.len() {
                return Err(dubbo_error::new(DUBBO_E_CLOSED, "the server is closed"));
            }
            if Instant::now() >= deadline {
                return Err(dubbo_error::new(DUBBO_E_TIMEOUT, format!("no call within {timeout_ms} ms")));
            }
        }
    })
}

/// Graceful stop, as Java's: readonly to consumers, no new connections, running
/// calls drained for at most the shutdown timeout, then closed. Blocks. Not from
/// a libdubbo callback (`DUBBO_E_IN_CALLBACK`).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_server_shutdown(server: *const dubbo_server, err: *mut *mut dubbo_error) -> dubbo_status {
    ffi_boundary!(err, {
        let s = arg(server, "server")?;
        if crate::boundary::in_callback() {
            return Err(dubbo_error::new(DUBBO_E_IN_CALLBACK, "a server cannot be shut down from inside a libdubbo callback"));
        }
        let stopped = s.server.shutdown_blocking();
        s.mark_closed();
        stopped?;
        Ok(())
    })
}

/// Closes now, without draining: waiting pull-mode calls are failed and
/// `dubbo_server_next_call` returns `DUBBO_E_CLOSED`. The handle stays valid until freed.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_server_close(server: *const dubbo_server) {
    ffi_boundary!(() => {
        if let Ok(s) = arg(server, "server") {
            s.mark_closed();
            s.server.close();
        }
    })
}

/// Closes and frees a server (NULL is fine); `DUBBO_E_IN_CALLBACK` (nothing
/// done) from inside a libdubbo callback.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_server_free(server: *mut dubbo_server) -> dubbo_status {
    free_owner(server, "a server")
}

/// Where a request's answer goes.
enum Replier {
    Push(oneshot::Sender<Answer>),
    Pull(Call),
}

impl Replier {
    fn send(self, answer: Answer) -> bool {
        match self {
            Replier::Push(tx) => tx.send(answer).is_ok(),
            Replier::Pull(call) => call.reply(answer),
        }
    }
}

struct Pending {
    request: Request,
    replier: Option<Replier>,
    attachments: Vec<(String, Value)>,
    /// The server's closed flag.
    closed: Arc<AtomicBool>,
}

/// One call to a provider: read it with the `dubbo_request_*` functions and
/// answer it exactly once. A handler's `req` is borrowed for the callback;
/// `dubbo_request_take` makes an owned one, and `dubbo_server_next_call` hands
/// out owned ones. Free owned requests with `dubbo_request_free`; one freed
/// unanswered is failed with a `java.lang.RuntimeException`.
pub struct dubbo_request {
    /// `None` once taken (the borrowed handle is then empty).
    inner: Mutex<Option<Pending>>,
}

impl dubbo_request {
    fn new(request: Request, replier: Replier, closed: Arc<AtomicBool>) -> Self {
        dubbo_request { inner: Mutex::new(Some(Pending { request, replier: Some(replier), attachments: Vec::new(), closed })) }
    }

    fn from_call(mut call: Call, closed: Arc<AtomicBool>) -> Self {
        let empty = Request { interface: String::new(), method: String::new(), parameter_types: Vec::new(), args: Vec::new(), attachments: Vec::new(), generic: false };
        let request = std::mem::replace(&mut call.request, empty);
        Self::new(request, Replier::Pull(call), closed)
    }

    /// Runs `f` on the pending call; `DUBBO_E_INVALID_ARG` once it was taken.
    fn with<T>(&self, f: impl FnOnce(&mut Pending) -> FfiResult<T>) -> FfiResult<T> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let pending = inner.as_mut().ok_or_else(|| dubbo_error::invalid("this request was taken (use the handle dubbo_request_take gave)"))?;
        f(pending)
    }

    fn answer(&self, answer: Answer) -> FfiResult {
        self.with(|p| {
            let replier = p.replier.take().ok_or_else(|| dubbo_error::invalid("this request is already answered"))?;
            if p.closed.load(Ordering::Acquire) {
                drop(replier);
                return Err(dubbo_error::new(DUBBO_E_CLOSED, "the server is closed: the consumer was cut off"));
            }
            let answer = answer.map(|mut r| {
                r.attachments.append(&mut p.attachments);
                r
            });
            if replier.send(answer) {
                Ok(())
            } else {
                Err(dubbo_error::new(DUBBO_E_CLOSED, "the consumer's side is gone (the server closed)"))
            }
        })
    }
}

impl Drop for dubbo_request {
    fn drop(&mut self) {
        let inner = self.inner.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some(replier) = inner.as_mut().and_then(|p| p.replier.take()) {
            replier.send(Err(ServiceError::Failed("the handler returned without answering the request".into())));
        }
    }
}

fn request_str(req: *const dubbo_request, len: *mut usize, pick: fn(&Request) -> &str) -> *const c_char {
    let Ok(r) = arg(req, "request") else { return std::ptr::null() };
    r.with(|p| Ok(crate::error::view(pick(&p.request), len))).unwrap_or(std::ptr::null())
}

/// The interface called (`*len` bytes, not NUL-terminated), valid while `req`
/// is (and is not taken). NULL for NULL or a taken request.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_interface(req: *const dubbo_request, len: *mut usize) -> *const c_char {
    ffi_boundary!(std::ptr::null() => { request_str(req, len, |r| &r.interface) })
}

/// The method name, as `dubbo_request_interface`.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_method(req: *const dubbo_request, len: *mut usize) -> *const c_char {
    ffi_boundary!(std::ptr::null() => { request_str(req, len, |r| &r.method) })
}

/// The arguments as a JSON array, into `*out` (free with `dubbo_bytes_free`).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_args(req: *const dubbo_request, out_json: *mut dubbo_bytes, err: *mut *mut dubbo_error) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_json, "out")?;
        let text = arg(req, "request")?.with(|p| json::to_json(&p.request.args, true))?;
        *slot = dubbo_bytes::from_string(text);
        Ok(())
    })
}

/// The Java parameter types as a JSON array of names (`["int","java.lang.String"]`).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_parameter_types(req: *const dubbo_request, out_json: *mut dubbo_bytes, err: *mut *mut dubbo_error) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_json, "out")?;
        let names = arg(req, "request")?.with(|p| Ok(p.request.parameter_types.iter().map(|t| t.name()).collect::<Vec<_>>()))?;
        *slot = dubbo_bytes::from_string(serde_json::to_string(&names).unwrap_or_default());
        Ok(())
    })
}

/// A request attachment (Java's `RpcContext` server attachment) as JSON, `null`
/// when absent.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_attachment(
    req: *const dubbo_request,
    key: *const c_char,
    key_len: usize,
    out_json: *mut dubbo_bytes,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_json, "out")?;
        let key = str_arg(key, key_len, "key")?;
        let text = arg(req, "request")?.with(|p| {
            let v = p.request.attachment(key).cloned().unwrap_or(Value::Null);
            json::to_json(&[v], false)
        })?;
        *slot = dubbo_bytes::from_string(text);
        Ok(())
    })
}

/// All request attachments as a JSON object.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_attachments(req: *const dubbo_request, out_json: *mut dubbo_bytes, err: *mut *mut dubbo_error) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_json, "out")?;
        let text = arg(req, "request")?.with(|p| json::attachments_to_json(&p.request.attachments))?;
        *slot = dubbo_bytes::from_string(text);
        Ok(())
    })
}

/// Sets a response attachment (Java's `RpcContext.getServerResponseContext()`),
/// sent with the answer; `value_json` is a JSON value.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_set_attachment(
    req: *const dubbo_request,
    key: *const c_char,
    key_len: usize,
    value_json: *const c_char,
    value_len: usize,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let key = str_arg(key, key_len, "key")?.to_owned();
        let value = json::from_json(str_arg(value_json, value_len, "value_json")?)?;
        arg(req, "request")?.with(|p| {
            p.attachments.retain(|(k, _)| *k != key);
            p.attachments.push((key, value));
            Ok(())
        })
    })
}

/// Answers with a value (JSON; `null` or empty text for null/void). Once only:
/// a second answer is `DUBBO_E_INVALID_ARG`; `DUBBO_E_CLOSED` when the server
/// closed meanwhile. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_reply(req: *const dubbo_request, value_json: *const c_char, value_len: usize, err: *mut *mut dubbo_error) -> dubbo_status {
    ffi_boundary!(err, {
        let r = arg(req, "request")?;
        let text = str_arg(value_json, value_len, "value_json")?;
        let value = if text.trim().is_empty() { Value::Null } else { json::from_json(text)? };
        r.answer(Ok(Response::from(value)))
    })
}

/// Answers with a Java exception of class `java_class` (one the interface
/// declares, so that Java catches it by type) and `message`; `fields_json`, a
/// JSON object or empty, adds its fields (`{"code":42}`). An empty class sends
/// a `java.lang.RuntimeException` with the message. Once only, as `dubbo_request_reply`.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_fail(
    req: *const dubbo_request,
    java_class: *const c_char,
    class_len: usize,
    message: *const c_char,
    message_len: usize,
    fields_json: *const c_char,
    fields_len: usize,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let r = arg(req, "request")?;
        let class = str_arg(java_class, class_len, "java_class")?;
        let message = str_arg(message, message_len, "message")?;
        let fields = json::attachments_from_json(str_arg(fields_json, fields_len, "fields_json")?)?;
        let answer = if class.is_empty() {
            ServiceError::Failed(message.to_owned())
        } else {
            let mut e = Value::throwable(class, Some(message), None);
            if let Value::Object(o) = &mut e {
                for (k, v) in fields {
                    o.set(&k, v);
                }
            }
            ServiceError::Exception(e)
        };
        r.answer(Err(answer))
    })
}

/// Keeps a handler's borrowed request past its callback: `*out` owns the call
/// (answer it from any thread, then `dubbo_request_free`), and `req` is empty
/// from now on. `DUBBO_E_INVALID_ARG` if it was taken already.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_take(req: *const dubbo_request, out_req: *mut *mut dubbo_request, err: *mut *mut dubbo_error) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_req, "out")?;
        let r = arg(req, "request")?;
        let pending = r.inner.lock().unwrap_or_else(|p| p.into_inner()).take().ok_or_else(|| dubbo_error::invalid("this request was taken already"))?;
        *slot = Box::into_raw(Box::new(dubbo_request { inner: Mutex::new(Some(pending)) }));
        Ok(())
    })
}

/// Frees an owned request (NULL is fine); unanswered, it is failed first. Never
/// free the borrowed request a handler's callback gets.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_request_free(req: *mut dubbo_request) {
    ffi_boundary!(() => {
        if !req.is_null() {
            // SAFETY: an owned request made by this library, freed once.
            drop(unsafe { Box::from_raw(req) });
        }
    })
}
