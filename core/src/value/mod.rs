//! The `Value` model: Java data as Hessian2 carries it.
//!
//! A `Value` is a plain tree. Shared and cyclic structure (the same Java object
//! reached twice, an object that holds itself) is kept the way the wire keeps it:
//! as [`Value::Ref`], an index into the message's containers. Every list, map and
//! object of a message is numbered from 0 in the order it starts (pre-order, across
//! all values of the message), exactly as Hessian2's ref table numbers them. So a
//! tree never loops, and cycles survive a round trip unchanged.

mod compare;
mod java;
mod refs;

use std::sync::Arc;

pub use compare::{equivalent, equivalent_messages};
pub use java::{class, JavaType, StackFrame, Throwable};
pub use refs::RefTable;

/// One Java value as Hessian2 can say it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `boolean` / `Boolean`.
    Bool(bool),
    /// `int` / `Integer` (and `short`, `byte`, which Hessian2 writes as int).
    Int(i32),
    /// `long` / `Long`.
    Long(i64),
    /// `double` / `Double` (and `float`, which Hessian2 writes as double).
    Double(f64),
    /// `String` (and `char`, a one-character string).
    String(String),
    /// A Java string that is not valid Unicode (it holds a lone surrogate), kept
    /// as its UTF-16 units so that nothing is lost.
    Utf16(Vec<u16>),
    /// `byte[]`.
    Bytes(Vec<u8>),
    /// `java.util.Date`: milliseconds since the Unix epoch (UTC).
    Date(i64),
    /// A list, array or collection.
    List(List),
    /// A map.
    Map(Map),
    /// An instance of a Java class: POJOs, enums, BigDecimal, exceptions, ...
    Object(Object),
    /// The n-th list, map or object of this message (see the module docs).
    Ref(u32),
}

/// A list, a Java array (`[int`, `[string`, `[com.Foo`) or a typed collection.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct List {
    /// The Java type: `None` for `ArrayList`, else e.g. `"[int"` or `"java.util.HashSet"`.
    pub type_name: Option<Arc<str>>,
    /// The elements in order.
    pub items: Vec<Value>,
}

/// A map: `HashMap` when untyped, else the named class (`java.util.LinkedHashMap`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Map {
    /// The Java type, `None` for a plain `HashMap`.
    pub type_name: Option<Arc<str>>,
    /// The entries in wire order.
    pub entries: Vec<(Value, Value)>,
}

/// A Java class definition: its name and field names, shared by all its instances.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClassDef {
    /// The fully qualified Java class name.
    pub name: String,
    /// Field names in the order their values are written.
    pub fields: Vec<String>,
}

/// An instance of a Java class: a definition plus one value per field.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    def: Arc<ClassDef>,
    values: Vec<Value>,
}

impl Object {
    /// An object of `class` with the given fields, written in this order.
    pub fn new<N: Into<String>>(class: impl Into<String>, fields: impl IntoIterator<Item = (N, Value)>) -> Self {
        let (names, values): (Vec<String>, Vec<Value>) =
            fields.into_iter().map(|(n, v)| (n.into(), v)).unzip();
        Object { def: Arc::new(ClassDef { name: class.into(), fields: names }), values }
    }

    /// An object from a shared definition; `None` if the value count differs from the field count.
    pub fn from_def(def: Arc<ClassDef>, values: Vec<Value>) -> Option<Self> {
        (def.fields.len() == values.len()).then(|| Self::from_parts(def, values))
    }

    /// For the decoder, which reads exactly one value per field.
    pub(crate) fn from_parts(def: Arc<ClassDef>, values: Vec<Value>) -> Self {
        debug_assert_eq!(def.fields.len(), values.len());
        Object { def, values }
    }

    /// The Java class name.
    pub fn class(&self) -> &str {
        &self.def.name
    }

    /// The class definition (shared between instances decoded from one message).
    pub fn def(&self) -> &Arc<ClassDef> {
        &self.def
    }

    /// The field values, in definition order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// `(name, value)` pairs in definition order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> {
        self.def.fields.iter().map(String::as_str).zip(self.values.iter())
    }

    /// The value of a field by name (Java reads fields by name, never by position).
    pub fn get(&self, name: &str) -> Option<&Value> {
        let i = self.def.fields.iter().position(|f| f == name)?;
        self.values.get(i)
    }

    /// Sets a field, adding it at the end when the class has no field of that name.
    pub fn set(&mut self, name: &str, value: Value) {
        match self.def.fields.iter().position(|f| f == name) {
            Some(i) => self.values[i] = value,
            None => {
                Arc::make_mut(&mut self.def).fields.push(name.to_owned());
                self.values.push(value);
            }
        }
    }
}

impl Value {
    /// An untyped list (Java `ArrayList`).
    pub fn list(items: impl Into<Vec<Value>>) -> Self {
        Value::List(List { type_name: None, items: items.into() })
    }

    /// A list of the given Java type: an array (`"[int"`) or a collection class.
    pub fn typed_list(type_name: &str, items: impl Into<Vec<Value>>) -> Self {
        Value::List(List { type_name: Some(type_name.into()), items: items.into() })
    }

    /// An untyped map (Java `HashMap`).
    pub fn map(entries: impl Into<Vec<(Value, Value)>>) -> Self {
        Value::Map(Map { type_name: None, entries: entries.into() })
    }

    /// A map of the given Java class, e.g. `java.util.LinkedHashMap`.
    pub fn typed_map(type_name: &str, entries: impl Into<Vec<(Value, Value)>>) -> Self {
        Value::Map(Map { type_name: Some(type_name.into()), entries: entries.into() })
    }

    /// An object of a Java class with named fields in the order given.
    pub fn object<N: Into<String>>(class: impl Into<String>, fields: impl IntoIterator<Item = (N, Value)>) -> Self {
        Value::Object(Object::new(class, fields))
    }

    /// True for `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The string, if this is a valid-Unicode string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number as i64, if this is an int or a long.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int(v) => Some(v.into()),
            Value::Long(v) => Some(v),
            _ => None,
        }
    }

    /// The number as f64, if this is a double.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Double(v) => Some(v),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A field of an object by name.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.as_object()?.get(name)
    }
}

macro_rules! from_scalar {
    ($($t:ty => $v:ident),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::$v(v.into()) }
        }
    )*};
}
from_scalar!(bool => Bool, i32 => Int, i64 => Long, f64 => Double, String => String, &str => String, Vec<u8> => Bytes);

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests;
