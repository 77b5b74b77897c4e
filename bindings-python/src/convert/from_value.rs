//! `Value` → Python: what Java sent becomes what a Python user expects.

use libdubbo_core::value::class;
use libdubbo_core::Value;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PySet, PyString};

use super::MAX_DEPTH;
use crate::errors::codec_error;
use crate::types::{types, Types};

/// Converts the values of one message; `Value::Ref(n)` becomes the Python
/// object made for the message's n-th container.
pub struct FromValue<'a, 'py> {
    py: Python<'py>,
    types: &'a Types,
    /// Ref index → the Python object made for it (`None` while a value type,
    /// which cannot be referred to before it is whole, is being built).
    slots: Vec<Option<Bound<'py, PyAny>>>,
    depth: usize,
    /// Refs that point outside what was converted become `None` instead of an error
    /// (for the fields of an exception, converted apart from the rest).
    lenient: bool,
}

impl<'a, 'py> FromValue<'a, 'py> {
    /// A converter for a new message.
    pub fn new(py: Python<'py>) -> PyResult<FromValue<'a, 'py>>
    where
        'py: 'a,
    {
        Ok(FromValue { py, types: types(py)?, slots: Vec::new(), depth: 0, lenient: false })
    }

    /// A converter that turns unresolvable refs into `None`.
    pub fn lenient(py: Python<'py>) -> PyResult<FromValue<'a, 'py>>
    where
        'py: 'a,
    {
        Ok(FromValue { lenient: true, ..Self::new(py)? })
    }

    /// One value.
    pub fn convert(&mut self, value: &Value) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match value {
            Value::Null => py.None().into_bound(py),
            Value::Bool(b) => pyo3::types::PyBool::new(py, *b).to_owned().into_any(),
            Value::Int(i) => i.into_pyobject(py)?.into_any(),
            // A long that fits an int stays a long when sent back (JLong).
            Value::Long(l) if i32::try_from(*l).is_ok() => self.types.jlong.bind(py).call1((*l,))?,
            Value::Long(l) => l.into_pyobject(py)?.into_any(),
            Value::Double(d) => d.into_pyobject(py)?.into_any(),
            Value::String(s) => PyString::new(py, s).into_any(),
            Value::Utf16(units) => {
                let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
                PyBytes::new(py, &bytes).call_method1("decode", ("utf-16-le", "surrogatepass"))?
            }
            Value::Bytes(b) => PyBytes::new(py, b).into_any(),
            Value::Date(ms) => self.instant_millis(*ms)?,
            Value::Ref(n) => match self.slots.get(*n as usize) {
                Some(Some(obj)) => obj.clone(),
                Some(None) if !self.lenient => {
                    return Err(codec_error(py, format!("ref {n} points into a value that is still being read (a cycle through a value type)")))
                }
                None if !self.lenient => return Err(codec_error(py, format!("ref {n} points at no earlier list, map or object"))),
                _ => py.None().into_bound(py),
            },
            Value::List(_) | Value::Map(_) | Value::Object(_) => {
                if self.depth >= MAX_DEPTH {
                    return Err(codec_error(py, format!("the value nests deeper than {MAX_DEPTH} levels")));
                }
                self.depth += 1;
                let out = self.container(value);
                self.depth -= 1;
                out?
            }
        })
    }

