//! The Python classes the native module needs to recognise and build: the
//! `libdubbo.java` wrappers, the error classes, the registered dataclasses and
//! enums, and a few standard ones. `libdubbo/__init__.py` hands them over once,
//! at import, so that they are written in Python and looked up here by identity.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

/// The classes, set once per interpreter by `_native._init`.
pub struct Types {
    /// `libdubbo.java.Typed`: a number, char or bool pinned to a Java type.
    pub typed: Py<PyType>,
    /// `libdubbo.java.Object`: any Java object by class name and fields.
    pub object: Py<PyType>,
    /// `libdubbo.java.Enum`: a Java enum constant by class and name.
    pub enum_: Py<PyType>,
    /// `libdubbo.java.Array`: a list that is a typed Java array (`int[]`, `String[]`).
    pub array: Py<PyType>,
    /// `libdubbo.java.JLong`: an int Java sent as a long.
    pub jlong: Py<PyType>,
    /// `libdubbo.java.LocalDateTime` / `LocalTime`: with nanoseconds.
    pub nano_datetime: Py<PyType>,
    pub nano_time: Py<PyType>,
    /// Java class name → the Python class registered with `@libdubbo.java_class`.
    pub java_classes: Py<PyDict>,
    /// Error kind name (`"timeout"`) → its `DubboError` subclass.
    pub errors: Py<PyDict>,
    /// `enum.Enum`.
    pub py_enum: Py<PyType>,
    /// `decimal.Decimal`.
    pub decimal: Py<PyType>,
    /// `datetime.datetime`, `.date`, `.time`, `.timedelta`.
    pub datetime: Py<PyType>,
    pub date: Py<PyType>,
    pub time: Py<PyType>,
    pub timedelta: Py<PyType>,
    /// The epoch as an aware (UTC) datetime.
    pub epoch: Py<PyAny>,
    /// `dataclasses.fields`.
    pub dataclass_fields: Py<PyAny>,
}

static TYPES: PyOnceLock<Types> = PyOnceLock::new();

/// The registered classes; an error if `libdubbo` was not imported through its package.
pub fn types(py: Python<'_>) -> PyResult<&Types> {
    TYPES.get(py).ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("libdubbo._native used before libdubbo was imported")
    })
}

/// Called by `libdubbo/__init__.py` with its classes.
#[pyfunction]
#[pyo3(name = "_init")]
pub fn init(py: Python<'_>, classes: &Bound<'_, PyDict>) -> PyResult<()> {
    let get = |name: &str| -> PyResult<Bound<'_, PyAny>> {
        classes
            .get_item(name)?
            .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(format!("_init: missing {name}")))
    };
    let ty = |name: &str| -> PyResult<Py<PyType>> { Ok(get(name)?.cast_into::<PyType>()?.unbind()) };
    let datetime = py.import("datetime")?;
    let dtype = |name: &str| -> PyResult<Py<PyType>> { Ok(datetime.getattr(name)?.cast_into::<PyType>()?.unbind()) };
    let utc = datetime.getattr("timezone")?.getattr("utc")?;
    let epoch = datetime.getattr("datetime")?.call1((1970, 1, 1, 0, 0, 0, 0, &utc))?;
    let types = Types {
        typed: ty("Typed")?,
        object: ty("Object")?,
        enum_: ty("Enum")?,
        array: ty("Array")?,
        jlong: ty("JLong")?,
        nano_datetime: ty("LocalDateTime")?,
        nano_time: ty("LocalTime")?,
        java_classes: get("java_classes")?.cast_into::<PyDict>()?.unbind(),
        errors: get("errors")?.cast_into::<PyDict>()?.unbind(),
        py_enum: py.import("enum")?.getattr("Enum")?.cast_into::<PyType>()?.unbind(),
        decimal: py.import("decimal")?.getattr("Decimal")?.cast_into::<PyType>()?.unbind(),
        datetime: dtype("datetime")?,
        date: dtype("date")?,
        time: dtype("time")?,
        timedelta: dtype("timedelta")?,
        epoch: epoch.unbind(),
        dataclass_fields: py.import("dataclasses")?.getattr("fields")?.unbind(),
    };
    // A second import (a reload) keeps the first set: objects made with it still match.
    let _ = TYPES.set(py, types);
    Ok(())
}
