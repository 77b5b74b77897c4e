//! `Server`, `CallQueue` and `Call`: a provider whose calls Python pulls on its
//! own threads (DESIGN rule 4: no Python runs on a runtime thread).

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use libdubbo_core::facade::{self, Answer, Response, Runtime, Service, ServiceError};
use libdubbo_core::transport::ServiceKey;
use libdubbo_core::Value;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::client::{attachments_to_py, seconds};
use crate::convert::{FromValue, ToValue};
use crate::errors::{invalid_argument, to_py};

/// A provider listening on one address.
#[pyclass(frozen, module = "libdubbo._native")]
pub struct Server {
    inner: facade::Server,
}

#[pymethods]
impl Server {
    #[new]
    #[pyo3(signature = (host="127.0.0.1", port=0, *, registry=None, application=None, threads=200, payload=None, shutdown_timeout=None, parameters=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        host: &str,
        port: u16,
        registry: Option<String>,
        application: Option<String>,
        threads: usize,
        payload: Option<usize>,
        shutdown_timeout: Option<f64>,
        parameters: Option<Vec<(String, String)>>,
    ) -> PyResult<Self> {
        let ip: IpAddr = host.parse().map_err(|_| invalid_argument(py, format!("host must be an IP address, not {host:?}")))?;
        let mut config = facade::ServerConfig {
            bind: SocketAddr::new(ip, port),
            max_concurrent_calls: threads.max(1),
            registry,
            parameters: parameters.unwrap_or_default(),
            ..Default::default()
        };
        if let Some(a) = application {
            config.application = a;
        }
        if let Some(p) = payload {
            config.max_payload = p;
        }
        if let Some(t) = shutdown_timeout {
            config.shutdown_timeout = seconds(py, t)?;
        }
        let runtime = Runtime::global().map_err(|e| to_py(py, e))?;
        let inner = py.detach(|| facade::Server::bind_blocking(runtime, config)).map_err(|e| to_py(py, e))?;
        Ok(Server { inner })
    }

    /// The bound address's host.
    #[getter]
    fn host(&self) -> String {
        self.inner.local_addr().ip().to_string()
    }

    /// The bound port (the one the OS chose for port 0).
    #[getter]
    fn port(&self) -> u16 {
        self.inner.local_addr().port()
    }

    /// Exports a service whose calls wait in the returned queue (at most `capacity`;
    /// more are refused as a busy Java provider refuses them).
    #[pyo3(signature = (interface, *, version=None, group=None, methods=None, capacity=1000, parameters=None))]
    #[allow(clippy::too_many_arguments)]
    fn export(
        &self,
        py: Python<'_>,
        interface: String,
        version: Option<String>,
        group: Option<String>,
        methods: Option<Vec<(String, Vec<String>)>>,
        capacity: usize,
        parameters: Option<Vec<(String, String)>>,
    ) -> PyResult<CallQueue> {
        let mut builder = Service::builder(interface).version(version.as_deref().unwrap_or("")).group(group.as_deref().unwrap_or(""));
        for (k, v) in parameters.unwrap_or_default() {
            builder = builder.parameter(&k, &v);
        }
        for (name, types) in methods.unwrap_or_default() {
            let types: Vec<&str> = types.iter().map(String::as_str).collect();
            builder = builder.method(&name, &types).map_err(|e| to_py(py, e))?;
        }
        let (service, queue) = builder.queue(capacity);
        self.inner.export(service).map_err(|e| to_py(py, e))?;
        Ok(CallQueue { inner: queue })
    }

    /// Stops serving a service; false if it was not exported.
    #[pyo3(signature = (interface, version=None, group=None))]
    fn unexport(&self, interface: &str, version: Option<&str>, group: Option<&str>) -> bool {
        self.inner.unexport(&ServiceKey::new(interface, version.unwrap_or(""), group.unwrap_or("")))
    }

    /// Java's graceful stop: consumers are told (readonly), running calls drain
    /// (up to the shutdown timeout), then connections close. Returns the calls
    /// still running when it gave up.
    fn shutdown(&self, py: Python<'_>) -> PyResult<usize> {
        py.detach(|| self.inner.shutdown_blocking()).map_err(|e| to_py(py, e))
    }

    /// Closes at once.
    fn close(&self, py: Python<'_>) {
        py.detach(|| self.inner.close());
    }
}

/// The calls of one exported service.
#[pyclass(frozen, module = "libdubbo._native")]
pub struct CallQueue {
    inner: facade::CallQueue,
}

