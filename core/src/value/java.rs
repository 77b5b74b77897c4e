//! First-class helpers for the Java types users meet, written as hessian-lite
//! (Dubbo's Hessian2) writes them: boxed and narrow numbers, BigDecimal, enums,
//! `java.sql.*`, the java.time handles, typed arrays and collections, Throwables.

use super::{Object, Value};

/// Java class names that carry meaning on the wire.
pub mod class {
    /// `java.math.BigDecimal`: one field `value`, the decimal string.
    pub const BIG_DECIMAL: &str = "java.math.BigDecimal";
    /// `java.sql.Timestamp`: one field `value`, a date.
    pub const SQL_TIMESTAMP: &str = "java.sql.Timestamp";
    /// `java.sql.Date`: one field `value`, a date.
    pub const SQL_DATE: &str = "java.sql.Date";
    /// `java.sql.Time`: one field `value`, a date.
    pub const SQL_TIME: &str = "java.sql.Time";
    /// hessian-lite's stand-in for `java.time.LocalDate` {year, month, day: int}.
    pub const LOCAL_DATE: &str = "com.alibaba.com.caucho.hessian.io.java8.LocalDateHandle";
    /// hessian-lite's stand-in for `java.time.LocalTime` {hour, minute, second, nano: int}.
    pub const LOCAL_TIME: &str = "com.alibaba.com.caucho.hessian.io.java8.LocalTimeHandle";
    /// hessian-lite's stand-in for `java.time.LocalDateTime` {date, time}.
    pub const LOCAL_DATE_TIME: &str = "com.alibaba.com.caucho.hessian.io.java8.LocalDateTimeHandle";
    /// hessian-lite's stand-in for `java.time.Instant` {seconds: long, nanos: int}.
    pub const INSTANT: &str = "com.alibaba.com.caucho.hessian.io.java8.InstantHandle";
    /// hessian-lite's stand-in for `java.time.Duration` {seconds: long, nanos: int}.
    pub const DURATION: &str = "com.alibaba.com.caucho.hessian.io.java8.DurationHandle";
    /// The type of a Java stack trace array.
    pub const STACK_TRACE_ARRAY: &str = "[java.lang.StackTraceElement";
    /// One element of a Java stack trace.
    pub const STACK_TRACE_ELEMENT: &str = "java.lang.StackTraceElement";
    /// What a non-Java handler's failure becomes for a Java peer.
    pub const RUNTIME_EXCEPTION: &str = "java.lang.RuntimeException";
}

/// A Java type as a method signature names it: primitives, classes, arrays.
///
/// Hessian2 writes `int` and `Integer` alike; the difference lives only in the
/// method descriptor Dubbo sends, so a front pins it with a `JavaType`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum JavaType {
    /// `boolean`
    Boolean,
    /// `byte`
    Byte,
    /// `short`
    Short,
    /// `int`
    Int,
    /// `long`
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `char`
    Char,
    /// `void` (return types only)
    Void,
    /// A class by its binary name: `java.lang.Integer`, `com.example.User`.
    Class(String),
    /// An array of the element type.
    Array(Box<JavaType>),
}

const PRIMITIVES: [(JavaType, char, &str, &str); 9] = [
    (JavaType::Boolean, 'Z', "boolean", "java.lang.Boolean"),
    (JavaType::Byte, 'B', "byte", "java.lang.Byte"),
    (JavaType::Short, 'S', "short", "java.lang.Short"),
    (JavaType::Int, 'I', "int", "java.lang.Integer"),
    (JavaType::Long, 'J', "long", "java.lang.Long"),
    (JavaType::Float, 'F', "float", "java.lang.Float"),
    (JavaType::Double, 'D', "double", "java.lang.Double"),
    (JavaType::Char, 'C', "char", "java.lang.Character"),
    (JavaType::Void, 'V', "void", "java.lang.Void"),
];

impl JavaType {
    /// A class type by name.
    pub fn class(name: impl Into<String>) -> Self {
        JavaType::Class(name.into())
    }

    /// The boxed class of a primitive (`int` → `java.lang.Integer`); other types unchanged.
    pub fn boxed(&self) -> JavaType {
        match PRIMITIVES.iter().find(|(t, ..)| t == self) {
            Some((.., boxed)) => JavaType::class(*boxed),
            None => self.clone(),
        }
    }

    /// The JVM descriptor: `I`, `Ljava/lang/Integer;`, `[I`, `[Ljava/lang/String;`.
    pub fn descriptor(&self) -> String {
        let mut out = String::new();
        self.write_descriptor(&mut out);
        out
    }

