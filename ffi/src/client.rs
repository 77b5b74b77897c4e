//! Consumers: `dubbo_client` (connections, defaults) and `dubbo_reference` (one
//! remote interface), with sync, async (callback), oneway, generic and raw
//! Hessian2 calls.

use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use libdubbo_core::facade::{CallOptions, Client, ClientConfig, MethodSignature, Reference, ReferenceConfig, Reply, Runtime};
use libdubbo_core::value::JavaType;
use libdubbo_core::{hessian2, Value};

use crate::boundary::{arg, bytes_arg, ffi_boundary, in_worker_callback, out, run_callback, str_arg, FfiResult};
use crate::error::*;
use crate::types::{dubbo_bytes, dubbo_str};
use crate::{free_owner, json, runtime_of, dubbo_runtime, SendPtr};

/// A consumer: shares one connection per provider address among its references.
pub struct dubbo_client {
    client: Client,
}

/// Options of `dubbo_client_new`; set with `dubbo_client_options_default` first.
#[repr(C)]
pub struct dubbo_client_options {
    /// `application` (default `"libdubbo-consumer"`).
    pub application: dubbo_str,
    /// Default call `timeout` in ms (1000).
    pub timeout_ms: u32,
    /// Connect timeout in ms (3000).
    pub connect_timeout_ms: u32,
    /// `heartbeat` in ms (60000).
    pub heartbeat_ms: u32,
    /// `payload`: the largest frame in bytes (8 MiB).
    pub max_payload: u32,
    /// Calls in flight on one connection before `DUBBO_E_OVERLOADED` (10000).
    pub max_in_flight: u32,
}

/// Fills `opts` with the defaults (Java Dubbo's).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_client_options_default(opts: *mut dubbo_client_options) {
    ffi_boundary!(() => {
        let d = ClientConfig::default();
        if let Ok(o) = out(opts, "opts") {
            *o = dubbo_client_options {
                application: dubbo_str::EMPTY,
                timeout_ms: d.timeout.as_millis() as u32,
                connect_timeout_ms: d.connect_timeout.as_millis() as u32,
                heartbeat_ms: d.heartbeat.as_millis() as u32,
                max_payload: d.max_payload as u32,
                max_in_flight: d.max_in_flight as u32,
            };
        }
    })
}

fn client_config(opts: *const dubbo_client_options) -> FfiResult<ClientConfig> {
    let mut c = ClientConfig::default();
    // SAFETY: NULL or a valid options struct.
    let Some(o) = (unsafe { opts.as_ref() }) else { return Ok(c) };
    if let Some(app) = o.application.optional("application")? {
        c.application = app;
    }
    let ms = |v: u32, d: Duration| if v == 0 { d } else { Duration::from_millis(v.into()) };
    c.timeout = ms(o.timeout_ms, c.timeout);
    c.connect_timeout = ms(o.connect_timeout_ms, c.connect_timeout);
    c.heartbeat = ms(o.heartbeat_ms, c.heartbeat);
    if o.max_payload > 0 {
        c.max_payload = o.max_payload as usize;
    }
    if o.max_in_flight > 0 {
        c.max_in_flight = o.max_in_flight as usize;
    }
    Ok(c)
}

/// Makes a client on `rt`. `opts` may be NULL (defaults). `*out` owns it: free
/// with `dubbo_client_free`.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_client_new(
    rt: *const dubbo_runtime,
    opts: *const dubbo_client_options,
    out_client: *mut *mut dubbo_client,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_client, "out")?;
        let client = Client::new(runtime_of(rt)?.clone(), client_config(opts)?)?;
        *slot = Box::into_raw(Box::new(dubbo_client { client }));
        Ok(())
    })
}

/// Closes the client's connections; its references' calls fail with
/// `DUBBO_E_CLOSED` from now on. The handle stays valid until freed.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_client_close(client: *const dubbo_client) {
    ffi_boundary!(() => {
        if let Ok(c) = arg(client, "client") {
            c.client.close();
        }
    })
}

/// Frees a client (NULL is fine); `DUBBO_E_IN_CALLBACK` (nothing done) from inside
/// a libdubbo callback. References made from it stay usable until freed.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_client_free(client: *mut dubbo_client) -> dubbo_status {
    free_owner(client, "a client")
}

