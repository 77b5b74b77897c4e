//! Python → `Value`: what a user passes becomes what Java expects.

use std::collections::HashMap;

use libdubbo_core::value::JavaType;
use libdubbo_core::Value;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple, PyType,
};

use super::{containers_in, MAX_DEPTH};
use crate::errors::invalid_argument;
use crate::types::{types, Types};

/// Converts the values of one message (a call's arguments, or one result),
/// numbering its containers as Hessian's ref table does.
pub struct ToValue<'a, 'py> {
    py: Python<'py>,
    types: &'a Types,
    /// `id()` of a Python container already converted → its ref index.
    seen: HashMap<usize, u32>,
    next: u32,
    depth: usize,
}

impl<'a, 'py> ToValue<'a, 'py> {
    /// A converter for a new message.
    pub fn new(py: Python<'py>) -> PyResult<ToValue<'a, 'py>>
    where
        'py: 'a,
    {
        Ok(ToValue { py, types: types(py)?, seen: HashMap::new(), next: 0, depth: 0 })
    }

    /// The arguments of a call, and the Java type each one pins (a `java.Int`
    /// pins `int`), for calls whose method has no declared signature.
    pub fn args(&mut self, args: &Bound<'py, PyTuple>) -> PyResult<(Vec<Value>, Vec<Option<JavaType>>)> {
        let mut values = Vec::with_capacity(args.len());
        let mut pins = Vec::with_capacity(args.len());
        for arg in args.iter() {
            pins.push(self.pinned_type(&arg)?);
            values.push(self.convert(&arg)?);
        }
        Ok((values, pins))
    }

    /// The Java type a wrapper names, if `obj` is one that pins a parameter type.
    fn pinned_type(&self, obj: &Bound<'py, PyAny>) -> PyResult<Option<JavaType>> {
        if !obj.is_instance(self.types.typed.bind(self.py))? {
            return Ok(None);
        }
        let name: String = obj.getattr("java_type")?.extract()?;
        Ok(JavaType::from_name(&name))
    }

    /// One value.
    pub fn convert(&mut self, obj: &Bound<'py, PyAny>) -> PyResult<Value> {
        // The common types first, by exact type: no isinstance walk.
        if obj.is_none() {
            return Ok(Value::Null);
        }
        if obj.is_exact_instance_of::<PyString>() {
            return string(obj.cast::<PyString>()?);
        }
        if obj.is_exact_instance_of::<PyBool>() {
            return Ok(Value::Bool(obj.is_truthy()?));
        }
        if obj.is_exact_instance_of::<PyInt>() {
            return int(obj);
        }
        if obj.is_exact_instance_of::<PyFloat>() {
            return Ok(Value::Double(obj.extract()?));
        }
        if obj.is_exact_instance_of::<PyBytes>() {
            return Ok(Value::Bytes(obj.cast::<PyBytes>()?.as_bytes().to_vec()));
        }
        if obj.is_exact_instance_of::<PyList>() || obj.is_exact_instance_of::<PyTuple>() {
            return self.container(obj, |this, index| this.list(obj, None, index));
        }
        if obj.is_exact_instance_of::<PyDict>() {
            return self.container(obj, |this, _| this.dict(obj.cast::<PyDict>()?, None));
        }
        self.convert_other(obj)
    }

    /// Wrappers, subclasses, dates, decimals, dataclasses, enums.
    fn convert_other(&mut self, obj: &Bound<'py, PyAny>) -> PyResult<Value> {
        let py = self.py;
        let t = self.types;
        if obj.is_instance(t.typed.bind(py))? {
            return typed(obj);
        }
        if obj.is_instance(t.array.bind(py))? {
            let element: String = obj.getattr("element_type")?.extract()?;
            let type_name = array_type_name(&element)?;
            return self.container(obj, |this, index| this.list(obj, Some(type_name.as_str()), index));
        }
        if obj.is_instance(t.object.bind(py))? {
            let class: String = obj.getattr("java_class")?.extract()?;
            let fields = obj.getattr("fields")?;
            return self.container(obj, |this, _| this.object(class, fields.cast::<PyDict>()?.iter()));
        }
        if obj.is_instance(t.enum_.bind(py))? {
            let class: String = obj.getattr("java_class")?.extract()?;
            let name: String = obj.getattr("name")?.extract()?;
            return Ok(self.leaf(Value::enum_constant(class, name)));
        }
        if obj.is_instance(t.py_enum.bind(py))? {
            let class = java_class_of(&obj.get_type())?.ok_or_else(|| {
                invalid_argument(py, format!("enum {} has no Java class: decorate it with @libdubbo.java_class(\"...\")", type_name(obj)))
            })?;
            let name: String = obj.getattr("name")?.extract()?;
            return Ok(self.leaf(Value::enum_constant(class, name)));
        }
        if obj.is_instance_of::<PyBool>() {
            return Ok(Value::Bool(obj.is_truthy()?));
        }
        if obj.is_instance(t.jlong.bind(py))? {
            return Ok(Value::Long(obj.extract()?));
        }
        if obj.is_instance_of::<PyInt>() {
            return int(obj);
        }
        if obj.is_instance_of::<PyFloat>() {
            return Ok(Value::Double(obj.extract()?));
        }
        if obj.is_instance_of::<PyString>() {
            return string(obj.cast::<PyString>()?);
        }
        if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
            return Ok(Value::Bytes(obj.extract::<Vec<u8>>()?));
        }
        if obj.is_instance(t.datetime.bind(py))? {
            return self.datetime(obj);
        }
        if obj.is_instance(t.date.bind(py))? {
            let date = local_date(obj)?;
            return Ok(self.leaf(date));
        }
        if obj.is_instance(t.time.bind(py))? {
            let time = local_time(obj)?;
            return Ok(self.leaf(time));
        }
        if obj.is_instance(t.timedelta.bind(py))? {
            let duration = duration(obj)?;
            return Ok(self.leaf(duration));
        }
        if obj.is_instance(t.decimal.bind(py))? {
            let text: String = obj.str()?.extract()?;
            if !obj.call_method0("is_finite")?.is_truthy()? {
                return Err(invalid_argument(py, format!("BigDecimal cannot hold {text}")));
            }
            return Ok(self.leaf(Value::big_decimal(text)));
        }
        if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            return self.container(obj, |this, index| this.list(obj, None, index));
        }
        if obj.is_instance_of::<PyDict>() {
            return self.container(obj, |this, _| this.dict(obj.cast::<PyDict>()?, None));
        }
        if obj.is_instance_of::<PySet>() || obj.is_instance_of::<PyFrozenSet>() {
            return self.container(obj, |this, index| this.list(obj, Some("java.util.HashSet"), index));
        }
        if obj.get_type().hasattr("__dataclass_fields__")? {
            let class = java_class_of(&obj.get_type())?.ok_or_else(|| {
                invalid_argument(py, format!("dataclass {} has no Java class: decorate it with @libdubbo.java_class(\"...\")", type_name(obj)))
            })?;
            let fields = t.dataclass_fields.bind(py).call1((obj,))?;
            return self.container(obj, |this, _| {
                let mut pairs = Vec::new();
                for f in fields.try_iter()? {
                    let name = f?.getattr("name")?;
                    let value = obj.getattr(name.cast::<PyString>()?)?;
                    pairs.push((name, value));
                }
                this.object(class, pairs.into_iter())
            });
        }
        Err(invalid_argument(
            py,
            format!("cannot send a {} to Java: use a libdubbo.java wrapper or a @libdubbo.java_class dataclass", type_name(obj)),
        ))
    }

    /// A container: a ref if this Python object was seen, else numbered before its children.
    fn container(&mut self, obj: &Bound<'py, PyAny>, build: impl FnOnce(&mut Self, u32) -> PyResult<Value>) -> PyResult<Value> {
        let id = obj.as_ptr() as usize;
        if let Some(&index) = self.seen.get(&id) {
            return Ok(Value::Ref(index));
        }
        if self.depth >= MAX_DEPTH {
            return Err(invalid_argument(self.py, format!("the value nests deeper than {MAX_DEPTH} levels")));
        }
        let index = self.next;
        self.seen.insert(id, index);
        self.next += 1;
        self.depth += 1;
        let value = build(self, index);
        self.depth -= 1;
        value
    }

    /// A value built whole (a BigDecimal, an enum, a date handle): it takes its
    /// containers' numbers, but no Python object can refer to them.
    fn leaf(&mut self, value: Value) -> Value {
        self.next += containers_in(&value);
        value
    }

    fn list(&mut self, obj: &Bound<'py, PyAny>, type_name: Option<&str>, _index: u32) -> PyResult<Value> {
        let mut items = Vec::with_capacity(obj.len().unwrap_or(0));
        for item in obj.try_iter()? {
            items.push(self.convert(&item?)?);
        }
        Ok(match type_name {
            Some(t) => Value::typed_list(t, items),
            None => Value::list(items),
        })
    }

    fn dict(&mut self, dict: &Bound<'py, PyDict>, type_name: Option<&str>) -> PyResult<Value> {
        let mut entries = Vec::with_capacity(dict.len());
        for (k, v) in dict.iter() {
            let key = self.convert(&k)?;
            entries.push((key, self.convert(&v)?));
        }
        Ok(match type_name {
            Some(t) => Value::typed_map(t, entries),
            None => Value::map(entries),
        })
    }

    fn object(&mut self, class: String, fields: impl Iterator<Item = (Bound<'py, PyAny>, Bound<'py, PyAny>)>) -> PyResult<Value> {
        let mut pairs = Vec::new();
        for (name, value) in fields {
            let name: String = name.extract().map_err(|_| PyTypeError::new_err("Java field names must be strings"))?;
            pairs.push((name, self.convert(&value)?));
        }
        Ok(Value::object(class, pairs))
    }

    /// An aware datetime is an instant (`java.util.Date`); a naive one is a
    /// `java.time.LocalDateTime`, as Python's own distinction says.
    fn datetime(&mut self, obj: &Bound<'py, PyAny>) -> PyResult<Value> {
        if obj.getattr("tzinfo")?.is_none() || obj.call_method0("utcoffset")?.is_none() {
            let value = Value::local_date_time(local_date(obj)?, local_time(obj)?);
            return Ok(self.leaf(value));
        }
        let py = self.py;
        let since = obj.sub(self.types.epoch.bind(py))?;
        let millis = since.floor_div(self.types.timedelta.bind(py).call1((0, 0, 0, 1))?)?;
        Ok(Value::Date(millis.extract()?))
    }
}