    fn write_descriptor(&self, out: &mut String) {
        match self {
            JavaType::Class(name) => {
                out.push('L');
                out.extend(name.chars().map(|c| if c == '.' { '/' } else { c }));
                out.push(';');
            }
            JavaType::Array(elem) => {
                out.push('[');
                elem.write_descriptor(out);
            }
            prim => out.push(PRIMITIVES.iter().find(|(t, ..)| t == prim).map_or('V', |p| p.1)),
        }
    }

    /// Java's `Class.getName()`: `int`, `java.lang.Integer`, `[I`, `[Ljava.lang.String;`.
    pub fn name(&self) -> String {
        match self {
            JavaType::Class(name) => name.clone(),
            JavaType::Array(_) => self.descriptor().replace('/', "."),
            prim => PRIMITIVES.iter().find(|(t, ..)| t == prim).map_or("void", |p| p.2).to_owned(),
        }
    }

    /// Reads a Java type name as generic calls carry it: `int`, `java.lang.String`,
    /// `Class.getName()` array forms (`[I`, `[Ljava.lang.String;`) and `java.lang.String[]`.
    pub fn from_name(name: &str) -> Option<JavaType> {
        let name = name.trim();
        if let Some(elem) = name.strip_suffix("[]") {
            return Some(JavaType::Array(Box::new(Self::from_name(elem)?)));
        }
        if name.starts_with('[') {
            return match Self::parse_one(&name.replace('.', "/"))? {
                (t, "") => Some(t),
                _ => None,
            };
        }
        if name.is_empty() || name.contains(['/', ';', '[']) {
            return None;
        }
        Some(PRIMITIVES.iter().find(|p| p.2 == name).map_or_else(|| JavaType::class(name), |p| p.0.clone()))
    }

    /// Parses a concatenation of descriptors, as in a Dubbo request (`ILjava/lang/String;[I`).
    pub fn parse_descriptors(text: &str) -> Option<Vec<JavaType>> {
        let mut rest = text;
        let mut out = Vec::new();
        while !rest.is_empty() {
            let (t, tail) = Self::parse_one(rest)?;
            out.push(t);
            rest = tail;
        }
        Some(out)
    }

    fn parse_one(text: &str) -> Option<(JavaType, &str)> {
        let first = text.chars().next()?;
        match first {
            '[' => {
                let (elem, rest) = Self::parse_one(&text[1..])?;
                Some((JavaType::Array(Box::new(elem)), rest))
            }
            'L' => {
                let end = text.find(';')?;
                Some((JavaType::Class(text[1..end].replace('/', ".")), &text[end + 1..]))
            }
            c => PRIMITIVES.iter().find(|p| p.1 == c).map(|p| (p.0.clone(), &text[1..])),
        }
    }

    /// The type Java would infer for a value passed as an argument, when the
    /// caller declares none: boxed numbers, `String`, `java.util.*` classes.
    pub fn of_value(value: &Value) -> JavaType {
        let c = |s: &str| JavaType::class(s);
        match value {
            Value::Null => c("java.lang.Object"),
            Value::Bool(_) => c("java.lang.Boolean"),
            Value::Int(_) => c("java.lang.Integer"),
            Value::Long(_) => c("java.lang.Long"),
            Value::Double(_) => c("java.lang.Double"),
            Value::String(_) | Value::Utf16(_) => c("java.lang.String"),
            Value::Bytes(_) => JavaType::Array(Box::new(JavaType::Byte)),
            Value::Date(_) => c("java.util.Date"),
            Value::List(l) => match l.type_name.as_deref() {
                Some(t) if t.starts_with('[') => array_type_of(&t[1..]),
                Some(t) => c(t),
                None => c("java.util.List"),
            },
            Value::Map(m) => c(m.type_name.as_deref().unwrap_or("java.util.Map")),
            Value::Object(o) => c(o.class()),
            Value::Ref(_) => c("java.lang.Object"),
        }
    }
}

/// The Java array type for a Hessian2 array element name (`int`, `string`, `com.Foo`).
fn array_type_of(elem: &str) -> JavaType {
    let elem = match elem {
        "string" => JavaType::class("java.lang.String"),
        "object" => JavaType::class("java.lang.Object"),
        "date" => JavaType::class("java.util.Date"),
        name => PRIMITIVES
            .iter()
            .find(|p| p.2 == name)
            .map_or_else(|| JavaType::class(name), |p| p.0.clone()),
    };
    JavaType::Array(Box::new(elem))
}

