"""Process life: the core's logs into ``logging``, closing live clients and
servers before the interpreter finalizes, and a clean slate after ``os.fork()``."""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from typing import Any, Optional

from . import _native

_live: "weakref.WeakSet[Any]" = weakref.WeakSet()
_stop_logs = threading.Event()
_log_thread: Optional[threading.Thread] = None


def track(obj: Any) -> None:
    """Remembers a client or server to close at exit."""
    _live.add(obj)


def _forward_logs() -> None:
    while not _stop_logs.is_set():
        for level, name, message in _native._next_logs(0.2):
            logging.getLogger(name).log(level, "%s", message)


def start_logs() -> None:
    global _log_thread
    _native._init_logging(os.environ.get("LIBDUBBO_LOG", "").lower() in ("debug", "trace"))
    _stop_logs.clear()
    _log_thread = threading.Thread(target=_forward_logs, name="libdubbo-logs", daemon=True)
    _log_thread.start()


@atexit.register
def _at_exit() -> None:
    # Before finalization: no libdubbo thread may be waiting to re-enter Python then.
    # Clients first: a server closing under a live client would log a closed connection.
    for obj in sorted(_live, key=lambda o: type(o).__name__ != "Client"):
        try:
            obj.close()
        except Exception:
            pass
    _stop_logs.set()
    if _log_thread is not None:
        _log_thread.join(timeout=1)


def _after_fork_in_child() -> None:
    from . import _aio

    _aio.forget_loops()
    _live.clear()  # the parent's objects raise DubboForkError here; nothing to close
    start_logs()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
