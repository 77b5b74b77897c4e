"""Every error kind a Python user can meet, with its class, kind and details."""

from __future__ import annotations

import threading
import time

import pytest

import libdubbo
from libdubbo import _native

from conftest import free_port
from greeter import GREETER, METHODS


@pytest.fixture
def greeter(client: libdubbo.Client, provider_url: str) -> libdubbo.Reference:
    return client.reference(GREETER, url=provider_url, methods=METHODS)


def test_timeout(greeter: libdubbo.Reference) -> None:
    with pytest.raises(libdubbo.DubboTimeoutError) as info:
        greeter.call("slow", 3000, timeout=0.2)
    assert info.value.kind == "timeout" and isinstance(info.value, TimeoutError)
    assert greeter.sayHello("after") == "Hello after"  # the connection is still good


def test_java_exception_carries_class_message_fields(greeter: libdubbo.Reference) -> None:
    with pytest.raises(libdubbo.DubboRemoteError) as info:
        greeter.fail("boom")
    e = info.value
    assert e.kind == "remote_exception"
    assert e.java_class == "org.example.GreeterException"
    assert e.java_message == "boom"
    assert e.fields["code"] == 42
    with pytest.raises(libdubbo.DubboRemoteError) as info:
        greeter.failRuntime("bad state")
    assert info.value.java_class == "java.lang.IllegalStateException"


def test_java_stack_trace(client: libdubbo.Client, java_provider) -> None:  # type: ignore[no-untyped-def]
    greeter = client.reference(GREETER, url=java_provider.url, methods=METHODS)
    with pytest.raises(libdubbo.DubboRemoteError) as info:
        greeter.fail("x")
    assert any("GreeterImpl.fail" in frame for frame in info.value.remote_stack)


def test_unknown_method_is_a_server_error(client: libdubbo.Client, java_provider) -> None:  # type: ignore[no-untyped-def]
    greeter = client.reference(GREETER, url=java_provider.url)
    with pytest.raises(libdubbo.DubboError) as info:
        greeter.call("noSuchMethod", "x")
    assert info.value.kind in ("remote_server", "remote_exception")
    assert "noSuchMethod" in str(info.value)


def test_unknown_service_status(client: libdubbo.Client, provider_url: str) -> None:
    missing = client.reference("org.example.Missing", url=provider_url)
    with pytest.raises(libdubbo.DubboServerError) as info:
        missing.call("anything")
    assert info.value.kind == "remote_server" and info.value.status is not None


def test_no_provider() -> None:
    with libdubbo.Client() as c, pytest.raises(libdubbo.DubboNoProviderError) as info:
        c.reference("org.example.NobodyServesThis").call("x", timeout=0.5)  # embedded registry: nobody
    assert info.value.kind == "no_provider"
    with libdubbo.Client("N/A") as c, pytest.raises(libdubbo.DubboNoProviderError):
        c.reference(GREETER)  # no registry and no URL


def test_connection_refused_is_a_network_error() -> None:
    with libdubbo.Client(f"dubbo://127.0.0.1:{free_port()}", connect_timeout=2.0) as c:
        with pytest.raises((libdubbo.DubboConnectionError, libdubbo.DubboTimeoutError)) as info:
            c.reference(GREETER).call("sayHello", "x", timeout=2.0)
    assert info.value.kind in ("network", "timeout")


def test_oversized_request_is_refused_before_sending(provider_url: str) -> None:
    with libdubbo.Client(provider_url, payload=4096) as c:
        ref = c.reference(GREETER, methods=METHODS)
        with pytest.raises(libdubbo.DubboError) as info:
            ref.echoString("x" * 10_000)
        assert info.value.kind in ("codec", "invalid_argument")
        assert ref.sayHello("small") == "Hello small"


def test_too_many_calls_in_flight_is_overloaded(provider_url: str) -> None:
    with libdubbo.Client(provider_url, max_in_flight=1, timeout=5.0) as c:
        ref = c.reference(GREETER, methods=METHODS)
        assert ref.sayHello("warm") == "Hello warm"  # connected
        busy = threading.Thread(target=lambda: ref.slow(500))
        busy.start()
        time.sleep(0.2)
        with pytest.raises(libdubbo.DubboOverloadedError) as info:
            ref.sayHello("one too many")
        busy.join(timeout=5)
    assert info.value.kind == "overloaded"


def test_calls_after_close(provider_url: str) -> None:
    c = libdubbo.Client(provider_url)
    ref = c.reference(GREETER, methods=METHODS)
    assert ref.sayHello("a") == "Hello a"
    c.close()
    with pytest.raises(libdubbo.DubboClosedError) as info:
        ref.sayHello("b")
    assert info.value.kind == "closed"


def test_bad_arguments() -> None:
    with pytest.raises(libdubbo.DubboInvalidArgumentError):
        libdubbo.Client("dubbo://127.0.0.1:1", timeout=-1.0)
    with libdubbo.Client("dubbo://127.0.0.1:1") as c:
        with pytest.raises(libdubbo.DubboInvalidArgumentError):
            c.reference(GREETER, methods={"x": [""]})
        with pytest.raises(libdubbo.DubboInvalidArgumentError):
            c.reference(GREETER).call("x", parameter_types=["int"])  # 0 args for 1 type
    with pytest.raises(libdubbo.DubboInvalidArgumentError):
        libdubbo.Server(host="localhost")  # an IP address is required


def test_a_python_handler_error_reaches_the_consumer_as_runtime_exception(client: libdubbo.Client) -> None:
    def broken(x: str) -> str:
        raise KeyError(x)

    with libdubbo.Server() as server:
        server.export({"boom": broken}, interface="org.example.Broken")
        ref = client.reference("org.example.Broken", url=server.url)
        with pytest.raises(libdubbo.DubboRemoteError) as info:
            ref.boom("key")
    assert info.value.java_class == "java.lang.RuntimeException"
    assert "KeyError" in str(info.value) and "key" in str(info.value)


def test_a_result_java_cannot_take_fails_the_call(client: libdubbo.Client) -> None:
    with libdubbo.Server() as server:
        server.export({"bad": lambda: object()}, interface="org.example.Bad")
        with pytest.raises(libdubbo.DubboRemoteError, match="cannot be sent"):
            client.reference("org.example.Bad", url=server.url).bad()


def test_a_panic_is_an_exception_not_a_crash() -> None:
    with pytest.raises(BaseException) as info:
        _native._panic_for_test()
    assert "panic" in str(info.value)
    assert threading.active_count() >= 1  # still here


def test_blocking_calls_release_the_gil(provider_url: str) -> None:
    # Eight threads each wait 300 ms on a slow call; holding the GIL would serialise them.
    with libdubbo.Client(provider_url, timeout=10.0) as c:
        ref = c.reference(GREETER, methods=METHODS)
        results: list = []
        threads = [threading.Thread(target=lambda: results.append(ref.slow(300))) for _ in range(8)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        elapsed = time.monotonic() - start
    assert results == ["slept"] * 8
    assert elapsed < 1.8, f"8 concurrent 300 ms calls took {elapsed:.2f} s"
