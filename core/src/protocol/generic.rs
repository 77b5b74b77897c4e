//! Dubbo's special methods (facts §1.10, §8): `$echo`, and generic invocation
//! `$invoke` / `$invokeAsync`, where the method name, the parameter type names and
//! the arguments travel as the three arguments of one call, POJOs as maps with a
//! `"class"` key. Java's provider unwraps them (`GenericFilter`): it turns maps into
//! objects (`PojoUtils.realize`) and results back into maps (`PojoUtils.generalize`).
//! This module does the same on `Value`s, keeping shared and cyclic structure.

use crate::value::{class, JavaType, List, Map, Object, Value};

use super::{Invocation, ProtocolError};

/// Dubbo's liveness probe, answered by every exported service with its argument.
pub const ECHO: &str = "$echo";
/// `$echo`'s descriptor.
pub const ECHO_DESCRIPTOR: &str = "Ljava/lang/Object;";
/// Generic invocation: `Object $invoke(String method, String[] types, Object[] args)`.
pub const INVOKE: &str = "$invoke";
/// The same, returning a future on the Java side; identical on the wire.
pub const INVOKE_ASYNC: &str = "$invokeAsync";
/// The descriptor of `$invoke` and `$invokeAsync`.
pub const GENERIC_DESCRIPTOR: &str = "Ljava/lang/String;[Ljava/lang/String;[Ljava/lang/Object;";
/// The attachment that marks a generic call (`"true"`).
pub const GENERIC_KEY: &str = "generic";

impl Invocation {
    /// A generic call of `method` on `path`: parameter types by Java name (`"int"`,
    /// `"java.lang.String"`, `"org.example.User"`), POJO arguments as maps with a
    /// `"class"` key or as objects. Java's provider answers with generalized values.
    pub fn generic(path: impl Into<String>, method: &str, types: &[&str], args: Vec<Value>) -> Invocation {
        let types = Value::typed_list("[string", types.iter().map(|t| Value::from(*t)).collect::<Vec<_>>());
        // The two lists are containers 0 and 1 of the message: the arguments' own refs move up by two.
        let args = Value::typed_list("[object", args.into_iter().map(|a| shift_refs(a, 2)).collect::<Vec<_>>());
        let mut call = Invocation::new(path, INVOKE, GENERIC_DESCRIPTOR, vec![Value::from(method), types, args]);
        call.attachments.push((GENERIC_KEY.to_owned(), Value::from("true")));
        call
    }

    /// True for `$invoke` / `$invokeAsync` with the generic descriptor.
    pub fn is_generic(&self) -> bool {
        (self.method == INVOKE || self.method == INVOKE_ASYNC) && self.descriptor == GENERIC_DESCRIPTOR
    }

    /// True for `$echo`.
    pub fn is_echo(&self) -> bool {
        self.method == ECHO && self.descriptor == ECHO_DESCRIPTOR
    }

    /// A generic call as the call it stands for: the real method, its descriptor from
    /// the type names, and the arguments realized (maps with `"class"`, or maps for a
    /// POJO parameter, become objects). The `generic` attachment stays, so a handler can
    /// tell. Errors name what Java's `GenericFilter` would reject.
    pub fn unwrap_generic(mut self) -> Result<Invocation, ProtocolError> {
        let bad = |why: String| ProtocolError::BadBody(format!("generic call: {why}"));
        let mut args = std::mem::take(&mut self.args).into_iter();
        let (method, types, values) = (args.next(), args.next(), args.next());
        let method = match method {
            Some(Value::String(m)) if !m.is_empty() => m,
            other => return Err(bad(format!("the method name is not a string: {other:?}"))),
        };
        let types_value = types.unwrap_or(Value::Null);
        let names: Vec<String> = match &types_value {
            Value::Null => Vec::new(),
            Value::List(l) => l.items.iter().map(|t| t.as_str().map(str::to_owned)).collect::<Option<_>>()
                .ok_or_else(|| bad("a parameter type is not a string".into()))?,
            other => return Err(bad(format!("parameter types are not a list: {other:?}"))),
        };
        let types: Vec<JavaType> = names.iter().map(|n| JavaType::from_name(n).ok_or_else(|| bad(format!("bad type name {n:?}"))))
            .collect::<Result<_, _>>()?;
        // Refs in the arguments count the type list and the argument list before them.
        let before = containers(&types_value) + 1;
        let values = match values.unwrap_or(Value::Null) {
            Value::Null => Vec::new(),
            Value::List(l) => l.items,
            other => return Err(bad(format!("arguments are not a list: {other:?}"))),
        };
        if values.len() != types.len() {
            return Err(bad(format!("{} arguments for {} parameter types", values.len(), types.len())));
        }
        self.args = values.into_iter().zip(&types).map(|(v, t)| realize(shift_refs(v, -(before as i64)), t)).collect();
        self.descriptor = types.iter().map(JavaType::descriptor).collect();
        self.method = method;
        Ok(self)
    }
}