#[pymethods]
impl CallQueue {
    /// The next call, waiting at most `timeout` seconds without the GIL (`None` if
    /// none came); raises `DubboClosedError` once the service is no longer served.
    fn next(&self, py: Python<'_>, timeout: f64) -> PyResult<Option<Call>> {
        let timeout = seconds(py, timeout)?.min(Duration::from_secs(3600));
        let call = py.detach(|| self.inner.next_blocking(timeout)).map_err(|e| to_py(py, e))?;
        Ok(call.map(|c| Call { call: Mutex::new(Some(c)) }))
    }

    /// Calls waiting now.
    fn __len__(&self) -> usize {
        self.inner.len()
    }
}

/// One call to answer exactly once (an unanswered call, when dropped, answers
/// the consumer with a RuntimeException).
#[pyclass(frozen, module = "libdubbo._native")]
pub struct Call {
    call: Mutex<Option<facade::Call>>,
}

impl Call {
    fn with<R>(&self, py: Python<'_>, f: impl FnOnce(&facade::Request) -> PyResult<R>) -> PyResult<R> {
        let guard = self.call.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(call) => f(&call.request),
            None => Err(invalid_argument(py, "this call was already answered")),
        }
    }

    fn answer(&self, py: Python<'_>, answer: Answer) -> PyResult<bool> {
        let call = self.call.lock().unwrap_or_else(|p| p.into_inner()).take();
        let call = call.ok_or_else(|| invalid_argument(py, "this call was already answered"))?;
        Ok(py.detach(|| call.reply(answer)))
    }
}

#[pymethods]
impl Call {
    #[getter]
    fn interface(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |r| Ok(r.interface.clone()))
    }

    #[getter]
    fn method(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |r| Ok(r.method.clone()))
    }

    /// The Java parameter types the consumer named (`["int", "java.lang.String"]`).
    #[getter]
    fn parameter_types(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.with(py, |r| Ok(r.parameter_types.iter().map(|t| t.name()).collect()))
    }

    /// True for a generic (`$invoke`) call.
    #[getter]
    fn generic(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |r| Ok(r.generic))
    }

    /// The arguments, converted to Python (shared and cyclic structure kept).
    fn args<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.with(py, |r| {
            let mut convert = FromValue::new(py)?;
            let args = r.args.iter().map(|a| convert.convert(a)).collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, args)
        })
    }

    /// The request's attachments (Java's `RpcContext` server attachments).
    fn attachments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.with(py, |r| attachments_to_py(py, &r.attachments))
    }

    /// Answers with `value` and response attachments; false if the consumer is gone.
    #[pyo3(signature = (value=None, attachments=None))]
    fn reply(&self, py: Python<'_>, value: Option<&Bound<'_, PyAny>>, attachments: Option<&Bound<'_, PyDict>>) -> PyResult<bool> {
        let value = match value {
            Some(v) => ToValue::new(py)?.convert(v),
            None => Ok(Value::Null),
        };
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                // The consumer learns why; the handler's thread does too.
                let message = format!("the result cannot be sent to Java: {e}");
                self.answer(py, Err(ServiceError::Failed(message)))?;
                return Err(e);
            }
        };
        let mut response = Response::from(value);
        for (k, v) in attachments.into_iter().flat_map(|d| d.iter()) {
            let key: String = k.extract().map_err(|_| invalid_argument(py, "attachment keys must be strings"))?;
            response.attachments.push((key, ToValue::new(py)?.convert(&v)?));
        }
        self.answer(py, Ok(response))
    }

    /// Fails with a `java.lang.RuntimeException` carrying `message`.
    fn fail(&self, py: Python<'_>, message: String) -> PyResult<bool> {
        self.answer(py, Err(ServiceError::Failed(message)))
    }

    /// Throws a Java exception of `java_class` (one the interface declares, for a
    /// business exception Java catches by type) with a message and fields.
    #[pyo3(signature = (java_class, message=None, fields=None))]
    fn throw(&self, py: Python<'_>, java_class: String, message: Option<String>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<bool> {
        let mut exception = Value::throwable(java_class, message.as_deref(), None);
        if let (Value::Object(o), Some(fields)) = (&mut exception, fields) {
            for (k, v) in fields.iter() {
                let name: String = k.extract().map_err(|_| invalid_argument(py, "field names must be strings"))?;
                o.set(&name, ToValue::new(py)?.convert(&v)?);
            }
        }
        self.answer(py, Err(ServiceError::Exception(exception)))
    }
}