/// A reference to one remote interface. Thread-safe: call it from any thread.
pub struct dubbo_reference {
    reference: Reference,
    runtime: Arc<Runtime>,
}

/// Options of `dubbo_reference_new`; set with `dubbo_reference_options_default` first.
#[repr(C)]
pub struct dubbo_reference_options {
    /// `interface`: the Java interface name (required).
    pub interface: dubbo_str,
    /// `url`: direct provider URLs, `dubbo://host:port`, comma-separated (required until registries).
    pub url: dubbo_str,
    /// `version` (unset: Java's `0.0.0`).
    pub version: dubbo_str,
    /// `group` (unset: none).
    pub group: dubbo_str,
    /// `timeout` in ms for this reference (0: the client's).
    pub timeout_ms: u32,
    /// Declared method signatures as JSON, so calls need not say the Java types:
    /// `[{"name":"add","types":["int","int"]}, ...]` (unset: types inferred per call).
    pub methods_json: dubbo_str,
}

/// Fills `opts` with the defaults (all unset).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_reference_options_default(opts: *mut dubbo_reference_options) {
    ffi_boundary!(() => {
        if let Ok(o) = out(opts, "opts") {
            *o = dubbo_reference_options {
                interface: dubbo_str::EMPTY,
                url: dubbo_str::EMPTY,
                version: dubbo_str::EMPTY,
                group: dubbo_str::EMPTY,
                timeout_ms: 0,
                methods_json: dubbo_str::EMPTY,
            };
        }
    })
}

/// `[{"name": "add", "types": ["int", "int"]}, ...]` as signatures.
pub(crate) fn methods_from_json(text: &str) -> FfiResult<Vec<(String, Vec<String>)>> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let doc = json::from_json_raw(text)?;
    let bad = || dubbo_error::invalid("methods_json must be [{\"name\": \"m\", \"types\": [\"int\", ...]}, ...]");
    let items = doc.as_array().ok_or_else(bad)?;
    items
        .iter()
        .map(|m| {
            let name = m.get("name").and_then(|n| n.as_str()).ok_or_else(bad)?;
            let types = match m.get("types") {
                None => Vec::new(),
                Some(t) => t.as_array().ok_or_else(bad)?.iter().map(|t| t.as_str().map(str::to_owned).ok_or_else(bad)).collect::<FfiResult<_>>()?,
            };
            Ok((name.to_owned(), types))
        })
        .collect()
}

/// Makes a reference. `*out` owns it: free with `dubbo_reference_free`.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_reference_new(
    client: *const dubbo_client,
    opts: *const dubbo_reference_options,
    out_ref: *mut *mut dubbo_reference,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_ref, "out")?;
        let client = arg(client, "client")?;
        let o = arg(opts, "opts")?;
        let mut config = ReferenceConfig {
            interface: o.interface.get("interface")?.to_owned(),
            url: o.url.optional("url")?,
            version: o.version.optional("version")?,
            group: o.group.optional("group")?,
            timeout: (o.timeout_ms > 0).then(|| Duration::from_millis(o.timeout_ms.into())),
            ..ReferenceConfig::default()
        };
        for (name, types) in methods_from_json(o.methods_json.get("methods_json")?)? {
            let types: Vec<&str> = types.iter().map(String::as_str).collect();
            config.methods.push(MethodSignature::new(name, &types)?);
        }
        let reference = client.client.reference(config)?;
        *slot = Box::into_raw(Box::new(dubbo_reference { reference, runtime: client.client.runtime().clone() }));
        Ok(())
    })
}

/// Frees a reference (NULL is fine). Calls in flight still complete.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_reference_free(reference: *mut dubbo_reference) {
    ffi_boundary!(() => {
        if !reference.is_null() {
            // SAFETY: made by `dubbo_reference_new`, freed once.
            drop(unsafe { Box::from_raw(reference) });
        }
    })
}

