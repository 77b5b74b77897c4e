//! `Client` and `Reference`: each method converts its arguments, makes one facade
//! call (blocking without the GIL, or queued for asyncio) and maps the answer.

use std::sync::Arc;
use std::time::Duration;

use libdubbo_core::facade::{self, CallOptions, ClientConfig, Error, ErrorKind, MethodSignature, ReferenceConfig, Reply, Runtime};
use libdubbo_core::value::JavaType;
use libdubbo_core::Value;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::aio::{CancelHandle, Completions, Done};
use crate::convert::{FromValue, ToValue};
use crate::errors::{invalid_argument, to_py};

/// A consumer: connections shared by its references.
#[pyclass(frozen, module = "libdubbo._native")]
pub struct Client {
    inner: facade::Client,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (registry=None, *, application=None, timeout=None, connect_timeout=None, payload=None, heartbeat=None, max_in_flight=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        registry: Option<String>,
        application: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        payload: Option<usize>,
        heartbeat: Option<f64>,
        max_in_flight: Option<usize>,
    ) -> PyResult<Self> {
        let mut config = ClientConfig::default();
        if let Some(a) = application {
            config.application = a;
        }
        if let Some(t) = timeout {
            config.timeout = seconds(py, t)?;
        }
        if let Some(t) = connect_timeout {
            config.connect_timeout = seconds(py, t)?;
        }
        if let Some(p) = payload {
            config.max_payload = p;
        }
        if let Some(h) = heartbeat {
            config.heartbeat = seconds(py, h)?;
        }
        if let Some(n) = max_in_flight {
            config.max_in_flight = n.max(1);
        }
        config.registry = registry;
        let runtime = Runtime::global().map_err(|e| to_py(py, e))?;
        let inner = facade::Client::new(runtime, config).map_err(|e| to_py(py, e))?;
        Ok(Client { inner })
    }

    /// A reference to `interface`; `methods` maps method names to their Java
    /// parameter types; `parameters` are Java's (`loadbalance`, `retries`, ...).
    #[pyo3(signature = (interface, *, url=None, version=None, group=None, timeout=None, methods=None, parameters=None))]
    #[allow(clippy::too_many_arguments)]
    fn reference(
        &self,
        py: Python<'_>,
        interface: String,
        url: Option<String>,
        version: Option<String>,
        group: Option<String>,
        timeout: Option<f64>,
        methods: Option<Vec<(String, Vec<String>)>>,
        parameters: Option<Vec<(String, String)>>,
    ) -> PyResult<Reference> {
        let mut signatures = Vec::new();
        for (name, types) in methods.unwrap_or_default() {
            let types: Vec<&str> = types.iter().map(String::as_str).collect();
            signatures.push(MethodSignature::new(name, &types).map_err(|e| to_py(py, e))?);
        }
        let timeout = timeout.map(|t| seconds(py, t)).transpose()?;
        let parameters = parameters.unwrap_or_default();
        let config = ReferenceConfig { interface, version, group, timeout, url, methods: signatures, parameters };
        let inner = self.inner.reference(config).map_err(|e| to_py(py, e))?;
        Ok(Reference { inner, runtime: self.inner.runtime().clone() })
    }

    /// Closes every connection; calls made later fail as `closed`.
    fn close(&self, py: Python<'_>) {
        py.detach(|| self.inner.close());
    }
}

/// One remote service.
#[pyclass(frozen, module = "libdubbo._native")]
pub struct Reference {
    inner: facade::Reference,
    runtime: Arc<Runtime>,
}

#[pymethods]
impl Reference {
    #[getter]
    fn interface(&self) -> &str {
        self.inner.interface()
    }

