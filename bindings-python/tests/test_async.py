"""asyncio: calls on the running loop, 64 in flight, cancellation, timeouts."""

from __future__ import annotations

import asyncio

import pytest

import libdubbo
from libdubbo import _aio

from greeter import GREETER, METHODS


@pytest.fixture
def greeter(client: libdubbo.Client, provider_url: str) -> libdubbo.Reference:
    return client.reference(GREETER, url=provider_url, methods=METHODS)


def test_64_calls_in_flight(greeter: libdubbo.Reference) -> None:
    async def main() -> list:
        return await asyncio.gather(*(greeter.call_async("add", i, 1) for i in range(64)))

    assert asyncio.run(main()) == [i + 1 for i in range(64)]


def test_64_slow_calls_overlap(greeter: libdubbo.Reference) -> None:
    async def main() -> tuple:
        loop = asyncio.get_running_loop()
        start = loop.time()
        out = await asyncio.gather(*(greeter.call_async("slow", 200, timeout=10.0) for _ in range(64)))
        return out, loop.time() - start

    out, elapsed = asyncio.run(main())
    assert out == ["slept"] * 64
    assert elapsed < 5, f"64 overlapping 200 ms calls took {elapsed:.1f} s"


def test_async_errors_and_attachments(greeter: libdubbo.Reference) -> None:
    async def main() -> None:
        with pytest.raises(libdubbo.DubboTimeoutError):
            await greeter.call_async("slow", 2000, timeout=0.1)
        with pytest.raises(libdubbo.DubboRemoteError) as info:
            await greeter.call_async("fail", "async boom")
        assert info.value.fields["code"] == 42
        assert await greeter.call_async("attachment", "trace", attachments={"trace": "t-1"}) == "t-1"
        reply = await greeter.invoke_async("echoResponseAttachment", "k", "v")
        assert reply.value == "v" and reply.attachments["k"] == "v"
        await greeter.oneway_async("remember", "async-remembered")
        for _ in range(50):
            if await greeter.call_async("recalled") == "async-remembered":
                break
            await asyncio.sleep(0.05)
        assert await greeter.call_async("recalled") == "async-remembered"

    asyncio.run(main())


def test_cancelling_drops_the_call(greeter: libdubbo.Reference) -> None:
    async def main() -> int:
        task = asyncio.ensure_future(greeter.call_async("slow", 5000, timeout=10.0))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await greeter.call_async("sayHello", "after") == "Hello after"
        bridge = _aio._bridges[asyncio.get_running_loop()]
        return len(bridge.pending)

    assert asyncio.run(main()) == 0


def test_wait_for_timeout_cancels(greeter: libdubbo.Reference) -> None:
    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(greeter.call_async("slow", 3000, timeout=10.0), 0.1)

    asyncio.run(main())


def test_generic_invoke_sync_and_async(greeter: libdubbo.Reference) -> None:
    user = {"class": "org.example.User", "name": "Gen", "age": 3}
    back = greeter.generic("echoUser", ["org.example.User"], [user])
    assert back["name"] == "Gen" and back["age"] == 3

    async def main() -> object:
        return await greeter.generic_async("sayHello", ["java.lang.String"], ["gen"])

    assert asyncio.run(main()) == "Hello gen"


def test_async_handlers_run_on_the_servers_loop(client: libdubbo.Client) -> None:
    async def main() -> list:
        seen = []

        class Service:
            async def hello(self, name: str) -> str:
                seen.append(asyncio.get_running_loop())
                await asyncio.sleep(0.01)
                return f"hi {name}, {libdubbo.current_call().attachments.get('who')}"

        server = libdubbo.Server()  # made inside the loop: async handlers run on it
        try:
            server.export(Service(), interface="org.example.Async")
            ref = client.reference("org.example.Async", url=server.url)
            out = await asyncio.gather(*(ref.call_async("hello", str(i), attachments={"who": "me"}) for i in range(16)))
            assert all(loop is asyncio.get_running_loop() for loop in seen)
            return out
        finally:
            server.close()

    assert asyncio.run(main()) == [f"hi {i}, me" for i in range(16)]