/// `int` if it fits, else `long`; beyond 64 bits there is no Java primitive.
fn int(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    match obj.extract::<i64>() {
        Ok(v) => Ok(i32::try_from(v).map_or(Value::Long(v), Value::Int)),
        Err(_) => Err(invalid_argument(obj.py(), format!("{obj} does not fit a Java long; send a decimal.Decimal for BigDecimal"))),
    }
}

/// A string; one holding lone surrogates keeps them as UTF-16 (Java allows them).
fn string(s: &Bound<'_, PyString>) -> PyResult<Value> {
    match s.to_str() {
        Ok(text) => Ok(Value::String(text.to_owned())),
        Err(_) => {
            let bytes = s.call_method1("encode", ("utf-16-le", "surrogatepass"))?;
            let bytes = bytes.cast::<PyBytes>()?.as_bytes();
            Ok(Value::Utf16(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()))
        }
    }
}

/// A `libdubbo.java.Typed` number, char or bool, as Java writes that type.
fn typed(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    let py = obj.py();
    let java_type: String = obj.getattr("java_type")?.extract()?;
    let value = obj.getattr("value")?;
    let short = java_type.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    let out_of_range = |what: &str| invalid_argument(py, format!("{value} is out of range for Java {what}"));
    Ok(match short.as_str() {
        "int" | "integer" => Value::Int(value.extract().map_err(|_| out_of_range("int"))?),
        "long" => Value::Long(value.extract().map_err(|_| out_of_range("long"))?),
        "short" => Value::short(value.extract().map_err(|_| out_of_range("short"))?),
        "byte" => Value::byte(value.extract().map_err(|_| out_of_range("byte"))?),
        "double" => Value::Double(value.extract()?),
        "float" => Value::float(value.extract::<f64>()? as f32),
        "boolean" => Value::Bool(value.is_truthy()?),
        "char" | "character" => {
            let c: char = value.extract().map_err(|_| invalid_argument(py, "a Java char is one character"))?;
            if u32::from(c) > 0xFFFF {
                return Err(invalid_argument(py, "a Java char holds one UTF-16 unit; this character needs two"));
            }
            Value::char(c)
        }
        _ => return Err(invalid_argument(py, format!("unknown wrapped Java type {java_type}"))),
    })
}