    /// A call, waiting without the GIL; Ctrl-C interrupts it within 100 ms.
    #[pyo3(signature = (method, args, timeout=None, attachments=None, parameter_types=None, want_attachments=false))]
    fn call(
        &self,
        py: Python<'_>,
        method: &str,
        args: &Bound<'_, PyTuple>,
        timeout: Option<f64>,
        attachments: Option<&Bound<'_, PyDict>>,
        parameter_types: Option<Vec<String>>,
        want_attachments: bool,
    ) -> PyResult<Py<PyAny>> {
        let (args, options) = prepare(py, args, timeout, attachments, parameter_types)?;
        let reply = interruptible(py, |signals| self.inner.call_blocking(method, args, options, signals))?;
        reply_to_py(py, reply, want_attachments)
    }

    /// The same call, completing into `completions` under `token` (see `libdubbo._aio`).
    #[pyo3(signature = (completions, token, method, args, timeout=None, attachments=None, parameter_types=None, want_attachments=false))]
    #[allow(clippy::too_many_arguments)]
    fn call_async(
        &self,
        py: Python<'_>,
        completions: &Completions,
        token: u64,
        method: String,
        args: &Bound<'_, PyTuple>,
        timeout: Option<f64>,
        attachments: Option<&Bound<'_, PyDict>>,
        parameter_types: Option<Vec<String>>,
        want_attachments: bool,
    ) -> PyResult<CancelHandle> {
        let (args, options) = prepare(py, args, timeout, attachments, parameter_types)?;
        let (reference, sink) = (self.inner.clone(), completions.inner.clone());
        self.spawn(py, async move {
            let done = match reference.call(&method, args, options).await {
                Ok(reply) => Done::Reply(reply, want_attachments),
                Err(e) => Done::Failed(e),
            };
            sink.push(token, done);
        })
    }

    /// A oneway call: returns once sent.
    #[pyo3(signature = (method, args, timeout=None, attachments=None, parameter_types=None))]
    fn oneway(
        &self,
        py: Python<'_>,
        method: &str,
        args: &Bound<'_, PyTuple>,
        timeout: Option<f64>,
        attachments: Option<&Bound<'_, PyDict>>,
        parameter_types: Option<Vec<String>>,
    ) -> PyResult<()> {
        let (args, options) = prepare(py, args, timeout, attachments, parameter_types)?;
        let (reference, method) = (self.inner.clone(), method.to_owned());
        let runtime = &self.runtime;
        interruptible(py, |signals| runtime.wait(async move { reference.oneway(&method, args, options).await }, signals).and_then(|r| r))
    }

    /// The oneway call, completing into `completions` once sent.
    #[pyo3(signature = (completions, token, method, args, timeout=None, attachments=None, parameter_types=None))]
    #[allow(clippy::too_many_arguments)]
    fn oneway_async(
        &self,
        py: Python<'_>,
        completions: &Completions,
        token: u64,
        method: String,
        args: &Bound<'_, PyTuple>,
        timeout: Option<f64>,
        attachments: Option<&Bound<'_, PyDict>>,
        parameter_types: Option<Vec<String>>,
    ) -> PyResult<CancelHandle> {
        let (args, options) = prepare(py, args, timeout, attachments, parameter_types)?;
        let (reference, sink) = (self.inner.clone(), completions.inner.clone());
        self.spawn(py, async move {
            sink.push(token, reference.oneway(&method, args, options).await.map_or_else(Done::Failed, |()| Done::Sent));
        })
    }

    /// A generic call (`$invoke`): parameter types by Java name; POJOs go and
    /// come back as dicts with a `"class"` key.
    #[pyo3(signature = (completions, token, method, types, args, timeout=None, attachments=None, want_attachments=false))]
    #[allow(clippy::too_many_arguments)]
    fn invoke_generic(
        &self,
        py: Python<'_>,
        completions: Option<&Completions>,
        token: u64,
        method: String,
        types: Vec<String>,
        args: &Bound<'_, PyTuple>,
        timeout: Option<f64>,
        attachments: Option<&Bound<'_, PyDict>>,
        want_attachments: bool,
    ) -> PyResult<Option<Py<PyAny>>> {
        let (args, options) = prepare(py, args, timeout, attachments, None)?;
        let reference = self.inner.clone();
        let call = async move {
            let types: Vec<&str> = types.iter().map(String::as_str).collect();
            reference.invoke_generic(&method, &types, args, options).await
        };
        if let Some(completions) = completions {
            let sink = completions.inner.clone();
            let handle = self.spawn(py, async move {
                sink.push(token, call.await.map_or_else(Done::Failed, |r| Done::Reply(r, want_attachments)));
            })?;
            return Ok(Some(Py::new(py, handle)?.into_any()));
        }
        let runtime = &self.runtime;
        let reply = interruptible(py, |signals| runtime.wait(call, signals).and_then(|r| r))?;
        reply_to_py(py, reply, want_attachments).map(Some)
    }
}

