"""The consumer API: :class:`Client` and :class:`Reference`."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _aio, _lifecycle, _native

Methods = Union[Mapping[str, Sequence[str]], Iterable[Tuple[str, Sequence[str]]]]


class Reply(NamedTuple):
    """A call's value and the provider's response attachments."""

    value: Any
    attachments: Dict[str, Any]


def _signatures(methods: Optional[Methods]) -> Optional[List[Tuple[str, List[str]]]]:
    if methods is None:
        return None
    pairs = methods.items() if isinstance(methods, Mapping) else methods
    return [(name, list(types)) for name, types in pairs]


class Client:
    """A Dubbo consumer. ``registry`` says where providers are: none for the
    embedded registry (providers on this machine, no server needed),
    ``zookeeper://127.0.0.1:2181`` for ZooKeeper (Java's layout), or direct
    ``dubbo://host:port`` provider URLs (several separated by commas).

    ``max_in_flight`` caps the calls waiting on one connection; more fail at once
    with :class:`DubboOverloadedError`. Connections are shared by every reference of a client; close it when done
    (or use it as a context manager)::

        with libdubbo.Client("dubbo://127.0.0.1:20880") as client:
            greeter = client.reference("org.example.Greeter")
            print(greeter.call("sayHello", "world"))
    """

    def __init__(
        self,
        registry: Optional[str] = None,
        *,
        application: str = "libdubbo-python",
        timeout: float = 1.0,
        connect_timeout: float = 3.0,
        payload: Optional[int] = None,
        heartbeat: Optional[float] = None,
        max_in_flight: Optional[int] = None,
    ) -> None:
        self._native = _native.Client(
            registry,
            application=application,
            timeout=timeout,
            connect_timeout=connect_timeout,
            payload=payload,
            heartbeat=heartbeat,
            max_in_flight=max_in_flight,
        )
        _lifecycle.track(self)

    def reference(
        self,
        interface: str,
        *,
        version: Optional[str] = None,
        group: Optional[str] = None,
        timeout: Optional[float] = None,
        methods: Optional[Methods] = None,
        url: Optional[str] = None,
        loadbalance: Optional[str] = None,
        cluster: Optional[str] = None,
        retries: Optional[int] = None,
        parameters: Optional[Mapping[str, Any]] = None,
    ) -> "Reference":
        """A reference to ``interface``. ``methods`` declares Java parameter types
        once (``{"add": ["int", "int"]}``, or pairs for overloads) so calls stay short.
        ``loadbalance`` (random, roundrobin, leastactive, consistenthash,
        shortestresponse, adaptive), ``cluster`` (failover, failfast, failsafe,
        failback, forking, broadcast, available), ``retries`` and any other
        ``parameters`` take Java's names and defaults (``{"sayHello.retries": 0}``)."""
        params = {k: str(v) for k, v in (parameters or {}).items()}
        for key, value in (("loadbalance", loadbalance), ("cluster", cluster), ("retries", retries)):
            if value is not None:
                params[key] = str(value)
        native = self._native.reference(
            interface, url=url, version=version, group=group, timeout=timeout,
            methods=_signatures(methods), parameters=list(params.items()) or None,
        )
        return Reference(native)

    def close(self) -> None:
        """Closes every connection; later calls raise :class:`DubboClosedError`."""
        self._native.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class Reference:
    """One remote service. ``ref.call("sayHello", "world")`` blocks (without the
    GIL; Ctrl-C works); ``await ref.call_async(...)`` runs on the asyncio loop;
    ``ref.sayHello("world")`` is ``ref.call("sayHello", "world")``."""

    def __init__(self, native: Any) -> None:
        self._native = native

    @property
    def interface(self) -> str:
        """The Java interface name."""
        return str(self._native.interface)

    def call(
        self,
        method: str,
        /,
        *args: Any,
        timeout: Optional[float] = None,
        attachments: Optional[Mapping[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
    ) -> Any:
        """Calls ``method`` and returns its value; a Java exception raises :class:`DubboRemoteError`."""
        return self._native.call(method, args, timeout, _dict(attachments), _list(parameter_types))

    def invoke(
        self,
        method: str,
        /,
        *args: Any,
        timeout: Optional[float] = None,
        attachments: Optional[Mapping[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
    ) -> Reply:
        """:meth:`call`, also returning the provider's response attachments."""
        value, attached = self._native.call(method, args, timeout, _dict(attachments), _list(parameter_types), True)
        return Reply(value, attached)

    async def call_async(
        self,
        method: str,
        /,
        *args: Any,
        timeout: Optional[float] = None,
        attachments: Optional[Mapping[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
    ) -> Any:
        """:meth:`call` on the running asyncio loop; cancelling it cancels the call."""
        native, a, types = self._native, _dict(attachments), _list(parameter_types)
        return await _aio.start(lambda c, t: native.call_async(c, t, method, args, timeout, a, types))

    async def invoke_async(
        self,
        method: str,
        /,
        *args: Any,
        timeout: Optional[float] = None,
        attachments: Optional[Mapping[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
    ) -> Reply:
        """:meth:`invoke` on the running asyncio loop."""
        native, a, types = self._native, _dict(attachments), _list(parameter_types)
        value, attached = await _aio.start(lambda c, t: native.call_async(c, t, method, args, timeout, a, types, True))
        return Reply(value, attached)

    def oneway(
        self,
        method: str,
        /,
        *args: Any,
        timeout: Optional[float] = None,
        attachments: Optional[Mapping[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
    ) -> None:
        """Sends ``method`` expecting no answer (Java's ``return=false``); returns once sent."""
        self._native.oneway(method, args, timeout, _dict(attachments), _list(parameter_types))

    async def oneway_async(
        self,
        method: str,
        /,
        *args: Any,
        timeout: Optional[float] = None,
        attachments: Optional[Mapping[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
    ) -> None:
        """:meth:`oneway` on the running asyncio loop."""
        native, a, types = self._native, _dict(attachments), _list(parameter_types)
        await _aio.start(lambda c, t: native.oneway_async(c, t, method, args, timeout, a, types))

    def generic(
        self,
        method: str,
        parameter_types: Sequence[str],
        args: Sequence[Any],
        *,
        timeout: Optional[float] = None,
        attachments: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        """A generic call (Java's ``GenericService.$invoke``): POJOs go and come
        back as dicts with a ``"class"`` key."""
        return self._native.invoke_generic(None, 0, method, list(parameter_types), tuple(args), timeout, _dict(attachments))

    async def generic_async(
        self,
        method: str,
        parameter_types: Sequence[str],
        args: Sequence[Any],
        *,
        timeout: Optional[float] = None,
        attachments: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        """:meth:`generic` on the running asyncio loop."""
        native, types, a, values = self._native, list(parameter_types), _dict(attachments), tuple(args)
        return await _aio.start(lambda c, t: native.invoke_generic(c, t, method, types, values, timeout, a))

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args: Any, **options: Any) -> Any:
            return self.call(method, *args, **options)

        call.__name__ = method
        return call

    def __repr__(self) -> str:
        return f"<libdubbo.Reference {self.interface}>"


def _dict(d: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    return None if d is None else dict(d)


def _list(types: Optional[Sequence[str]]) -> Optional[List[str]]:
    return None if types is None else list(types)
