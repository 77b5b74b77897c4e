"""libdubbo: call Java Apache Dubbo services, and serve your own, over the
native dubbo2 protocol (Hessian2), from a Rust core.

::

    import libdubbo

    with libdubbo.Client("dubbo://127.0.0.1:20880") as client:
        greeter = client.reference("org.example.Greeter", methods={"sayHello": ["java.lang.String"]})
        print(greeter.sayHello("world"))
"""

from __future__ import annotations

from . import _native, java
from ._client import Client, Reference, Reply
from ._server import CallContext, Server, current_call
from .errors import (
    ERRORS_BY_KIND,
    DubboCancelledError,
    DubboClosedError,
    DubboCodecError,
    DubboConnectionError,
    DubboError,
    DubboForkError,
    DubboInvalidArgumentError,
    DubboNoProviderError,
    DubboOverloadedError,
    DubboPanicError,
    DubboRemoteError,
    DubboServerError,
    DubboTimeoutError,
    JavaException,
)
from .java import java_class

__version__: str = _native.__version__

__all__ = [
    "Client", "Reference", "Reply", "Server", "CallContext", "current_call", "java", "java_class",
    "DubboError", "DubboTimeoutError", "DubboNoProviderError", "DubboConnectionError",
    "DubboOverloadedError", "DubboCodecError", "DubboRemoteError", "DubboServerError",
    "DubboInvalidArgumentError", "DubboCancelledError", "DubboClosedError", "DubboForkError",
    "DubboPanicError", "JavaException", "__version__",
]

_native._init(
    {
        "Typed": java.Typed,
        "Object": java.Object,
        "Enum": java.Enum,
        "Array": java.Array,
        "JLong": java.JLong,
        "LocalDateTime": java.LocalDateTime,
        "LocalTime": java.LocalTime,
        "java_classes": java.java_classes,
        "errors": ERRORS_BY_KIND,
    }
)

from . import _lifecycle  # noqa: E402  (needs _native initialised)

_lifecycle.start_logs()