impl Reference {
    /// Starts a task on the runtime; refused in a forked child, whose runtime has no threads.
    fn spawn(&self, py: Python<'_>, task: impl std::future::Future<Output = ()> + Send + 'static) -> PyResult<CancelHandle> {
        self.runtime.check().map_err(|e| to_py(py, e))?;
        Ok(CancelHandle { abort: self.runtime.handle().spawn(task).abort_handle() })
    }
}

/// Runs a blocking facade wait without the GIL; every 100 ms the wait asks
/// Python for pending signals, so Ctrl-C raises KeyboardInterrupt at once.
fn interruptible<T>(
    py: Python<'_>,
    wait: impl FnOnce(&mut dyn FnMut() -> Result<(), Error>) -> Result<T, Error> + Send,
) -> PyResult<T>
where
    T: Send,
{
    let mut interrupted = None;
    let result = py.detach(|| {
        wait(&mut || {
            Python::attach(|py| py.check_signals()).map_err(|e| {
                interrupted = Some(e);
                Error::new(ErrorKind::Cancelled, "interrupted")
            })
        })
    });
    match interrupted {
        Some(signal) => Err(signal),
        None => result.map_err(|e| to_py(py, e)),
    }
}

/// Owned arguments and options, converted while the GIL is held.
fn prepare(
    py: Python<'_>,
    args: &Bound<'_, PyTuple>,
    timeout: Option<f64>,
    attachments: Option<&Bound<'_, PyDict>>,
    parameter_types: Option<Vec<String>>,
) -> PyResult<(Vec<Value>, CallOptions)> {
    let (values, pins) = ToValue::new(py)?.args(args)?;
    let mut options = CallOptions { argument_types: pins, ..CallOptions::default() };
    if let Some(t) = timeout {
        options.timeout = Some(seconds(py, t)?);
    }
    if let Some(attachments) = attachments {
        for (k, v) in attachments.iter() {
            let key: String = k.extract().map_err(|_| invalid_argument(py, "attachment keys must be strings"))?;
            options.attachments.push((key, ToValue::new(py)?.convert(&v)?));
        }
    }
    if let Some(types) = parameter_types {
        let parsed = types
            .iter()
            .map(|t| JavaType::from_name(t).ok_or_else(|| invalid_argument(py, format!("bad Java type name {t:?}"))))
            .collect::<PyResult<Vec<_>>>()?;
        options.parameter_types = Some(parsed);
    }
    Ok((values, options))
}

/// The returned value, or `(value, attachments)` when asked for.
pub fn reply_to_py(py: Python<'_>, reply: Reply, want_attachments: bool) -> PyResult<Py<PyAny>> {
    let value = FromValue::new(py)?.convert(&reply.value)?;
    if !want_attachments {
        return Ok(value.unbind());
    }
    let attachments = attachments_to_py(py, &reply.attachments)?;
    Ok(PyTuple::new(py, [value, attachments.into_any()])?.into_any().unbind())
}

/// Attachments as a dict (values converted one by one).
pub fn attachments_to_py<'py>(py: Python<'py>, attachments: &[(String, Value)]) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in attachments {
        dict.set_item(k, FromValue::lenient(py)?.convert(v)?)?;
    }
    Ok(dict)
}

/// Seconds from Python as a duration; negative or NaN is an invalid argument.
pub fn seconds(py: Python<'_>, s: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(s).map_err(|_| invalid_argument(py, format!("{s} is not a usable number of seconds")))
}
