//! The list, map, enum, object and exception vectors, from the generator's Java
//! classes (`hessian.demo.Car`, `CarSelf`, `SomeArrayList`, `hessian.Main$Color`, ...).

use super::caucho_vectors::{Expect, Reencode};
use libdubbo_core::value::{class, RefTable};
use libdubbo_core::Value;

fn s(text: &str) -> Value {
    Value::from(text)
}

fn color(name: &str) -> Value {
    Value::enum_constant("hessian.Main$Color", name)
}

/// `hessian.demo.Car` as the generator fills it (fields a, c, b are their own names).
fn car(model: &str) -> Value {
    Value::object(
        "hessian.demo.Car",
        [("a", s("a")), ("c", s("c")), ("b", s("b")), ("model", s(model)), ("color", s("aquamarine")), ("mileage", Value::Int(65536))],
    )
}

fn car_self(class: &str, fields: [&str; 3], self_ref: u32, prev: Value) -> Value {
    let values = fields.map(|f| match f {
        "model" => s("Beetle"),
        "color" => s("aquamarine"),
        _ => Value::Int(65536),
    });
    let mut all: Vec<(&str, Value)> = fields.into_iter().zip(values).collect();
    all.push(("self", Value::Ref(self_ref)));
    all.push(("prev", prev));
    Value::object(class, all)
}

fn frame(class: &str, method: &str, file: &str, line: i32) -> Value {
    Value::object(
        class::STACK_TRACE_ELEMENT,
        [("declaringClass", s(class)), ("methodName", s(method)), ("fileName", s(file)), ("lineNumber", Value::Int(line))],
    )
}

/// The generator's `new IOException("this is a java IOException instance")`, as ref `own`.
fn io_exception(own: u32) -> Value {
    Value::object(
        "java.io.IOException",
        [
            ("detailMessage", s("this is a java IOException instance")),
            ("cause", Value::Ref(own)),
            ("stackTrace", Value::typed_list(class::STACK_TRACE_ARRAY, [frame("hessian.Main", "main", "Main.java", 1283)])),
        ],
    )
}

fn undeclared(message: Value, stack: Value) -> Value {
    Value::object(
        "java.lang.reflect.UndeclaredThrowableException",
        [("undeclaredThrowable", io_exception(1)), ("detailMessage", message), ("cause", Value::Null), ("stackTrace", stack)],
    )
}

fn same(v: Value) -> Option<(Expect, Reencode)> {
    Some((Expect::Value(v), Reencode::Identical))
}

/// The expectation for `kind/name`, or `None` if unknown.
pub fn expected(kind: &str, name: &str) -> Option<(Expect, Reencode)> {
    let numbers = |from: i32, to: i32| (from..=to).map(|i| s(&i.to_string())).collect::<Vec<_>>();
    match (kind, name) {
        ("list", "[int") => same(Value::int_array(&[1, 2, 3])),
        ("list", "[string") => same(Value::string_array(&[Some("1"), Some("@"), Some("3")])),
        ("list", "typed_list") => same(Value::typed_list("hessian.demo.SomeArrayList", [s("ok"), s("some list")])),
        ("list", "typed_list_8") => same(Value::typed_list("hessian.demo.SomeArrayList", numbers(1, 8))),
        ("list", "untyped_<String>[foo,bar]") => same(Value::list([s("foo"), s("bar")])),
        ("list", "untyped_[]") => same(Value::list([])),
        ("list", "untyped_list") => same(Value::list([Value::Int(1), Value::Int(2), s("foo")])),
        ("list", "untyped_list_8") => same(Value::list(numbers(1, 8))),
        ("map", "car") => same(car("Beetle")),
        ("map", "car1") => same(car_self("hessian.demo.Car", ["model", "color", "mileage"], 0, Value::Null)),
        ("map", "car2") => {
            let fields = ["color", "model", "mileage"];
            let prev = car_self("hessian.demo.CarSelf", fields, 1, Value::Null);
            Some((Expect::Value(car_self("hessian.demo.CarSelf", fields, 0, prev)), Reencode::LegacyDraft))
        }
        ("map", "car_list") => same(Value::list([car("model 1"), car("model 2"), car("model 3")])),
        ("map", "one_car_list") => same(Value::list([car("model 1")])),
        ("map", "two_car_list") => same(Value::list([car("model 1"), car("model 2")])),
        ("map", "foo_bar") => same(Value::map([
            (s("123"), Value::Int(456)),
            (s("foo"), s("bar")),
            (s("zero"), Value::Int(0)),
            (s("中文key"), s("中文哈哈value")),
        ])),
        ("map", "foo_empty") => same(Value::map([(s("foo"), s(""))])),
        ("map", "generic") => same(Value::map([(Value::Long(123), Value::Int(123456)), (Value::Long(123456), Value::Int(123))])),
        ("map", "hashtable") => {
            same(Value::typed_map("java.util.Hashtable", [(s("中文key"), s("中文哈哈value")), (s("foo"), s("bar"))]))
        }
        ("enum", "lists") => same(Value::list([color("BLUE"), color("RED"), color("GREEN")])),
        ("enum", c) => same(color(&c.to_uppercase())),
        ("object", "AtomicLong0") => same(Value::object("java.util.concurrent.atomic.AtomicLong", [("value", Value::Long(0))])),
        ("object", "AtomicLong1") => same(Value::object("java.util.concurrent.atomic.AtomicLong", [("value", Value::Long(1))])),
        ("object", "ConnectionRequest") => same(Value::object(
            "hessian.ConnectionRequest",
            // An inner class: `this$0` points back at the outer object, ref 0.
            [("ctx", Value::object("hessian.ConnectionRequest$RequestContext", [("id", Value::Int(101)), ("this$0", Value::Ref(0))]))],
        )),
        ("exception", "IOException") => same(io_exception(0)),
        // The outer stack trace reuses the inner one's frame object: ref 3.
        ("exception", "UndeclaredThrowableException") => {
            same(undeclared(Value::Null, Value::typed_list(class::STACK_TRACE_ARRAY, [Value::Ref(3)])))
        }
        ("exception", "UndeclaredThrowableException2") => same(undeclared(
            s("模拟测试异常"),
            Value::typed_list(class::STACK_TRACE_ARRAY, [frame("hessian.Main", "main", "Main.java", 1303)]),
        )),
        ("exception", "UndeclaredThrowableException3") => Some((
            Expect::Check(Box::new(|v: &Value| {
                let refs = RefTable::build([v]);
                let outer = v.as_throwable(Some(0)).ok_or("not a throwable")?;
                let inner_value = outer.object.get("undeclaredThrowable").ok_or("no undeclaredThrowable")?;
                let inner = inner_value.as_throwable(refs.index_of(inner_value)).ok_or("inner is not a throwable")?;
                let ok = outer.class() == "java.lang.reflect.UndeclaredThrowableException"
                    && inner.class() == "com.taobao.hsf.exception.HSFServiceAddressNotFoundException"
                    && inner.message == Some("HSFServiceAddressNotFoundException-")
                    && inner.cause.is_none()
                    && inner.object.get("desc").and_then(Value::as_str).is_some_and(|d| d.starts_with("[HSF-Consumer] 未找到"))
                    && inner.stack_trace.first().is_some_and(|f| f.method == "invoke0" && f.line == 433);
                ok.then_some(()).ok_or_else(|| format!("unexpected exception {outer:?}"))
            })),
            Reencode::Identical,
        )),
        _ => None,
    }
}
