"""Shared fixtures: a Python provider, the Rust Greeter provider, and the Java
Dubbo peer (provider and consumer modes), each on a free loopback port.

The Rust provider and the Java peer are built by `tests/run.sh` (the suite);
paths come from LIBDUBBO_RUST_PROVIDER and LIBDUBBO_JAVA_PEER_JAR. Without them
those tests skip with a message, unless LIBDUBBO_REQUIRE_PEERS=1 (as in CI),
where a missing peer fails the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, List

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# The embedded registry of this run (and of the processes it starts) is its own.
os.environ.setdefault("LIBDUBBO_REGISTRY_DIR", tempfile.mkdtemp(prefix="libdubbo-pytest-"))

import libdubbo  # noqa: E402
from greeter import serve  # noqa: E402

GREETER = "org.example.Greeter"


def _peer(env: str, what: str) -> Path:
    path = os.environ.get(env)
    if path and Path(path).exists():
        return Path(path)
    message = f"{what} not available: set {env} (bash tests/run.sh builds it)"
    if os.environ.get("LIBDUBBO_REQUIRE_PEERS") == "1":
        pytest.fail(message)
    pytest.skip(message)


class Process:
    """A peer process that prints `READY <port>` when it serves."""

    def __init__(self, argv: List[str], ready_within: float = 60.0) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + ready_within
        self.output: List[str] = []
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            if line.startswith("READY"):
                self.port = int(line.split()[1])
                return
        self.stop()
        raise RuntimeError(f"{argv[0]} did not get ready:\n{''.join(self.output)}")

    @property
    def url(self) -> str:
        return f"dubbo://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def java_jar() -> Path:
    return _peer("LIBDUBBO_JAVA_PEER_JAR", "the Java Dubbo peer jar")


@pytest.fixture(scope="session")
def java_provider(java_jar: Path) -> Iterator[Process]:
    p = Process(["java", "-jar", str(java_jar), "provider", str(free_port())])
    yield p
    p.stop()


@pytest.fixture(scope="session")
def rust_provider() -> Iterator[Process]:
    binary = _peer("LIBDUBBO_RUST_PROVIDER", "the Rust Greeter provider (examples/rust greeter_provider)")
    p = Process([str(binary), "0"], ready_within=20)
    yield p
    p.stop()


@pytest.fixture(scope="session")
def python_server() -> Iterator[libdubbo.Server]:
    server = libdubbo.Server()
    serve(server)
    yield server
    server.close()


@pytest.fixture(params=["python", "rust", "java"])
def provider_url(request: pytest.FixtureRequest) -> str:
    """The same Greeter behind a Python, a Rust and a Java provider."""
    if request.param == "python":
        return str(request.getfixturevalue("python_server").url)
    return str(request.getfixturevalue(f"{request.param}_provider").url)


@pytest.fixture
def client() -> Iterator[libdubbo.Client]:
    c = libdubbo.Client(timeout=5.0)
    yield c
    c.close()
