"""The provider API: :class:`Server` exports Python objects as Dubbo services.

Calls wait in the core's queue and are pulled by Python threads (``workers`` per
service), never run on the core's runtime threads. A handler that is a
coroutine function runs on an asyncio loop: the one given, the one running when
the server was made, or a private loop thread started on first need.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import threading
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import _lifecycle, _native
from ._client import Methods, _signatures
from .errors import DubboClosedError, DubboError, JavaException

log = logging.getLogger("libdubbo.server")

_current: "contextvars.ContextVar[CallContext]" = contextvars.ContextVar("libdubbo_call")


class CallContext:
    """The call being handled (Java's ``RpcContext``): read the request's
    attachments, set response attachments. :func:`current_call` returns it."""

    __slots__ = ("_call", "interface", "method", "parameter_types", "generic", "_attachments", "response_attachments")

    def __init__(self, call: Any) -> None:
        self._call = call
        self.interface: str = call.interface
        self.method: str = call.method
        #: The Java parameter types the consumer named, e.g. ``["int"]`` (tells overloads apart).
        self.parameter_types: List[str] = call.parameter_types
        #: True for a generic (``$invoke``) call.
        self.generic: bool = call.generic
        self._attachments: Optional[Dict[str, Any]] = None
        #: Attachments sent back with the response.
        self.response_attachments: Dict[str, Any] = {}

    @property
    def attachments(self) -> Dict[str, Any]:
        """The request's attachments."""
        if self._attachments is None:
            self._attachments = self._call.attachments()
        return self._attachments

    def set_attachment(self, key: str, value: Any) -> None:
        """Sends ``key: value`` back with the response."""
        self.response_attachments[key] = value


def current_call() -> CallContext:
    """The call the running handler serves; LookupError outside a handler."""
    return _current.get()


class _Export:
    def __init__(self, interface: str, version: Optional[str], group: Optional[str], queue: Any, handlers: Dict[str, Callable[..., Any]]) -> None:
        self.key = (interface, version, group)
        self.queue = queue
        self.handlers = handlers
        self.threads: List[threading.Thread] = []


class Server:
    """A Dubbo provider listening on ``host:port`` (port 0: the OS picks; see :attr:`port`).

    Exported services are announced in ``registry``: none for the embedded
    registry (consumers on this machine find them with no server),
    ``zookeeper://host:port``, or ``"N/A"`` for none (consumers then need
    :attr:`url`). ``workers`` Python threads per service run the handlers; ``threads`` (Java's
    name) caps the calls in progress, running or waiting for a worker, beyond
    which calls are refused with Java's thread-pool-exhausted status.

    ::

        class Greeter:
            def sayHello(self, name):
                return f"Hello {name}"

        server = libdubbo.Server(port=20880)
        server.export(Greeter(), interface="org.example.Greeter",
                      methods={"sayHello": ["java.lang.String"]})
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        registry: Optional[str] = None,
        application: Optional[str] = None,
        threads: int = 1000,
        workers: int = 16,
        payload: Optional[int] = None,
        shutdown_timeout: Optional[float] = None,
        loop: Optional[asyncio.AbstractEventLoop] = None,
    ) -> None:
        self._native = _native.Server(
            host, port, registry=registry, application=application, threads=threads,
            payload=payload, shutdown_timeout=shutdown_timeout,
        )
        self._workers = workers
        self._exports: Dict[Tuple[str, Optional[str], Optional[str]], _Export] = {}
        self._lock = threading.Lock()
        self._closed = False
        if loop is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        self._loop = loop
        self._loop_thread: Optional[threading.Thread] = None
        _lifecycle.track(self)

    @property
    def host(self) -> str:
        return str(self._native.host)

    @property
    def port(self) -> int:
        return int(self._native.port)

    @property
    def url(self) -> str:
        """``dubbo://host:port``, for consumers."""
        host = self.host
        return f"dubbo://[{host}]:{self.port}" if ":" in host else f"dubbo://{host}:{self.port}"

    def export(
        self,
        service: Any,
        *,
        interface: str,
        version: Optional[str] = None,
        group: Optional[str] = None,
        methods: Optional[Methods] = None,
        workers: Optional[int] = None,
        capacity: int = 1000,
        weight: Optional[int] = None,
        parameters: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Serves ``service`` as ``interface``: an object whose methods answer the
        calls, or a mapping of method names to functions. ``methods`` declares Java
        parameter types (calls to other methods are refused as Java refuses them).
        ``weight`` and other ``parameters`` (Java's names) are registered with it."""
        params = {k: str(v) for k, v in (parameters or {}).items()}
        if weight is not None:
            params["weight"] = str(weight)
        handlers = _handlers_of(service)
        signatures = _signatures(methods)
        for name, _ in signatures or []:
            if name not in handlers:
                raise ValueError(f"{interface}.{name} is declared but {type(service).__name__} has no {name}")
        with self._lock:
            if self._closed:
                raise DubboClosedError("the server is closed", kind="closed")
            queue = self._native.export(
                interface, version=version, group=group, methods=signatures, capacity=capacity,
                parameters=list(params.items()) or None,
            )
            export = _Export(interface, version, group, queue, handlers)
            self._exports[export.key] = export
        for i in range(max(1, workers or self._workers)):
            t = threading.Thread(target=self._work, args=(export,), name=f"libdubbo-{interface}-{i}", daemon=True)
            export.threads.append(t)
            t.start()

    def unexport(self, interface: str, version: Optional[str] = None, group: Optional[str] = None) -> bool:
        """Stops serving a service; its worker threads end."""
        with self._lock:
            export = self._exports.pop((interface, version, group), None)
        done = bool(self._native.unexport(interface, version, group))
        if export is not None:
            _join(export.threads)
        return done

    def shutdown(self) -> None:
        """Java's graceful stop: consumers are told, running calls finish (up to the
        shutdown timeout), then connections close and worker threads end."""
        self._native.shutdown()
        self._stop()

    def close(self) -> None:
        """Stops at once: waiting calls fail, connections close, worker threads end."""
        self._native.close()
        self._stop()

    def _stop(self) -> None:
        with self._lock:
            self._closed = True
            exports = list(self._exports.values())
            self._exports.clear()
        for export in exports:
            _join(export.threads)
        loop, thread = self._loop, self._loop_thread
        if thread is not None and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(_cancel_and_stop, loop)
            thread.join(timeout=2)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- dispatch, on worker threads ---------------------------------------

    def _work(self, export: _Export) -> None:
        while True:
            try:
                call = export.queue.next(0.25)
            except DubboClosedError:
                return
            except DubboError:  # forked child: the parent's queue is not ours
                return
            if call is None:
                if self._closed and export.key not in self._exports:
                    return
                continue
            self._dispatch(export, call)

    def _dispatch(self, export: _Export, call: Any) -> None:
        context = CallContext(call)
        handler = export.handlers.get(context.method)
        if handler is None:
            call.fail(f"{context.interface} in Python has no method {context.method}")
            return
        try:
            args = call.args()
        except Exception as e:  # a value Python cannot hold
            log.warning("cannot read the arguments of %s.%s: %s", context.interface, context.method, e)
            call.fail(f"cannot read the arguments: {e}")
            return
        if inspect.iscoroutinefunction(handler):
            self._run_async(context, handler(*args))
            return
        token = _current.set(context)
        try:
            result = handler(*args)
        except BaseException as e:
            _fail(context, e)
            return
        finally:
            _current.reset(token)
        if inspect.isawaitable(result):
            self._run_async(context, result)
        else:
            _reply(context, result)

    def _run_async(self, context: CallContext, awaitable: Any) -> None:
        async def run() -> Any:
            _current.set(context)  # the task runs in its own copy of the context
            return await awaitable

        future = asyncio.run_coroutine_threadsafe(run(), self._async_loop())

        def finished(f: Any) -> None:
            if f.cancelled():
                context._call.fail("the handler was cancelled")
            elif f.exception() is not None:
                _fail(context, f.exception())
            else:
                _reply(context, f.result())

        future.add_done_callback(finished)

    def _async_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                loop = asyncio.new_event_loop()
                self._loop_thread = threading.Thread(target=loop.run_forever, name="libdubbo-asyncio", daemon=True)
                self._loop_thread.start()
                self._loop = loop
            return self._loop


def _cancel_and_stop(loop: asyncio.AbstractEventLoop) -> None:
    # Handlers still running on the server's own loop end with it.
    for task in asyncio.all_tasks(loop):
        task.cancel()
    loop.call_soon(loop.stop)


def _handlers_of(service: Any) -> Dict[str, Callable[..., Any]]:
    if isinstance(service, Mapping):
        return {str(k): v for k, v in service.items() if callable(v)}
    if inspect.isclass(service):
        service = service()
    return {
        name: getattr(service, name)
        for name in dir(service)
        if not name.startswith("_") and callable(getattr(service, name, None))
    }


def _reply(context: CallContext, value: Any) -> None:
    try:
        context._call.reply(value, context.response_attachments or None)
    except Exception as e:
        log.warning("the result of %s.%s cannot be sent: %s", context.interface, context.method, e)


def _fail(context: CallContext, error: BaseException) -> None:
    call = context._call
    try:
        if isinstance(error, JavaException):
            call.throw(error.java_class, error.message, error.fields)
        elif isinstance(error, DubboError) and error.java_class:
            # A Java exception from a call this handler made: passed on as it is.
            call.throw(error.java_class, error.java_message, error.fields)
        else:
            log.warning("%s.%s raised", context.interface, context.method, exc_info=error)
            call.fail(f"{type(error).__name__}: {error}")
    except Exception as e:
        log.warning("the failure of %s.%s cannot be sent: %s", context.interface, context.method, e)


def _join(threads: Sequence[threading.Thread]) -> None:
    me = threading.current_thread()
    for t in threads:
        if t is not me:
            t.join(timeout=2)