/// Per-call options; set with `dubbo_call_options_default` first. NULL options are the defaults.
#[repr(C)]
pub struct dubbo_call_options {
    /// This call's timeout in ms (0: the method's, the reference's, the client's).
    pub timeout_ms: u32,
    /// Attachments to send, a JSON object (`{"trace-id":"abc"}`); unset: none.
    pub attachments_json: dubbo_str,
    /// The Java parameter types of this call, a JSON array (`["int","java.lang.String"]`);
    /// unset: the declared ones, else inferred from the values.
    pub parameter_types_json: dubbo_str,
    /// `dubbo_reference_call` only: cancelling this token completes the call
    /// with `DUBBO_E_CANCELLED` (NULL: none). Borrowed for the call only.
    pub cancel: *const dubbo_cancel_token,
}

/// Fills `opts` with the defaults.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_call_options_default(opts: *mut dubbo_call_options) {
    ffi_boundary!(() => {
        if let Ok(o) = out(opts, "opts") {
            *o = dubbo_call_options {
                timeout_ms: 0,
                attachments_json: dubbo_str::EMPTY,
                parameter_types_json: dubbo_str::EMPTY,
                cancel: std::ptr::null(),
            };
        }
    })
}

fn call_options(opts: *const dubbo_call_options) -> FfiResult<CallOptions> {
    let mut c = CallOptions::default();
    // SAFETY: NULL or a valid options struct.
    let Some(o) = (unsafe { opts.as_ref() }) else { return Ok(c) };
    c.timeout = (o.timeout_ms > 0).then(|| Duration::from_millis(o.timeout_ms.into()));
    c.attachments = json::attachments_from_json(o.attachments_json.get("attachments_json")?)?;
    let types = json::strings_from_json(o.parameter_types_json.get("parameter_types_json")?, "parameter_types_json")?;
    if !types.is_empty() || !o.parameter_types_json.get("parameter_types_json")?.trim().is_empty() {
        let parsed = types
            .iter()
            .map(|t| JavaType::from_name(t).ok_or_else(|| dubbo_error::invalid(format!("bad Java type name {t:?}"))))
            .collect::<FfiResult<Vec<_>>>()?;
        c.parameter_types = Some(parsed);
    }
    Ok(c)
}

/// The arguments of a call: method name, JSON arguments, options.
fn call_args(method: *const c_char, method_len: usize, args: *const c_char, args_len: usize, opts: *const dubbo_call_options) -> FfiResult<(String, Vec<Value>, CallOptions)> {
    let method = str_arg(method, method_len, "method")?;
    if method.is_empty() {
        return Err(dubbo_error::invalid("the method name is empty"));
    }
    let args = json::args_from_json(str_arg(args, args_len, "args_json")?)?;
    Ok((method.to_owned(), args, call_options(opts)?))
}

/// A blocking wait would stall the runtime thread it runs on.
fn refuse_on_runtime_thread() -> FfiResult {
    if in_worker_callback() {
        return Err(dubbo_error::new(DUBBO_E_IN_CALLBACK, "a blocking call cannot be made from a completion callback (it runs on a runtime thread): use dubbo_reference_call"));
    }
    Ok(())
}

/// Calls `method` with `args_json` (a JSON array, or empty for none) and waits.
/// On success `*out_value` holds the returned value as JSON (free it with
/// `dubbo_bytes_free`), and `*out_attachments`, when not NULL, the response
/// attachments as a JSON object. A Java exception is `DUBBO_E_REMOTE_EXCEPTION`
/// with the exception in `*err`. Not from a completion callback (`DUBBO_E_IN_CALLBACK`).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_reference_call_sync(
    reference: *const dubbo_reference,
    method: *const c_char,
    method_len: usize,
    args_json: *const c_char,
    args_len: usize,
    opts: *const dubbo_call_options,
    out_value: *mut dubbo_bytes,
    out_attachments: *mut dubbo_bytes,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let r = arg(reference, "reference")?;
        let slot = out(out_value, "out_value")?;
        refuse_on_runtime_thread()?;
        let (method, args, options) = call_args(method, method_len, args_json, args_len, opts)?;
        let reply = r.reference.call_blocking(&method, args, options, || Ok(()))?;
        write_reply(reply, slot, out_attachments)
    })
}

