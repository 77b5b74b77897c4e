# Type stubs of the compiled module (bindings-python/src); checked against the
# runtime by tests/test_stubs.py (mypy's stubtest).
from typing import Any, Dict, List, Optional, Sequence, Tuple, final

__version__: str

@final
class Completions:
    def __new__(cls) -> Completions: ...
    def fileno(self) -> int: ...
    def drain(self) -> List[Tuple[int, bool, Any]]: ...

@final
class CancelHandle:
    def cancel(self) -> None: ...

@final
class Client:
    def __new__(
        cls,
        registry: Optional[str] = None,
        *,
        application: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        payload: Optional[int] = None,
        heartbeat: Optional[float] = None,
        max_in_flight: Optional[int] = None,
    ) -> Client: ...
    def reference(
        self,
        interface: str,
        *,
        url: Optional[str] = None,
        version: Optional[str] = None,
        group: Optional[str] = None,
        timeout: Optional[float] = None,
        methods: Optional[List[Tuple[str, List[str]]]] = None,
        parameters: Optional[List[Tuple[str, str]]] = None,
    ) -> Reference: ...
    def close(self) -> None: ...

@final
class Reference:
    @property
    def interface(self) -> str: ...
    def call(
        self,
        method: str,
        args: Tuple[Any, ...],
        timeout: Optional[float] = None,
        attachments: Optional[Dict[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
        want_attachments: bool = False,
    ) -> Any: ...
    def call_async(
        self,
        completions: Completions,
        token: int,
        method: str,
        args: Tuple[Any, ...],
        timeout: Optional[float] = None,
        attachments: Optional[Dict[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
        want_attachments: bool = False,
    ) -> CancelHandle: ...
    def oneway(
        self,
        method: str,
        args: Tuple[Any, ...],
        timeout: Optional[float] = None,
        attachments: Optional[Dict[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
    ) -> None: ...
    def oneway_async(
        self,
        completions: Completions,
        token: int,
        method: str,
        args: Tuple[Any, ...],
        timeout: Optional[float] = None,
        attachments: Optional[Dict[str, Any]] = None,
        parameter_types: Optional[Sequence[str]] = None,
    ) -> CancelHandle: ...
    def invoke_generic(
        self,
        completions: Optional[Completions],
        token: int,
        method: str,
        types: Sequence[str],
        args: Tuple[Any, ...],
        timeout: Optional[float] = None,
        attachments: Optional[Dict[str, Any]] = None,
        want_attachments: bool = False,
    ) -> Any: ...

@final
class Server:
    def __new__(
        cls,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        registry: Optional[str] = None,
        application: Optional[str] = None,
        threads: int = 200,
        payload: Optional[int] = None,
        shutdown_timeout: Optional[float] = None,
        parameters: Optional[List[Tuple[str, str]]] = None,
    ) -> Server: ...
    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    def export(
        self,
        interface: str,
        *,
        version: Optional[str] = None,
        group: Optional[str] = None,
        methods: Optional[List[Tuple[str, List[str]]]] = None,
        capacity: int = 1000,
        parameters: Optional[List[Tuple[str, str]]] = None,
    ) -> CallQueue: ...
    def unexport(self, interface: str, version: Optional[str] = None, group: Optional[str] = None) -> bool: ...
    def shutdown(self) -> int: ...
    def close(self) -> None: ...

@final
class CallQueue:
    def next(self, timeout: float) -> Optional[Call]: ...
    def __len__(self) -> int: ...

@final
class Call:
    @property
    def interface(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def parameter_types(self) -> List[str]: ...
    @property
    def generic(self) -> bool: ...
    def args(self) -> Tuple[Any, ...]: ...
    def attachments(self) -> Dict[str, Any]: ...
    def reply(self, value: Any = None, attachments: Optional[Dict[str, Any]] = None) -> bool: ...
    def fail(self, message: str) -> bool: ...
    def throw(self, java_class: str, message: Optional[str] = None, fields: Optional[Dict[str, Any]] = None) -> bool: ...

def _init(classes: Dict[str, Any]) -> None: ...
def _init_logging(debug: bool) -> None: ...
def _next_logs(timeout: float) -> List[Tuple[int, str, str]]: ...
def _panic_for_test() -> None: ...
