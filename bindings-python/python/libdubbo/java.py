"""Explicit Java types, for where Python's own types do not say what Java needs.

Most values need no wrapper: ``int`` is a Java ``int`` (``long`` when it does not
fit), ``float`` a ``double``, ``str``, ``bytes``, ``bool``, ``None``, ``list``,
``dict``, ``set`` (``HashSet``), ``decimal.Decimal`` (``BigDecimal``), an aware
``datetime`` (``java.util.Date``), a naive ``datetime``, ``date``, ``time`` and
``timedelta`` (``java.time.LocalDateTime``, ``LocalDate``, ``LocalTime``,
``Duration``). The wrappers here pin the rest: ``Int(5)`` is the primitive
``int`` parameter type, ``Long(5)`` a ``long``, ``Object("org.example.User",
name="Bob")`` any Java object, ``Enum("org.example.Color", "RED")`` an enum
constant, ``Array("int", [1, 2])`` an ``int[]``. Dataclasses and ``enum.Enum``
classes decorated with ``@java_class("org.example.User")`` cross as that class
both ways.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import threading
from typing import Any, Callable, Dict, Iterable, Optional, TypeVar

__all__ = [
    "Typed", "Int", "Long", "Short", "Byte", "Float", "Double", "Char", "Boolean",
    "Object", "Enum", "Array", "BigDecimal", "JLong", "LocalDateTime", "LocalTime",
    "java_class", "java_classes",
]

_repr_active = threading.local()

#: Java class name → the Python class registered for it with :func:`java_class`.
java_classes: Dict[str, type] = {}

T = TypeVar("T", bound=type)


def java_class(name: str) -> Callable[[T], T]:
    """Registers a dataclass or ``enum.Enum`` as the Java class ``name``: its
    instances are sent as that class, and that class comes back as it."""

    def register(cls: T) -> T:
        setattr(cls, "__java_class__", name)
        java_classes[name] = cls
        return cls

    return register


class Typed:
    """A value pinned to a Java type (``int``, ``long``, ``java.lang.Short``, ...)."""

    __slots__ = ("value", "java_type")
    _primitive = ""
    _boxed = ""

    def __init__(self, value: Any, boxed: bool = False) -> None:
        self.value = value
        #: The Java parameter type this value pins: primitive, or boxed when asked.
        self.java_type = self._boxed if boxed else self._primitive

    def __repr__(self) -> str:
        boxed = ", boxed=True" if self.java_type == self._boxed else ""
        return f"java.{type(self).__name__}({self.value!r}{boxed})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Typed):
            return (self.java_type, self.value) == (other.java_type, other.value)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.java_type, self.value))


class Int(Typed):
    """A Java ``int`` (``java.lang.Integer`` with ``boxed=True``)."""
    __slots__ = ()
    _primitive, _boxed = "int", "java.lang.Integer"


class Long(Typed):
    """A Java ``long`` (``java.lang.Long`` with ``boxed=True``), even when small."""
    __slots__ = ()
    _primitive, _boxed = "long", "java.lang.Long"


class Short(Typed):
    """A Java ``short``."""
    __slots__ = ()
    _primitive, _boxed = "short", "java.lang.Short"


class Byte(Typed):
    """A Java ``byte``."""
    __slots__ = ()
    _primitive, _boxed = "byte", "java.lang.Byte"


class Float(Typed):
    """A Java ``float``."""
    __slots__ = ()
    _primitive, _boxed = "float", "java.lang.Float"


class Double(Typed):
    """A Java ``double``."""
    __slots__ = ()
    _primitive, _boxed = "double", "java.lang.Double"


class Char(Typed):
    """A Java ``char`` (a one-character string)."""
    __slots__ = ()
    _primitive, _boxed = "char", "java.lang.Character"


class Boolean(Typed):
    """A Java ``boolean``."""
    __slots__ = ()
    _primitive, _boxed = "boolean", "java.lang.Boolean"


class Object:
    """An instance of any Java class: its name and its fields, in order.

    Fields read and write as attributes (``user.name``) or through ``fields``.
    Java objects of classes not registered with :func:`java_class` come back as this.
    """

    __slots__ = ("java_class", "fields")

    def __init__(self, java_class: str, fields: Optional[Dict[str, Any]] = None, /, **more: Any) -> None:
        object.__setattr__(self, "java_class", java_class)
        object.__setattr__(self, "fields", {**(fields or {}), **more})

    def __getattr__(self, name: str) -> Any:
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(f"{self.java_class} has no field {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self.fields[name] = value

    def __repr__(self) -> str:
        active = _repr_active.__dict__.setdefault("ids", set())
        if id(self) in active:  # a cycle back to this object
            return f"java.Object({self.java_class!r}, ...)"
        active.add(id(self))
        try:
            inner = ", ".join(f"{k}={v!r}" for k, v in self.fields.items())
        finally:
            active.discard(id(self))
        return f"java.Object({self.java_class!r}, {inner})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Object):
            return self is other or (self.java_class == other.java_class and self.fields == other.fields)
        return NotImplemented

    __hash__ = object.__hash__


class Enum:
    """A Java enum constant by class and name (for enums not registered as ``enum.Enum``)."""

    __slots__ = ("java_class", "name")

    def __init__(self, java_class: str, name: str) -> None:
        self.java_class = java_class
        self.name = name

    def __repr__(self) -> str:
        return f"java.Enum({self.java_class!r}, {self.name!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Enum):
            return (self.java_class, self.name) == (other.java_class, other.name)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.java_class, self.name))


class Array(list):  # type: ignore[type-arg]
    """A list that is a typed Java array: ``Array("int", [1, 2])`` is an ``int[]``,
    ``Array("java.lang.String", ["a"])`` a ``String[]``. Java arrays come back as this."""

    __slots__ = ("element_type",)

    def __init__(self, element_type: str, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        #: The Java element type: ``int``, ``java.lang.String``, ``org.example.User``.
        self.element_type = element_type

    def __repr__(self) -> str:
        return f"java.Array({self.element_type!r}, {list.__repr__(self)})"


def BigDecimal(value: Any) -> decimal.Decimal:
    """A ``java.math.BigDecimal``: a :class:`decimal.Decimal` (from a string keeps every digit)."""
    return decimal.Decimal(str(value) if isinstance(value, float) else value)


class JLong(int):
    """An ``int`` that Java sent as a ``long`` although it fits an ``int``: it goes
    back as a ``long`` (a ``Map<String, Object>`` keeps its ``Long``). Arithmetic
    on it gives plain ints."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"java.JLong({int(self)})"


class LocalDateTime(_dt.datetime):
    """A naive datetime with Java's nanoseconds (``java.time.LocalDateTime`` keeps
    them; Python stops at microseconds). Java values finer than a microsecond come
    back as this, so that they go back unchanged."""

    nanosecond: int = 0


class LocalTime(_dt.time):
    """A time with Java's nanoseconds (see :class:`LocalDateTime`)."""

    nanosecond: int = 0