fn write_reply(reply: Reply, slot: &mut dubbo_bytes, out_attachments: *mut dubbo_bytes) -> FfiResult {
    let value = json::to_json(std::slice::from_ref(&reply.value), false)?;
    // SAFETY: NULL or writable.
    if let Some(a) = unsafe { out_attachments.as_mut() } {
        *a = dubbo_bytes::from_string(json::attachments_to_json(&reply.attachments)?);
    }
    *slot = dubbo_bytes::from_string(value);
    Ok(())
}

/// The completion of an async call: `json` (`len` bytes, not NUL-terminated) is
/// the returned value on success, with `err` NULL; on failure `json` is NULL and
/// `err` says why. Both are borrowed for the callback only. It runs on a
/// libdubbo runtime thread and must not block.
pub type dubbo_call_callback = Option<extern "C" fn(user_data: *mut c_void, json: *const c_char, len: usize, err: *const dubbo_error)>;

/// Calls once, exactly: on completion, or with `DUBBO_E_CANCELLED` if the call's
/// task is dropped first (its runtime stopped).
struct Completion {
    callback: extern "C" fn(*mut c_void, *const c_char, usize, *const dubbo_error),
    user_data: SendPtr,
    done: bool,
}

impl Completion {
    fn complete(mut self, result: FfiResult<String>) {
        self.done = true;
        let (cb, ud) = (self.callback, self.user_data);
        run_callback(true, move || match result {
            Ok(json) => cb(ud.0, json.as_ptr().cast(), json.len(), std::ptr::null()),
            Err(e) => cb(ud.0, std::ptr::null(), 0, &e),
        });
    }
}

impl Drop for Completion {
    fn drop(&mut self) {
        if !self.done {
            let (cb, ud) = (self.callback, self.user_data);
            let e = dubbo_error::new(DUBBO_E_CANCELLED, "the call was cancelled (by its token, or its runtime stopped)");
            run_callback(false, move || cb(ud.0, std::ptr::null(), 0, &e));
        }
    }
}

/// Starts a call and returns at once. On `DUBBO_OK` the `callback` runs exactly
/// once, later, on a runtime thread (see `dubbo_call_callback`); on an error
/// status it never runs. `user_data` must be usable from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_reference_call(
    reference: *const dubbo_reference,
    method: *const c_char,
    method_len: usize,
    args_json: *const c_char,
    args_len: usize,
    opts: *const dubbo_call_options,
    callback: dubbo_call_callback,
    user_data: *mut c_void,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let r = arg(reference, "reference")?;
        let callback = callback.ok_or_else(|| dubbo_error::null("callback"))?;
        let (method, args, options) = call_args(method, method_len, args_json, args_len, opts)?;
        r.runtime.check()?;
        // SAFETY: NULL or valid options; the token, if any, is borrowed for this call.
        let token = unsafe { opts.as_ref() }.and_then(|o| unsafe { o.cancel.as_ref() });
        let completion = Completion { callback, user_data: SendPtr(user_data), done: false };
        let reference = r.reference.clone();
        let task = r.runtime.handle().spawn(async move {
            let result = match reference.call(&method, args, options).await {
                Ok(reply) => json::to_json(std::slice::from_ref(&reply.value), false),
                Err(e) => Err(e.into()),
            };
            completion.complete(result);
        });
        if let Some(token) = token {
            token.watch(task.abort_handle());
        }
        Ok(())
    })
}

/// Sends `method` without waiting for an answer (Java's oneway, `return=false`);
/// returns once it is written.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_reference_oneway(
    reference: *const dubbo_reference,
    method: *const c_char,
    method_len: usize,
    args_json: *const c_char,
    args_len: usize,
    opts: *const dubbo_call_options,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let r = arg(reference, "reference")?;
        refuse_on_runtime_thread()?;
        let (method, args, options) = call_args(method, method_len, args_json, args_len, opts)?;
        let reference = r.reference.clone();
        r.runtime.block_on(async move { reference.oneway(&method, args, options).await })??;
        Ok(())
    })
}