/// How many lists, maps and objects a value holds (itself included), i.e. how many
/// ref numbers it takes.
fn containers(v: &Value) -> u32 {
    match v {
        Value::List(l) => 1 + l.items.iter().map(containers).sum::<u32>(),
        Value::Map(m) => 1 + m.entries.iter().map(|(k, v)| containers(k) + containers(v)).sum::<u32>(),
        Value::Object(o) => 1 + o.values().iter().map(containers).sum::<u32>(),
        _ => 0,
    }
}

/// The value with every ref moved by `by` (its containers moved in the message).
fn shift_refs(v: Value, by: i64) -> Value {
    match v {
        Value::Ref(n) => Value::Ref(u32::try_from(n as i64 + by).unwrap_or(u32::MAX)),
        other => map_children(other, &mut |child| shift_refs(child, by)),
    }
}

/// Rebuilds a container with `f` applied to each child; other values unchanged.
fn map_children(v: Value, f: &mut impl FnMut(Value) -> Value) -> Value {
    match v {
        Value::List(l) => Value::List(List { type_name: l.type_name, items: l.items.into_iter().map(&mut *f).collect() }),
        Value::Map(m) => Value::Map(Map { type_name: m.type_name, entries: m.entries.into_iter().map(|(k, v)| (f(k), f(v))).collect() }),
        Value::Object(o) => {
            let def = o.def().clone();
            Value::Object(Object::from_def(def, o.values().iter().cloned().map(f).collect()).expect("same field count"))
        }
        other => other,
    }
}

/// `PojoUtils.realize` for one argument: a map with a `"class"` entry becomes an
/// object of that class, at any depth; a map given for a POJO parameter becomes an
/// object of the parameter's class. Each map becomes one object, so refs keep their numbers.
pub fn realize(v: Value, declared: &JavaType) -> Value {
    let pojo = match declared {
        JavaType::Class(name) if !name.starts_with("java.") => Some(name.as_str()),
        _ => None,
    };
    realize_as(v, pojo)
}

fn realize_as(v: Value, pojo: Option<&str>) -> Value {
    match v {
        Value::Map(m) if m.type_name.is_none() => {
            let class = m.entries.iter().find_map(|(k, v)| (k.as_str() == Some("class")).then(|| v.as_str()).flatten().map(str::to_owned));
            match class.as_deref().or(pojo) {
                Some(class) => {
                    let fields = m.entries.into_iter().filter_map(|(k, v)| match k {
                        Value::String(k) if k != "class" => Some((k, realize_as(v, None))),
                        _ => None,
                    });
                    Value::object(class, fields.collect::<Vec<_>>())
                }
                None => map_children(Value::Map(m), &mut |c| realize_as(c, None)),
            }
        }
        other => map_children(other, &mut |c| realize_as(c, None)),
    }
}

/// `PojoUtils.generalize` of a generic call's result: objects become maps with a
/// `"class"` entry, enums their constant name, `java.time` handles their ISO text;
/// BigDecimal, dates, strings and numbers stay. Refs are renumbered, since an enum
/// that becomes a string no longer takes a ref number.
pub fn generalize(v: Value) -> Value {
    Generalizer::default().value(v)
}