/// Typed arrays as hessian-lite writes them: a fixed list of type `[int`, `[string`, ...
impl Value {
    /// `int[]`
    pub fn int_array(items: &[i32]) -> Value {
        Value::typed_list("[int", items.iter().map(|&v| Value::Int(v)).collect::<Vec<_>>())
    }
    /// `long[]`
    pub fn long_array(items: &[i64]) -> Value {
        Value::typed_list("[long", items.iter().map(|&v| Value::Long(v)).collect::<Vec<_>>())
    }
    /// `short[]` (elements written as int)
    pub fn short_array(items: &[i16]) -> Value {
        Value::typed_list("[short", items.iter().map(|&v| Value::Int(v.into())).collect::<Vec<_>>())
    }
    /// `boolean[]`
    pub fn boolean_array(items: &[bool]) -> Value {
        Value::typed_list("[boolean", items.iter().map(|&v| Value::Bool(v)).collect::<Vec<_>>())
    }
    /// `float[]`: hessian-lite widens each element to double directly (unlike a boxed `Float`).
    pub fn float_array(items: &[f32]) -> Value {
        Value::typed_list("[float", items.iter().map(|&v| Value::Double(v.into())).collect::<Vec<_>>())
    }
    /// `double[]`
    pub fn double_array(items: &[f64]) -> Value {
        Value::typed_list("[double", items.iter().map(|&v| Value::Double(v)).collect::<Vec<_>>())
    }
    /// `String[]` (elements may be null)
    pub fn string_array<S: AsRef<str>>(items: &[Option<S>]) -> Value {
        let items: Vec<Value> = items.iter().map(|s| s.as_ref().map(|s| s.as_ref()).into()).collect();
        Value::typed_list("[string", items)
    }
    /// `Object[]`
    pub fn object_array(items: impl Into<Vec<Value>>) -> Value {
        Value::typed_list("[object", items)
    }
    /// `T[]` for a class `T` (`"com.example.User"` → type `[com.example.User`).
    pub fn class_array(class: &str, items: impl Into<Vec<Value>>) -> Value {
        Value::typed_list(&format!("[{class}"), items)
    }
    /// `byte[]` is binary, not a list.
    pub fn byte_array(items: &[u8]) -> Value {
        Value::Bytes(items.to_vec())
    }
    /// `char[]` is a string.
    pub fn char_array(items: &str) -> Value {
        Value::String(items.to_owned())
    }
}

/// Boxed and narrow numbers: how Java writes each (the type itself travels in
/// the method descriptor, see [`JavaType`]).
impl Value {
    /// `short` / `Short`: written as an int.
    pub fn short(v: i16) -> Value {
        Value::Int(v.into())
    }
    /// `byte` / `Byte`: written as an int.
    pub fn byte(v: i8) -> Value {
        Value::Int(v.into())
    }
    /// `char` / `Character`: a one-character string.
    pub fn char(v: char) -> Value {
        Value::String(v.to_string())
    }
    /// A boxed `Float` (an argument, a list element): hessian-lite writes
    /// `Double.parseDouble(String.valueOf(f))`, so 0.1f travels as the double 0.1.
    /// A primitive `float` field or `float[]` element is widened directly instead:
    /// use [`Value::float_field`].
    pub fn float(v: f32) -> Value {
        Value::Double(v.to_string().parse().unwrap_or(v.into()))
    }
    /// A primitive `float` field of a POJO: widened to double as is (0.1f → 0.10000000149011612).
    pub fn float_field(v: f32) -> Value {
        Value::Double(v.into())
    }
}

/// Dubbo's special classes: BigDecimal, enums, java.sql and java.time.
impl Value {
    /// `java.math.BigDecimal` from its decimal string (`"12.50"`).
    pub fn big_decimal(text: impl Into<String>) -> Value {
        Value::object(class::BIG_DECIMAL, [("value", Value::String(text.into()))])
    }
    /// The decimal string, if this is a BigDecimal.
    pub fn as_big_decimal(&self) -> Option<&str> {
        let o = self.as_object().filter(|o| o.class() == class::BIG_DECIMAL)?;
        o.get("value")?.as_str()
    }
    /// A Java enum constant: an object of the enum class with one field `name`.
    pub fn enum_constant(class: impl Into<String>, name: impl Into<String>) -> Value {
        Value::object(class, [("name", Value::String(name.into()))])
    }
    /// `(class, constant)` if this looks like an enum constant (one field, `name`, a string).
    pub fn as_enum(&self) -> Option<(&str, &str)> {
        let o = self.as_object().filter(|o| o.values().len() == 1)?;
        Some((o.class(), o.get("name")?.as_str()?))
    }
    /// `java.sql.Timestamp`, `java.sql.Date` or `java.sql.Time`: `class` is one of
    /// [`class::SQL_TIMESTAMP`], [`class::SQL_DATE`], [`class::SQL_TIME`].
    pub fn sql_date(class: &str, millis: i64) -> Value {
        Value::object(class, [("value", Value::Date(millis))])
    }
    /// `java.time.LocalDate`.
    pub fn local_date(year: i32, month: i32, day: i32) -> Value {
        Value::object(class::LOCAL_DATE, [("year", year.into()), ("month", month.into()), ("day", day.into())])
    }
    /// `java.time.LocalTime`.
    pub fn local_time(hour: i32, minute: i32, second: i32, nano: i32) -> Value {
        let fields = [("hour", hour), ("minute", minute), ("second", second), ("nano", nano)];
        Value::object(class::LOCAL_TIME, fields.map(|(n, v)| (n, Value::Int(v))))
    }
    /// `java.time.LocalDateTime` from a [`Value::local_date`] and a [`Value::local_time`].
    pub fn local_date_time(date: Value, time: Value) -> Value {
        Value::object(class::LOCAL_DATE_TIME, [("date", date), ("time", time)])
    }
    /// `java.time.Instant`.
    pub fn instant(seconds: i64, nanos: i32) -> Value {
        Value::object(class::INSTANT, [("seconds", Value::Long(seconds)), ("nanos", Value::Int(nanos))])
    }
    /// `java.time.Duration`.
    pub fn duration(seconds: i64, nanos: i32) -> Value {
        Value::object(class::DURATION, [("seconds", Value::Long(seconds)), ("nanos", Value::Int(nanos))])
    }
    /// A `java.util.HashSet` (any typed collection works the same way through [`Value::typed_list`]).
    pub fn hash_set(items: impl Into<Vec<Value>>) -> Value {
        Value::typed_list("java.util.HashSet", items)
    }
}