/// A generic call (`$invoke`, as Java's `GenericService`): `types_json` names the
/// Java parameter types (`["java.lang.String"]`), POJOs go as maps with a
/// `"class"` key, and the answer comes back generalized (maps). Blocking, like
/// `dubbo_reference_call_sync`.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_reference_invoke_generic_sync(
    reference: *const dubbo_reference,
    method: *const c_char,
    method_len: usize,
    types_json: *const c_char,
    types_len: usize,
    args_json: *const c_char,
    args_len: usize,
    opts: *const dubbo_call_options,
    out_value: *mut dubbo_bytes,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let r = arg(reference, "reference")?;
        let slot = out(out_value, "out_value")?;
        refuse_on_runtime_thread()?;
        let (method, args, options) = call_args(method, method_len, args_json, args_len, opts)?;
        let types = json::strings_from_json(str_arg(types_json, types_len, "types_json")?, "types_json")?;
        let reference = r.reference.clone();
        let reply = r
            .runtime
            .block_on(async move {
                let types: Vec<&str> = types.iter().map(String::as_str).collect();
                reference.invoke_generic(&method, &types, args, options).await
            })??;
        write_reply(reply, slot, std::ptr::null_mut())
    })
}

/// The raw path: `args` is the Hessian2 encoding of the arguments (one stream,
/// the values one after the other, as Dubbo writes them), and `*out_value` gets
/// the Hessian2 encoding of the returned value. The parameter types come from
/// the options, the declared methods, or the values. Blocking.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_reference_call_hessian(
    reference: *const dubbo_reference,
    method: *const c_char,
    method_len: usize,
    args: *const u8,
    args_len: usize,
    opts: *const dubbo_call_options,
    out_value: *mut dubbo_bytes,
    err: *mut *mut dubbo_error,
) -> dubbo_status {
    ffi_boundary!(err, {
        let r = arg(reference, "reference")?;
        let slot = out(out_value, "out_value")?;
        refuse_on_runtime_thread()?;
        let method = str_arg(method, method_len, "method")?;
        let values = hessian2::decode_all(bytes_arg(args, args_len, "args")?)
            .map_err(|e| dubbo_error::new(DUBBO_E_CODEC, format!("the arguments are not Hessian2: {e}")))?;
        let reply = r.reference.call_blocking(method, values, call_options(opts)?, || Ok(()))?;
        let bytes = hessian2::encode(&reply.value).map_err(|e| dubbo_error::new(DUBBO_E_CODEC, e.to_string()))?;
        *slot = dubbo_bytes::from_vec(bytes);
        Ok(())
    })
}

/// Cancels async calls: pass it in `dubbo_call_options.cancel`, then
/// `dubbo_cancel_token_cancel` completes every call started with it that is
/// still running, with `DUBBO_E_CANCELLED` (each callback still runs once).
/// One token may serve many calls; a cancelled token cancels new calls at once.
pub struct dubbo_cancel_token {
    state: Mutex<TokenState>,
}

#[derive(Default)]
struct TokenState {
    cancelled: bool,
    calls: Vec<tokio::task::AbortHandle>,
}

impl dubbo_cancel_token {
    fn watch(&self, call: tokio::task::AbortHandle) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.cancelled {
            call.abort();
            return;
        }
        state.calls.retain(|c| !c.is_finished());
        state.calls.push(call);
    }
}

/// Makes a token; `*out` owns it (free with `dubbo_cancel_token_free`).
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_cancel_token_new(out_token: *mut *mut dubbo_cancel_token, err: *mut *mut dubbo_error) -> dubbo_status {
    ffi_boundary!(err, {
        let slot = out(out_token, "out")?;
        *slot = Box::into_raw(Box::new(dubbo_cancel_token { state: Mutex::new(TokenState::default()) }));
        Ok(())
    })
}

/// Cancels the token's calls (NULL is fine). Any thread; callbacks included.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_cancel_token_cancel(token: *const dubbo_cancel_token) {
    ffi_boundary!(() => {
        if let Ok(t) = arg(token, "token") {
            let mut state = t.state.lock().unwrap_or_else(|p| p.into_inner());
            state.cancelled = true;
            for call in state.calls.drain(..) {
                call.abort();
            }
        }
    })
}

/// Frees a token (NULL is fine); its calls go on uncancelled.
#[unsafe(no_mangle)]
pub extern "C" fn dubbo_cancel_token_free(token: *mut dubbo_cancel_token) {
    ffi_boundary!(() => {
        if !token.is_null() {
            // SAFETY: made by `dubbo_cancel_token_new`, freed once.
            drop(unsafe { Box::from_raw(token) });
        }
    })
}