/// Where each container of the input went: a ref number in the output, or (for a
/// container that became a plain value) the value to repeat in its place.
#[derive(Default)]
struct Generalizer {
    placed: Vec<Placed>,
    next: u32,
}

enum Placed {
    At(u32),
    Inline(Value),
}

impl Generalizer {
    fn value(&mut self, v: Value) -> Value {
        match v {
            Value::Ref(n) => match self.placed.get(n as usize) {
                Some(Placed::At(k)) => Value::Ref(*k),
                Some(Placed::Inline(v)) => v.clone(),
                None => Value::Ref(n),
            },
            Value::Object(o) => match flat_text(&o) {
                Some(text) => {
                    // One container in, none out (its nested handles are skipped too).
                    let skipped = containers(&Value::Object(o));
                    self.placed.push(Placed::Inline(Value::String(text.clone())));
                    self.placed.extend((1..skipped).map(|_| Placed::Inline(Value::Null)));
                    Value::String(text)
                }
                None if o.class() == class::BIG_DECIMAL || o.class().starts_with("java.sql.") => self.keep(Value::Object(o)),
                None => {
                    self.open();
                    let mut entries = vec![(Value::from("class"), Value::from(o.class()))];
                    for (name, v) in o.fields().map(|(n, v)| (n.to_owned(), v.clone())).collect::<Vec<_>>() {
                        entries.push((Value::String(name), self.value(v)));
                    }
                    Value::map(entries)
                }
            },
            container @ (Value::List(_) | Value::Map(_)) => {
                self.open();
                map_children(container, &mut |c| self.value(c))
            }
            other => other,
        }
    }

    /// A container that stays a container: the next ref number in and out.
    fn open(&mut self) {
        self.placed.push(Placed::At(self.next));
        self.next += 1;
    }

    /// A container kept as it is, its children renumbered.
    fn keep(&mut self, v: Value) -> Value {
        self.open();
        map_children(v, &mut |c| self.value(c))
    }
}

/// The text an enum or a `java.time` handle generalizes to.
fn flat_text(o: &Object) -> Option<String> {
    let int = |name: &str| o.get(name).and_then(Value::as_i64);
    let nested = |name: &str| o.get(name).and_then(Value::as_object);
    match o.class() {
        class::LOCAL_DATE => Some(date_text(int("year")?, int("month")?, int("day")?)),
        class::LOCAL_TIME => Some(time_text(int("hour")?, int("minute")?, int("second")?, int("nano")?)),
        class::LOCAL_DATE_TIME => {
            let (d, t) = (nested("date")?, nested("time")?);
            let i = |o: &Object, n: &str| o.get(n).and_then(Value::as_i64);
            Some(format!(
                "{}T{}",
                date_text(i(d, "year")?, i(d, "month")?, i(d, "day")?),
                time_text(i(t, "hour")?, i(t, "minute")?, i(t, "second")?, i(t, "nano")?)
            ))
        }
        // An enum is an object whose only field is `name` (hessian-lite's EnumSerializer).
        // A POJO with a lone `name` field looks the same on the wire, so only a
        // constant-style name (`GREEN`, `IN_PROGRESS`) is taken for an enum.
        _ if o.fields().len() == 1 => o.get("name").and_then(Value::as_str).filter(|n| is_constant_name(n)).map(str::to_owned),
        _ => None,
    }
}

fn is_constant_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// `LocalDate.toString()`.
fn date_text(year: i64, month: i64, day: i64) -> String {
    if (0..=9999).contains(&year) { format!("{year:04}-{month:02}-{day:02}") } else { format!("{year:+05}-{month:02}-{day:02}") }
}

