"""libdubbo's exceptions: one class per error kind, the same kinds in every
language (``kind`` holds the name), and :class:`JavaException` for handlers."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = [
    "DubboError", "DubboTimeoutError", "DubboNoProviderError", "DubboConnectionError",
    "DubboOverloadedError", "DubboCodecError", "DubboRemoteError", "DubboServerError",
    "DubboInvalidArgumentError", "DubboCancelledError", "DubboClosedError", "DubboForkError",
    "DubboPanicError", "JavaException", "ERRORS_BY_KIND",
]


class DubboError(Exception):
    """A libdubbo call failed. ``kind`` says how (``"timeout"``, ``"remote_exception"``, ...)."""

    kind: str
    #: The status code of a ``remote_server`` answer (Dubbo's 30 = timeout, 70 = service error, ...).
    status: Optional[int]
    #: The Java exception's class (``remote_exception`` only).
    java_class: Optional[str]
    #: The Java exception's own message.
    java_message: Optional[str]
    #: The Java stack trace, one ``Class.method(File:line)`` per frame.
    remote_stack: List[str]
    #: The Java exception's own fields (a business exception's ``code``).
    fields: Dict[str, Any]

    def __init__(self, message: str, *, kind: str = "", status: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind or type(self).default_kind
        self.status = status
        self.java_class = None
        self.java_message = None
        self.remote_stack = []
        self.fields = {}

    default_kind = "panic"

    def __str__(self) -> str:
        return self.message


class DubboTimeoutError(DubboError, TimeoutError):
    """The call's deadline passed."""
    default_kind = "timeout"


class DubboNoProviderError(DubboError):
    """No provider to call (none configured, found or available)."""
    default_kind = "no_provider"


class DubboConnectionError(DubboError, ConnectionError):
    """Connecting, reading or writing failed, or the connection ended mid-call."""
    default_kind = "network"


class DubboOverloadedError(DubboError):
    """Too many calls in flight on one connection: back off and retry."""
    default_kind = "overloaded"


class DubboCodecError(DubboError):
    """A request or response could not be encoded or decoded."""
    default_kind = "codec"


class DubboRemoteError(DubboError):
    """The provider's method threw a Java exception: see ``java_class``, ``fields``,
    ``remote_stack``; its cause is ``__cause__``."""
    default_kind = "remote_exception"


class DubboServerError(DubboError):
    """The provider answered with an error status (``status``)."""
    default_kind = "remote_server"


class DubboInvalidArgumentError(DubboError, ValueError):
    """Something passed cannot be used (a bad URL, a value Java cannot take)."""
    default_kind = "invalid_argument"


class DubboCancelledError(DubboError):
    """The call was cancelled before it completed."""
    default_kind = "cancelled"


class DubboClosedError(DubboError):
    """The client, server or runtime is closed."""
    default_kind = "closed"


class DubboForkError(DubboError):
    """This object was made before ``os.fork()``; make a new one in the child."""
    default_kind = "forked"


class DubboPanicError(DubboError):
    """A bug inside libdubbo (please report it)."""
    default_kind = "panic"


#: Error kind name → its class (the native module raises through this table).
ERRORS_BY_KIND = {
    cls.default_kind: cls
    for cls in (
        DubboTimeoutError, DubboNoProviderError, DubboConnectionError, DubboOverloadedError,
        DubboCodecError, DubboRemoteError, DubboServerError, DubboInvalidArgumentError,
        DubboCancelledError, DubboClosedError, DubboForkError, DubboPanicError,
    )
}


class JavaException(Exception):
    """Raised by a handler, reaches the Java consumer as an exception of
    ``java_class`` (one the interface declares) with ``message`` and ``fields``.

    ``raise JavaException("org.example.GreeterException", "bad name", code=42)``
    """

    def __init__(self, java_class: str, message: Optional[str] = None, /, **fields: Any) -> None:
        super().__init__(message if message is not None else java_class)
        self.java_class = java_class
        self.message = message
        self.fields = fields
