"""org.example.Greeter in Python, behaving as the Java peer's GreeterImpl, so
that the Java consumer's checks hold against a Python provider."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import libdubbo

GREETER = "org.example.Greeter"

#: Greeter's methods with their Java parameter types (overloads as pairs).
METHODS = [
    ("sayHello", ["java.lang.String"]),
    ("add", ["int", "int"]),
    ("addBoxed", ["java.lang.Integer", "java.lang.Integer"]),
    ("echoLong", ["long"]),
    ("echoDouble", ["double"]),
    ("echoFloat", ["float"]),
    ("echoBool", ["boolean"]),
    ("echoBytes", ["[B"]),
    ("echoInts", ["[I"]),
    ("echoStrings", ["[Ljava.lang.String;"]),
    ("echoList", ["java.util.List"]),
    ("echoMap", ["java.util.Map"]),
    ("echoSet", ["java.util.Set"]),
    ("echoUser", ["org.example.User"]),
    ("echoUsers", ["java.util.List"]),
    ("echoNode", ["org.example.Node"]),
    ("echoDecimal", ["java.math.BigDecimal"]),
    ("echoTime", ["java.time.LocalDateTime"]),
    ("echoDate", ["java.time.LocalDate"]),
    ("echoUtilDate", ["java.util.Date"]),
    ("echoEnum", ["org.example.Color"]),
    ("wrap", ["org.example.User"]),
    ("overloaded", ["java.lang.String"]),
    ("overloaded", ["int"]),
    ("doNothing", []),
    ("returnNull", []),
    ("fail", ["java.lang.String"]),
    ("failRuntime", ["java.lang.String"]),
    ("slow", ["int"]),
    ("attachment", ["java.lang.String"]),
    ("echoString", ["java.lang.String"]),
    ("echoPayload", ["org.example.Payload"]),
    ("echoResponseAttachment", ["java.lang.String", "java.lang.String"]),
    ("remember", ["java.lang.String"]),
    ("recalled", []),
]


def _echo(v: Any) -> Any:
    return v


class Greeter:
    """Sync handlers, except ``slow``, which is a coroutine (runs on the server's loop)."""

    def __init__(self) -> None:
        self._memory: Any = None
        self._lock = threading.Lock()

    def sayHello(self, name: str) -> str:
        return f"Hello {name}"

    def add(self, a: int, b: int) -> libdubbo.java.Int:
        # Java's int arithmetic wraps.
        return libdubbo.java.Int(((a + b + 2**31) % 2**32) - 2**31)

    def addBoxed(self, a: Any, b: Any) -> Any:
        return None if a is None or b is None else a + b

    echoLong = echoDouble = echoFloat = echoBool = echoBytes = echoInts = staticmethod(_echo)
    echoStrings = echoList = echoMap = echoSet = echoUser = echoUsers = echoNode = staticmethod(_echo)
    echoDecimal = echoTime = echoDate = echoUtilDate = echoEnum = echoString = echoPayload = staticmethod(_echo)

    def echoLong(self, v: int) -> libdubbo.java.Long:  # type: ignore[no-redef]
        return libdubbo.java.Long(v)

    def wrap(self, user: Any) -> libdubbo.java.Object:
        return libdubbo.java.Object("org.example.Response", code=200, message="ok", data=user)

    def overloaded(self, v: Any) -> str:
        if libdubbo.current_call().parameter_types == ["int"]:
            return f"int:{v}"
        return f"string:{v}"

    def doNothing(self) -> None:
        return None

    def returnNull(self) -> None:
        return None

    def fail(self, message: str) -> None:
        raise libdubbo.JavaException("org.example.GreeterException", message, code=42)

    def failRuntime(self, message: str) -> None:
        raise libdubbo.JavaException("java.lang.IllegalStateException", message)

    async def slow(self, millis: int) -> str:
        await asyncio.sleep(min(max(millis, 0), 10_000) / 1000)
        return "slept"

    def attachment(self, key: str) -> Any:
        return libdubbo.current_call().attachments.get(key)

    def echoResponseAttachment(self, key: str, value: str) -> str:
        libdubbo.current_call().set_attachment(key, value)
        return value

    def remember(self, v: Any) -> None:
        with self._lock:
            self._memory = v

    def recalled(self) -> Any:
        with self._lock:
            return self._memory


def serve(server: libdubbo.Server, version: str | None = None, group: str | None = None) -> None:
    server.export(Greeter(), interface=GREETER, version=version, group=group, methods=METHODS)


def blocking_sleep(seconds: float) -> None:
    time.sleep(seconds)