/// One frame of a Java stack trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackFrame {
    /// `declaringClass`
    pub class: String,
    /// `methodName`
    pub method: String,
    /// `fileName`, when known
    pub file: Option<String>,
    /// `lineNumber` (negative when unknown, -2 for native methods)
    pub line: i32,
}

impl StackFrame {
    /// As a `java.lang.StackTraceElement` value.
    pub fn to_value(&self) -> Value {
        Value::object(
            class::STACK_TRACE_ELEMENT,
            [
                ("declaringClass", Value::String(self.class.clone())),
                ("methodName", Value::String(self.method.clone())),
                ("fileName", self.file.clone().into()),
                ("lineNumber", Value::Int(self.line)),
            ],
        )
    }

    fn from_value(v: &Value) -> Option<StackFrame> {
        let o = v.as_object()?;
        let text = |name| o.get(name).and_then(Value::as_str).map(str::to_owned);
        Some(StackFrame {
            class: text("declaringClass").unwrap_or_default(),
            method: text("methodName").unwrap_or_default(),
            file: text("fileName"),
            line: o.get("lineNumber").and_then(Value::as_i64).unwrap_or(-1) as i32,
        })
    }
}

/// A view of a Java Throwable: the fields every exception has, plus its object
/// for subclass fields (`BizException.code`).
#[derive(Clone, Debug)]
pub struct Throwable<'a> {
    /// The exception's object, for its other fields.
    pub object: &'a Object,
    /// `detailMessage`
    pub message: Option<&'a str>,
    /// `cause`: `None` when null; a [`Value::Ref`] to the exception itself
    /// (Java's "no cause yet") is also `None`. Other refs are returned as they are.
    pub cause: Option<&'a Value>,
    /// `stackTrace`
    pub stack_trace: Vec<StackFrame>,
}

impl Throwable<'_> {
    /// The Java class name.
    pub fn class(&self) -> &str {
        self.object.class()
    }
}

impl Value {
    /// A Java exception of `class` with a message and an optional cause, as a Java
    /// peer can load it (`detailMessage`, `cause`, an empty `stackTrace`).
    pub fn throwable(class: impl Into<String>, message: Option<&str>, cause: Option<Value>) -> Value {
        Value::object(
            class,
            [
                ("detailMessage", message.into()),
                ("cause", cause.unwrap_or(Value::Null)),
                ("stackTrace", Value::typed_list(class::STACK_TRACE_ARRAY, Vec::new())),
            ],
        )
    }

    /// This value as a Throwable, if it is an object with Throwable's fields.
    /// `own_ref` is this object's ref index when known, to recognise a self-cause.
    pub fn as_throwable(&self, own_ref: Option<u32>) -> Option<Throwable<'_>> {
        let o = self.as_object()?;
        if o.get("detailMessage").is_none() && o.get("stackTrace").is_none() {
            return None;
        }
        let cause = o.get("cause").filter(|c| match c {
            Value::Null => false,
            Value::Ref(r) => Some(*r) != own_ref,
            _ => true,
        });
        let stack_trace = match o.get("stackTrace") {
            Some(Value::List(l)) => l.items.iter().filter_map(StackFrame::from_value).collect(),
            _ => Vec::new(),
        };
        Some(Throwable { object: o, message: o.get("detailMessage").and_then(Value::as_str), cause, stack_trace })
    }
}
