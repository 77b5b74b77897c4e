"""Discovery from Python: with no registry given, providers and consumers on one
machine find each other through the embedded registry (no server); Java's
load-balancing names apply."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from typing import Callable, Iterator

import pytest

import libdubbo

SERVICE = "org.example.Discovered"

PROVIDER = """
    import sys, libdubbo
    server = libdubbo.Server()
    server.export({"who": lambda: "subprocess"}, interface=%r, version="1.0")
    print("READY", server.port, flush=True)
    sys.stdin.read()
"""


def eventually(check: Callable[[], bool], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


@pytest.fixture
def provider_process() -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(PROVIDER % SERVICE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    yield proc
    proc.kill()
    proc.wait(timeout=10)


def test_provider_and_consumer_in_one_process_find_each_other() -> None:
    with libdubbo.Server() as server, libdubbo.Client() as client:
        server.export({"sayHello": lambda n: f"hi {n}"}, interface="org.example.Local", version="2.0")
        ref = client.reference("org.example.Local", version="2.0", timeout=3.0)
        assert ref.sayHello("there") == "hi there"


def test_a_provider_started_later_is_found_and_a_killed_one_disappears(provider_process: subprocess.Popen) -> None:
    with libdubbo.Client(timeout=2.0) as client:
        ref = client.reference(SERVICE, version="1.0")

        def answers() -> bool:
            try:
                return bool(ref.who() == "subprocess")
            except libdubbo.DubboError:
                return False

        assert provider_process.stdout is not None
        assert provider_process.stdout.readline().startswith("READY")
        assert eventually(answers), "the consumer did not find the provider started after it"
        provider_process.send_signal(signal.SIGKILL)
        provider_process.wait(timeout=10)

        def gone() -> bool:
            try:
                ref.who(timeout=0.5)
                return False
            except libdubbo.DubboNoProviderError:
                return True
            except libdubbo.DubboError:
                return False  # still listed; connection refused

        assert eventually(gone, within=15), "the killed provider was still listed"


def test_roundrobin_spreads_calls_over_providers() -> None:
    with libdubbo.Server() as a, libdubbo.Server() as b, libdubbo.Client() as client:
        a.export({"who": lambda: "a"}, interface="org.example.Spread")
        b.export({"who": lambda: "b"}, interface="org.example.Spread")
        ref = client.reference("org.example.Spread", loadbalance="roundrobin", timeout=3.0)
        assert eventually(lambda: len({ref.who() for _ in range(4)}) == 2, within=5)
        seen = [ref.who() for _ in range(20)]
        assert seen.count("a") == seen.count("b") == 10


def test_failover_moves_past_a_provider_that_is_gone() -> None:
    with libdubbo.Server() as a, libdubbo.Client() as client:
        a.export({"who": lambda: "a"}, interface="org.example.Failover")
        b = libdubbo.Server()
        b.export({"who": lambda: "b"}, interface="org.example.Failover")
        ref = client.reference("org.example.Failover", cluster="failover", retries=2, timeout=3.0)
        assert eventually(lambda: {ref.who() for _ in range(6)} == {"a", "b"}, within=5)
        b.close()  # gone at once, before the registry says so
        assert [ref.who() for _ in range(10)] == ["a"] * 10
