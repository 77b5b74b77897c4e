//! The core's errors as `libdubbo` exceptions: one class per kind (the classes
//! live in `libdubbo/errors.py`), each carrying `kind`, the message, and for Java
//! exceptions the Java class, message, fields, stack and cause.

use libdubbo_core::facade::{Error, ErrorKind, RemoteException};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::convert::FromValue;
use crate::types::types;

/// Throwable's own fields: not repeated in `fields`.
const THROWABLE_FIELDS: &[&str] = &["detailMessage", "cause", "stackTrace", "suppressedExceptions"];

/// The exception for a core error.
pub fn to_py(py: Python<'_>, error: Error) -> PyErr {
    match build(py, &error) {
        Ok(err) => err,
        Err(failed) => failed,
    }
}

/// An `invalid_argument` error (bad input from Python).
pub fn invalid_argument(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py(py, Error::invalid(message))
}

/// A `codec` error (Java sent something Python cannot hold).
pub fn codec_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py(py, Error::new(ErrorKind::Codec, message))
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let classes = types(py)?.errors.bind(py);
    let class = classes
        .get_item(error.kind.name())?
        .ok_or_else(|| PyRuntimeError::new_err(format!("no exception class for kind {}", error.kind.name())))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", error.kind.name())?;
    if let Some(status) = error.status {
        kwargs.set_item("status", status.code())?;
    }
    let exc = class.call((error.message.as_str(),), Some(&kwargs))?;
    if let Some(remote) = &error.exception {
        describe(py, &exc, remote, 0)?;
    }
    Ok(PyErr::from_value(exc))
}

/// Sets the Java details on `exc`, and its cause as `__cause__` (a chain of the same class).
fn describe(py: Python<'_>, exc: &Bound<'_, PyAny>, remote: &RemoteException, depth: usize) -> PyResult<()> {
    exc.setattr("java_class", remote.class.as_str())?;
    exc.setattr("java_message", remote.message.as_deref())?;
    let stack: Vec<String> = remote
        .stack_trace
        .iter()
        .map(|f| format!("{}.{}({}:{})", f.class, f.method, f.file.as_deref().unwrap_or("Unknown Source"), f.line))
        .collect();
    exc.setattr("remote_stack", PyList::new(py, stack)?)?;
    let fields = PyDict::new(py);
    if let Some(object) = remote.value.as_object() {
        let mut convert = FromValue::lenient(py)?;
        for (name, value) in object.fields().filter(|(n, _)| !THROWABLE_FIELDS.contains(n)) {
            fields.set_item(name, convert.convert(value)?)?;
        }
    }
    exc.setattr("fields", fields)?;
    if let Some(cause) = remote.cause.as_deref().filter(|_| depth < 16) {
        let message = match &cause.message {
            Some(m) => format!("{}: {m}", cause.class),
            None => cause.class.clone(),
        };
        let kwargs = PyDict::new(py);
        kwargs.set_item("kind", ErrorKind::RemoteException.name())?;
        let cause_exc = exc.get_type().call((message,), Some(&kwargs))?;
        describe(py, &cause_exc, cause, depth + 1)?;
        exc.setattr("__cause__", cause_exc)?;
    }
    Ok(())
}
