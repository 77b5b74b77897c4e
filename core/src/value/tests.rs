//! Unit tests of the value model: refs, comparison, Java type names and helpers.

use super::*;

fn user(name: &str) -> Value {
    Value::object("x.User", [("name", Value::from(name))])
}

#[test]
fn ref_table_numbers_containers_in_pre_order_across_values() {
    let message = [Value::list([user("a"), Value::map([(Value::Int(1), user("b"))])]), user("c")];
    let refs = RefTable::build(&message);
    assert_eq!(refs.len(), 5);
    assert_eq!(refs.get(1), Some(&message[0].as_list().unwrap().items[0]));
    assert_eq!(refs.get(3).and_then(|v| v.field("name")), Some(&Value::from("b")));
    assert_eq!(refs.get(4), Some(&message[1]));
    assert_eq!(refs.index_of(&message[1]), Some(4));
    assert_eq!(refs.get(5), None);
}

#[test]
fn equivalent_follows_refs_whatever_the_field_order() {
    // Pair(left = u, right = u) as we write it and as Java writes it (fields reversed).
    let ours = Value::object("x.Pair", [("left", user("u")), ("right", Value::Ref(1))]);
    let java = Value::object("x.Pair", [("right", user("u")), ("left", Value::Ref(1))]);
    assert!(equivalent(&ours, &java));
    // Equivalence is by value: two equal users match one shared user.
    let distinct = Value::object("x.Pair", [("left", user("u")), ("right", user("u"))]);
    assert!(equivalent(&ours, &distinct));
    let other = Value::object("x.Pair", [("left", user("u")), ("right", user("v"))]);
    assert!(!equivalent(&ours, &other));
}

#[test]
fn equivalent_ends_on_cycles() {
    let a = Value::list([Value::from("x"), Value::Ref(0)]);
    let b = Value::list([Value::from("x"), Value::Ref(0)]);
    assert!(equivalent(&a, &b));
    let c = Value::list([Value::from("y"), Value::Ref(0)]);
    assert!(!equivalent(&a, &c));
}

#[test]
fn maps_compare_by_content_and_doubles_by_bits() {
    let m1 = Value::map([(Value::Int(1), Value::Double(f64::NAN)), (Value::Int(2), Value::Null)]);
    let m2 = Value::map([(Value::Int(2), Value::Null), (Value::Int(1), Value::Double(f64::NAN))]);
    assert!(equivalent(&m1, &m2));
    assert!(!equivalent(&m1, &Value::typed_map("java.util.TreeMap", [])));
}

#[test]
fn java_type_names_and_descriptors() {
    let types = JavaType::parse_descriptors("ILjava/lang/Integer;[I[Ljava/lang/String;JZ").unwrap();
    assert_eq!(types[0], JavaType::Int);
    assert_eq!(types[1], JavaType::Int.boxed());
    assert_eq!(types[2].name(), "[I");
    assert_eq!(types[3].name(), "[Ljava.lang.String;");
    let round: String = types.iter().map(JavaType::descriptor).collect();
    assert_eq!(round, "ILjava/lang/Integer;[I[Ljava/lang/String;JZ");
    assert_eq!(JavaType::parse_descriptors("Ljava/lang/String"), None);
    // Generic calls name types as Class.getName() does, or with `[]`.
    for (name, descriptor) in [("int", "I"), ("java.lang.String", "Ljava/lang/String;"), ("[I", "[I"),
        ("[Ljava.lang.String;", "[Ljava/lang/String;"), ("org.example.User[]", "[Lorg/example/User;")] {
        assert_eq!(JavaType::from_name(name).map(|t| t.descriptor()).as_deref(), Some(descriptor), "{name}");
    }
    assert_eq!(JavaType::from_name(""), None);
    assert_eq!(JavaType::from_name("[Ljava.lang.String"), None);
    assert_eq!(JavaType::of_value(&Value::int_array(&[1])).descriptor(), "[I");
    assert_eq!(JavaType::of_value(&Value::string_array::<&str>(&[])).name(), "[Ljava.lang.String;");
    assert_eq!(JavaType::of_value(&Value::Long(1)).name(), "java.lang.Long");
}

#[test]
fn java_helpers_read_back() {
    assert_eq!(Value::big_decimal("1.50").as_big_decimal(), Some("1.50"));
    assert_eq!(Value::enum_constant("x.Color", "RED").as_enum(), Some(("x.Color", "RED")));
    assert_eq!(Value::float(0.1), Value::Double(0.1));
    assert_eq!(Value::float_field(0.1), Value::Double(f64::from(0.1f32)));
    let e = Value::throwable("x.Biz", Some("boom"), Some(Value::throwable("x.Inner", None, None)));
    let t = e.as_throwable(None).unwrap();
    assert_eq!((t.class(), t.message), ("x.Biz", Some("boom")));
    assert_eq!(t.cause.and_then(|c| c.as_throwable(None)).map(|c| c.class().to_owned()), Some("x.Inner".into()));
    // Java's "no cause" is a ref to the exception itself.
    let selfish = Value::object("x.E", [("detailMessage", Value::Null), ("cause", Value::Ref(0))]);
    assert!(selfish.as_throwable(Some(0)).unwrap().cause.is_none());
}

#[test]
fn object_fields_by_name() {
    let mut o = Object::new("x.A", [("a", Value::Int(1))]);
    o.set("b", Value::Int(2));
    o.set("a", Value::Int(3));
    assert_eq!(o.get("a"), Some(&Value::Int(3)));
    assert_eq!(o.fields().map(|(n, _)| n).collect::<Vec<_>>(), ["a", "b"]);
}
