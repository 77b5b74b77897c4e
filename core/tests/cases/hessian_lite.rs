//! The Dubbo-specific cases that `tests/hessian-lite` (a Java program on
//! hessian-lite) writes and checks: for each case name, the values of one
//! Hessian2 stream, built with the core's Java helpers.
//!
//! Shared by the `hessian_lite` test and the `hessian_to_java` example.

use libdubbo_core::Value;
use libdubbo_core::value::class;

const PKG: &str = "dev.libdubbo.peer";

fn cls(name: &str) -> String {
    format!("{PKG}.{name}")
}

fn color(name: &str) -> Value {
    Value::enum_constant(cls("Color"), name)
}

fn user(name: &str, age: i32) -> Value {
    Value::object(cls("User"), [("name", name.into()), ("age", Value::Int(age))])
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// Every case: its name and the values its stream holds, in order.
pub fn cases() -> Vec<(&'static str, Vec<Value>)> {
    let one = |name, v| (name, vec![v]);
    vec![
        one("big_decimal", Value::big_decimal("12345.678900")),
        // The list is ref 0, the BigDecimal ref 1: its second appearance is a ref.
        one("big_decimal_shared", Value::list([Value::big_decimal("1.5"), Value::Ref(1)])),
        one("enum", color("GREEN")),
        one("enum_list", Value::list([color("RED"), color("GREEN"), Value::Ref(1)])),
        one(
            "local_date_time",
            Value::local_date_time(Value::local_date(2024, 2, 29), Value::local_time(13, 45, 30, 123_456_789)),
        ),
        one("local_date", Value::local_date(2024, 2, 29)),
        one("local_time", Value::local_time(23, 59, 58, 1000)),
        one("instant", Value::instant(1_700_000_000, 123_456_789)),
        one("date", Value::Date(1_700_000_000_123)),
        one("date_minute", Value::Date(1_700_000_040_000)),
        one("sql_timestamp", Value::sql_date(class::SQL_TIMESTAMP, 1_700_000_000_123)),
        one("sql_date", Value::sql_date(class::SQL_DATE, 1_700_000_000_000)),
        // No primitive float field: hessian-lite 4.0.3 (Dubbo 3.3) reads one with
        // Unsafe.putDouble and corrupts its neighbour (see tests/hessian-lite Boxes.java).
        one(
            "boxes",
            Value::object(
                cls("Boxes"),
                [
                    ("pInt", Value::Int(1)),
                    ("bInt", Value::Int(2)),
                    ("nullInt", Value::Null),
                    ("pLong", Value::Long(3)),
                    ("bLong", Value::Long(4)),
                    ("pShort", Value::short(5)),
                    ("bShort", Value::short(6)),
                    ("pByte", Value::byte(7)),
                    ("bByte", Value::byte(8)),
                    ("bFloat", Value::float(2.5)),
                    ("pDouble", Value::Double(3.25)),
                    ("pChar", Value::char('x')),
                    ("bChar", Value::char('y')),
                    ("pBool", Value::Bool(true)),
                    ("bBool", Value::Bool(false)),
                ],
            ),
        ),
        one("int_array", Value::int_array(&[1, -1, 300, 70000, i32::MIN])),
        one("long_array", Value::long_array(&[1, -9, 1 << 40])),
        one("short_array", Value::short_array(&[1, -2, 300])),
        one("byte_array", Value::byte_array(&[1, 2, 3, 0xff])),
        one("boolean_array", Value::boolean_array(&[true, false, true])),
        one("float_array", Value::float_array(&[0.1, 1.5, -2.0])),
        one("double_array", Value::double_array(&[0.0, 1.0, 10.123, 1e300])),
        one("char_array", Value::char_array("abc")),
        one("string_array", Value::string_array(&[Some("a"), None, Some("ccc")])),
        one("object_array", Value::object_array([Value::Int(1), s("two"), Value::Long(3)])),
        one("user_array", Value::class_array(&cls("User"), [user("a", 1), user("b", 2)])),
        one("hash_set", Value::hash_set([s("x"), s("y"), s("z")])),
        one("linked_list", Value::typed_list("java.util.LinkedList", [user("l", 1)])),
        one(
            "linked_hash_map",
            Value::typed_map(
                "java.util.LinkedHashMap",
                [(s("b"), Value::Int(2)), (s("a"), Value::Int(1)), (s("c"), Value::Int(3))],
            ),
        ),
        one("tree_map", Value::typed_map("java.util.TreeMap", [(s("a"), Value::Int(1)), (s("b"), Value::Int(2))])),
        one("hash_map", Value::map([(s("k"), s("v")), (s("n"), Value::Int(1))])),
        one(
            "int_key_map",
            Value::map([(Value::Int(1), s("one")), (Value::Int(2), s("two")), (Value::Int(-5), s("minus"))]),
        ),
        one("enum_key_map", Value::map([(color("RED"), Value::Int(1)), (color("BLUE"), Value::Int(3))])),
        // The node is ref 0 and its `next` points back at it.
        one("self_ref", Value::object(cls("Node"), [("name", s("loop")), ("next", Value::Ref(0))])),
        one("shared_refs", Value::object(cls("Pair"), [("left", user("shared", 7)), ("right", Value::Ref(1))])),
        one("cyclic_list", Value::list([s("x"), Value::Ref(0)])),
        one("inheritance", Value::object(cls("Dog"), [("name", s("rex")), ("legs", Value::Int(4))])),
        one(
            "generic_response",
            Value::object(
                cls("Response"),
                [("code", Value::Int(200)), ("message", s("ok")), ("data", user("bob", 30))],
            ),
        ),
        one(
            "io_exception",
            Value::throwable(
                "java.io.IOException",
                Some("disk gone"),
                Some(Value::throwable("java.lang.IllegalStateException", Some("inner"), None)),
            ),
        ),
        one("custom_exception", {
            let mut e = Value::throwable(cls("BizException"), Some("biz failed"), None);
            if let Value::Object(o) = &mut e {
                o.set("code", Value::Int(42));
                o.set("detail", s("detail text"));
            }
            e
        }),
        one("supplementary", s("emoji \u{1F600} clef \u{1D11E} 中文 é")),
        one("long_string", Value::String(format!("{}\u{1F600}{}", "a".repeat(32767), "b".repeat(37000)))),
        ("two_values", vec![user("same", 1), Value::Ref(0), user("other", 2)]),
    ]
}
