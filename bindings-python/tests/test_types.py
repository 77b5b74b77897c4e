"""DESIGN.md's type mapping, both ways, through the Greeter's echo methods of a
Python, a Rust and a Java provider: what Python sends is what comes back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import pytest

import libdubbo
from libdubbo import java

from greeter import GREETER, METHODS


@libdubbo.java_class("org.example.Color")
class Color(enum.Enum):
    RED = 1
    GREEN = 2


@libdubbo.java_class("org.example.User")
@dataclasses.dataclass
class User:
    name: str
    age: int


@pytest.fixture
def greeter(client: libdubbo.Client, provider_url: str) -> libdubbo.Reference:
    return client.reference(GREETER, url=provider_url, methods=METHODS)


CASES = [
    ("echoString", "plain"),
    ("echoString", "ünïcödé ✓ 𝄞 emoji 🎉"),
    ("echoString", ""),
    ("echoString", "x" * 70_000),  # crosses Hessian's string chunk size
    ("echoLong", 2**40),
    ("echoLong", -(2**63)),
    ("echoLong", 5),
    ("echoDouble", 3.25),
    ("echoDouble", -0.0),
    ("echoBool", True),
    ("echoBool", False),
    ("echoBytes", b"\x00\x01\xff" * 30_000),
    ("echoList", ["a", "b", None]),
    ("echoMap", {"k": "v", "n": 3, "nested": {"x": [1, 2]}}),
    ("echoSet", {"a", "b"}),
    ("echoDecimal", Decimal("12345678901234567890.000000000123")),
    ("echoDecimal", Decimal("-0.50")),
    ("echoTime", dt.datetime(2024, 2, 29, 23, 59, 58, 123456)),
    ("echoDate", dt.date(1999, 12, 31)),
    ("echoUtilDate", dt.datetime(2020, 1, 2, 3, 4, 5, 678000, tzinfo=dt.timezone.utc)),
]


@pytest.mark.parametrize("method,value", CASES, ids=[f"{m}-{i}" for i, (m, _) in enumerate(CASES)])
def test_value_round_trips(greeter: libdubbo.Reference, method: str, value: Any) -> None:
    back = greeter.call(method, value)
    assert back == value
    if isinstance(value, int) and not isinstance(value, bool):
        assert isinstance(back, int)  # a long that fits an int is a java.JLong (an int)
    else:
        assert type(back) is type(value)


def test_int_and_boxed_arithmetic(greeter: libdubbo.Reference) -> None:
    assert greeter.add(2, 3) == 5
    assert greeter.add(2**31 - 1, 1) == -(2**31)  # Java int overflow
    assert greeter.addBoxed(None, 1) is None
    assert greeter.addBoxed(20, 22) == 42


def test_float_is_java_float(greeter: libdubbo.Reference) -> None:
    assert greeter.echoFloat(1.5) == 1.5
    assert greeter.call("echoFloat", java.Float(0.25)) == 0.25


def test_typed_arrays_come_back_typed(greeter: libdubbo.Reference) -> None:
    ints = greeter.echoInts(java.Array("int", [1, -2, 2**31 - 1]))
    assert ints == [1, -2, 2**31 - 1]
    assert isinstance(ints, java.Array) and ints.element_type == "int"
    strings = greeter.echoStrings(java.Array("java.lang.String", ["a", None, "c"]))
    assert strings == ["a", None, "c"] and strings.element_type == "java.lang.String"


def test_registered_dataclass_and_enum(greeter: libdubbo.Reference) -> None:
    bob = User("Bob", 14)
    back = greeter.echoUser(bob)
    assert isinstance(back, User) and back == bob
    assert greeter.echoEnum(Color.GREEN) is Color.GREEN


def test_unregistered_classes_are_java_objects(greeter: libdubbo.Reference) -> None:
    user = java.Object("org.example.User", name="Ann", age=30)
    wrapped = greeter.wrap(user)
    assert isinstance(wrapped, java.Object) and wrapped.java_class == "org.example.Response"
    assert wrapped.code == 200 and wrapped.message == "ok"
    assert wrapped.data.name == "Ann"
    e = greeter.call("echoEnum", java.Enum("org.example.Color", "RED"))
    assert e is Color.RED  # registered above: comes back as the Python enum


def test_shared_references_stay_shared(greeter: libdubbo.Reference) -> None:
    ann = User("Ann", 30)
    payload = java.Object("org.example.Payload", id="p1", tags=["t"], owner=ann)
    users = greeter.echoUsers([ann, ann, payload])
    assert users[0] is users[1] and users[0] == ann
    assert users[2].owner is users[0]


def test_cycles_survive(greeter: libdubbo.Reference) -> None:
    # org.example.Node {name, next}: a ring of two nodes.
    a = java.Object("org.example.Node", name="a")
    b = java.Object("org.example.Node", name="b", next=a)
    a.next = b
    back = greeter.echoNode(a)
    assert back.name == "a" and back.next.name == "b"
    assert back.next.next is back
    lst: list = ["x"]
    lst.append(lst)
    echoed = greeter.echoList(lst)
    assert echoed[1] is echoed


def test_declared_types_pin_long_and_int(greeter: libdubbo.Reference) -> None:
    # echoLong is declared long: a small int still goes as a long parameter.
    assert greeter.echoLong(7) == 7
    # Without a declaration, wrappers pin the parameter types.
    assert greeter.call("add", java.Int(40), java.Int(2), parameter_types=None) == 42


def test_value_java_cannot_take_is_invalid_argument(greeter: libdubbo.Reference) -> None:
    with pytest.raises(libdubbo.DubboInvalidArgumentError) as info:
        greeter.echoString(object())
    assert info.value.kind == "invalid_argument"
    with pytest.raises(libdubbo.DubboInvalidArgumentError):
        greeter.echoLong(2**70)
    with pytest.raises(libdubbo.DubboInvalidArgumentError, match="no Java class"):
        greeter.echoUser(_Plain(1))


@dataclasses.dataclass
class _Plain:
    x: int