    fn container(&mut self, value: &Value) -> PyResult<Bound<'py, PyAny>> {
        let index = self.slots.len();
        self.slots.push(None);
        match value {
            Value::List(l) => match l.type_name.as_deref() {
                Some(t) if t.starts_with('[') => {
                    let array = self.types.array.bind(self.py).call1((java_element_name(&t[1..]),))?;
                    self.fill_list(index, &array, &l.items)
                }
                Some("java.util.HashSet" | "java.util.Set" | "java.util.LinkedHashSet" | "java.util.TreeSet") => {
                    let items = l.items.iter().map(|v| self.convert(v)).collect::<PyResult<Vec<_>>>()?;
                    // A set of things Python cannot hash (objects with fields, lists) stays a list.
                    let out = match PySet::new(self.py, &items) {
                        Ok(set) => set.into_any(),
                        Err(_) => PyList::new(self.py, items)?.into_any(),
                    };
                    self.slots[index] = Some(out.clone());
                    Ok(out)
                }
                _ => {
                    let list = PyList::empty(self.py).into_any();
                    self.fill_list(index, &list, &l.items)
                }
            },
            Value::Map(m) => {
                let dict = PyDict::new(self.py);
                self.slots[index] = Some(dict.clone().into_any());
                for (k, v) in &m.entries {
                    let key = self.convert(k)?;
                    let value = self.convert(v)?;
                    dict.set_item(&key, value).map_err(|e| {
                        codec_error(self.py, format!("a map key Python cannot use ({}): {e}", key.get_type().name().map(|n| n.to_string()).unwrap_or_default()))
                    })?;
                }
                Ok(dict.into_any())
            }
            Value::Object(o) => {
                let out = self.object(index, value, o)?;
                self.slots[index] = Some(out.clone());
                Ok(out)
            }
            _ => unreachable!("only containers reach here"),
        }
    }

    fn fill_list(&mut self, index: usize, list: &Bound<'py, PyAny>, items: &[Value]) -> PyResult<Bound<'py, PyAny>> {
        self.slots[index] = Some(list.clone());
        let as_list = list.cast::<PyList>()?;
        for item in items {
            as_list.append(self.convert(item)?)?;
        }
        Ok(list.clone())
    }

    /// Java objects: the special classes become Python's own types, registered
    /// classes their Python class, enums `java.Enum`, the rest `java.Object`.
    fn object(&mut self, index: usize, value: &Value, o: &libdubbo_core::value::Object) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let t = self.types;
        let cls = o.class();
        if let Some(text) = value.as_big_decimal() {
            return t.decimal.bind(py).call1((text,)).map(Bound::into_any);
        }
        let int = |name: &str| o.get(name).and_then(Value::as_i64).unwrap_or(0);
        match cls {
            class::LOCAL_DATE => return t.date.bind(py).call1((int("year"), int("month"), int("day"))).map(Bound::into_any),
            class::LOCAL_TIME => {
                let nano = int("nano");
                let class = if nano % 1000 == 0 { &t.time } else { &t.nano_time };
                let time = class.bind(py).call1((int("hour"), int("minute"), int("second"), nano / 1000))?;
                return with_nanos(time, nano);
            }
            class::LOCAL_DATE_TIME => {
                let (date, time) = (o.get("date").and_then(Value::as_object), o.get("time").and_then(Value::as_object));
                let part = |p: Option<&libdubbo_core::value::Object>, name: &str| p.and_then(|p| p.get(name)).and_then(Value::as_i64).unwrap_or(0);
                let args = (
                    part(date, "year"),
                    part(date, "month"),
                    part(date, "day"),
                    part(time, "hour"),
                    part(time, "minute"),
                    part(time, "second"),
                    part(time, "nano") / 1000,
                );
                // Its two parts are containers of their own: keep the numbering.
                self.slots.extend([None, None]);
                let nano = part(time, "nano");
                let class = if nano % 1000 == 0 { &t.datetime } else { &t.nano_datetime };
                return with_nanos(class.bind(py).call1(args)?, nano);
            }
            class::INSTANT => {
                let micros = int("seconds") * 1_000_000 + int("nanos") / 1000;
                let delta = t.timedelta.bind(py).call1((0, 0, micros))?;
                return t.epoch.bind(py).add(delta);
            }
            class::DURATION => {
                let delta = t.timedelta.bind(py).call1((0, int("seconds"), int("nanos") / 1000))?;
                return Ok(delta.into_any());
            }
            class::SQL_TIMESTAMP | class::SQL_DATE | class::SQL_TIME => {
                if let Some(Value::Date(ms)) = o.get("value") {
                    return self.instant_millis(*ms);
                }
            }
            _ => {}
        }
        if let Some(registered) = t.java_classes.bind(py).get_item(cls)? {
            if registered.cast::<pyo3::types::PyType>()?.is_subclass(t.py_enum.bind(py))? {
                let name = value.as_enum().map(|(_, n)| n).or_else(|| o.get("name").and_then(Value::as_str)).unwrap_or_default();
                return registered.get_item(name).map_err(|_| codec_error(py, format!("{cls} has no constant {name:?} in Python")));
            }
            let obj = registered.call_method1("__new__", (&registered,))?;
            self.slots[index] = Some(obj.clone());
            let setattr = py.import("builtins")?.getattr("object")?.getattr("__setattr__")?;
            for (name, v) in o.fields() {
                setattr.call1((&obj, name, self.convert(v)?))?;
            }
            return Ok(obj);
        }
        if let Some((class_name, name)) = value.as_enum() {
            return t.enum_.bind(py).call1((class_name, name)).map(Bound::into_any);
        }
        let obj = t.object.bind(py).call1((cls,))?;
        self.slots[index] = Some(obj.clone());
        let fields = obj.getattr("fields")?;
        let fields = fields.cast::<PyDict>()?;
        for (name, v) in o.fields() {
            fields.set_item(name, self.convert(v)?)?;
        }
        Ok(obj)
    }

    /// A `java.util.Date` (milliseconds since the epoch) as an aware UTC datetime.
    fn instant_millis(&self, ms: i64) -> PyResult<Bound<'py, PyAny>> {
        let t = self.types;
        let delta = t.timedelta.bind(self.py).call1((0, 0, 0, ms))?;
        t.epoch.bind(self.py).add(delta)
    }
}

/// Keeps sub-microsecond nanoseconds on a `libdubbo.java.LocalDateTime`/`LocalTime`.
fn with_nanos(obj: Bound<'_, PyAny>, nano: i64) -> PyResult<Bound<'_, PyAny>> {
    if nano % 1000 != 0 {
        obj.setattr("nanosecond", nano)?;
    }
    Ok(obj)
}

/// A Hessian array element name as the Java name Python users see.
fn java_element_name(hessian: &str) -> &str {
    match hessian {
        "string" => "java.lang.String",
        "object" => "java.lang.Object",
        "date" => "java.util.Date",
        other => other,
    }
}