/// `LocalTime.toString()`: seconds only when not zero, nanos in groups of three digits.
fn time_text(hour: i64, minute: i64, second: i64, nano: i64) -> String {
    let mut out = format!("{hour:02}:{minute:02}");
    if second > 0 || nano > 0 {
        out.push_str(&format!(":{second:02}"));
        if nano > 0 {
            let digits = if nano % 1_000_000 == 0 {
                format!("{:03}", nano / 1_000_000)
            } else if nano % 1000 == 0 {
                format!("{:06}", nano / 1000)
            } else {
                format!("{nano:09}")
            };
            out.push('.');
            out.push_str(&digits);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::equivalent;

    fn user(name: &str) -> Value {
        Value::object("org.example.User", [("name", Value::from(name)), ("age", Value::Int(3))])
    }

    #[test]
    fn a_generic_call_unwraps_to_the_call_it_names() {
        let bob = Value::map(vec![(Value::from("class"), Value::from("org.example.User")), (Value::from("name"), Value::from("bob"))]);
        let call = Invocation::generic("org.example.Greeter", "echoUsers", &["java.util.List", "int"], vec![Value::list([bob, Value::Ref(1)]), Value::Int(4)]);
        assert!(call.is_generic());
        let bytes = call.encode_body().unwrap();
        let plain = Invocation::decode_body(&bytes, None).unwrap().unwrap_generic().unwrap();
        assert_eq!((plain.method.as_str(), plain.descriptor.as_str()), ("echoUsers", "Ljava/util/List;I"));
        let expected = Value::list([Value::object("org.example.User", [("name", Value::from("bob"))]), Value::Ref(1)]);
        assert_eq!(plain.args, vec![expected, Value::Int(4)], "the ref still names the user");
        assert!(plain.attachments.iter().any(|(k, v)| k == GENERIC_KEY && v.as_str() == Some("true")));
    }

    #[test]
    fn a_pojo_parameter_realizes_a_map_without_class() {
        let m = Value::map(vec![(Value::from("name"), Value::from("al"))]);
        assert_eq!(realize(m.clone(), &JavaType::class("org.example.User")), Value::object("org.example.User", [("name", Value::from("al"))]));
        assert_eq!(realize(m.clone(), &JavaType::class("java.util.Map")), m);
    }

    #[test]
    fn bad_generic_calls_are_refused() {
        let mut call = Invocation::generic("I", "m", &["int"], vec![]);
        assert!(call.clone().unwrap_generic().is_err(), "argument count");
        call.args[0] = Value::Int(1);
        assert!(call.unwrap_generic().is_err(), "method name");
        assert!(Invocation::generic("I", "m", &["no;such"], vec![Value::Int(1)]).unwrap_generic().is_err());
    }

    #[test]
    fn generalize_keeps_cycles_and_flattens_enums_and_time() {
        // node(a) -> next: node(b) -> next: a; color enum shared twice.
        let green = Value::enum_constant("org.example.Color", "GREEN");
        let b = Value::object("org.example.Node", [("name", Value::from("b")), ("next", Value::Ref(1)), ("color", Value::Ref(2))]);
        let a = Value::object("org.example.Node", [("name", Value::from("a")), ("color", green), ("next", b)]);
        let out = generalize(Value::list([a]));
        let b_out = Value::map(vec![(Value::from("class"), Value::from("org.example.Node")), (Value::from("name"), Value::from("b")),
            (Value::from("next"), Value::Ref(1)), (Value::from("color"), Value::from("GREEN"))]);
        let a_out = Value::map(vec![(Value::from("class"), Value::from("org.example.Node")), (Value::from("name"), Value::from("a")),
            (Value::from("color"), Value::from("GREEN")), (Value::from("next"), b_out)]);
        assert_eq!(out, Value::list([a_out]));
        let t = Value::local_date_time(Value::local_date(2024, 2, 29), Value::local_time(13, 45, 0, 120_000_000));
        assert_eq!(generalize(t), Value::from("2024-02-29T13:45:00.120"));
        assert_eq!(generalize(Value::local_time(7, 5, 0, 0)), Value::from("07:05"));
        let named = Value::object("org.example.Tag", [("name", Value::from("beta"))]);
        assert_eq!(generalize(named), Value::map(vec![(Value::from("class"), Value::from("org.example.Tag")), (Value::from("name"), Value::from("beta"))]));
        let d = Value::big_decimal("1.50");
        assert_eq!(generalize(d.clone()), d);
        assert!(equivalent(&generalize(user("x")), &Value::map(vec![(Value::from("class"), Value::from("org.example.User")),
            (Value::from("name"), Value::from("x")), (Value::from("age"), Value::Int(3))])));
    }
}
