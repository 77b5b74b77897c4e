"""asyncio support: one completion queue per event loop, watched with
``loop.add_reader``. Native calls finish into it from runtime threads without
the GIL; the loop drains it and resolves the futures on its own thread."""

from __future__ import annotations

import asyncio
import itertools
import weakref
from typing import Any, Callable, Dict

from . import _native

_bridges: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Bridge]" = weakref.WeakKeyDictionary()


class _Bridge:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.completions = _native.Completions()
        self.pending: Dict[int, asyncio.Future[Any]] = {}
        self._tokens = itertools.count(1)
        loop.add_reader(self.completions.fileno(), self._drain)

    def _drain(self) -> None:
        for token, ok, result in self.completions.drain():
            future = self.pending.pop(token, None)
            if future is None or future.done():
                continue
            if ok:
                future.set_result(result)
            else:
                future.set_exception(result)

    def start(self, loop: asyncio.AbstractEventLoop, begin: Callable[[Any, int], Any]) -> "asyncio.Future[Any]":
        token = next(self._tokens)
        future: asyncio.Future[Any] = loop.create_future()
        self.pending[token] = future
        try:
            handle = begin(self.completions, token)
        except BaseException:
            del self.pending[token]
            raise

        def finished(f: "asyncio.Future[Any]") -> None:
            self.pending.pop(token, None)
            if f.cancelled():
                handle.cancel()  # drops the call's future in the core

        future.add_done_callback(finished)
        return future


def start(begin: Callable[[Any, int], Any]) -> "asyncio.Future[Any]":
    """Starts a native call on the running loop: ``begin(completions, token)``."""
    loop = asyncio.get_running_loop()
    bridge = _bridges.get(loop)
    if bridge is None:
        bridge = _bridges[loop] = _Bridge(loop)
    return bridge.start(loop, begin)


def forget_loops() -> None:
    """After fork: the parent's loops and pipes are not the child's."""
    _bridges.clear()