/// The Hessian type of an array of `element` (a Java name: `int`, `java.lang.String`, `com.Foo`).
fn array_type_name(element: &str) -> PyResult<String> {
    let hessian = match element {
        "java.lang.String" | "string" => "string",
        "java.lang.Object" | "object" => "object",
        "boolean" | "short" | "int" | "long" | "float" | "double" | "char" => element,
        other if !other.is_empty() => other,
        _ => return Err(PyTypeError::new_err("an array needs an element type")),
    };
    Ok(format!("[{hessian}"))
}

fn local_date(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    let get = |n: &str| -> PyResult<i32> { obj.getattr(n)?.extract() };
    Ok(Value::local_date(get("year")?, get("month")?, get("day")?))
}

fn local_time(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    let get = |n: &str| -> PyResult<i32> { obj.getattr(n)?.extract() };
    // libdubbo.java.LocalDateTime / LocalTime carry Java's nanoseconds.
    let nano = match obj.getattr("nanosecond") {
        Ok(n) if !n.is_none() && n.extract::<i32>()? != 0 => n.extract()?,
        _ => get("microsecond")? * 1000,
    };
    Ok(Value::local_time(get("hour")?, get("minute")?, get("second")?, nano))
}

fn duration(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    let days: i64 = obj.getattr("days")?.extract()?;
    let seconds: i64 = obj.getattr("seconds")?.extract()?;
    let micros: i32 = obj.getattr("microseconds")?.extract()?;
    Ok(Value::duration(days * 86_400 + seconds, micros * 1000))
}

/// The Java class a Python class was registered under (`__java_class__`).
fn java_class_of(ty: &Bound<'_, PyType>) -> PyResult<Option<String>> {
    match ty.getattr("__java_class__") {
        Ok(name) => Ok(Some(name.extract()?)),
        Err(_) => Ok(None),
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "value".into())
}

