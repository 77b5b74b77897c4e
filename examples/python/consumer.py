"""A Python Dubbo consumer: with no registry given it finds the provider of
org.example.Greeter through the embedded registry (provider.py, or any
libdubbo provider on this machine) and calls it, sync and with asyncio."""

import asyncio
import dataclasses

import libdubbo


@libdubbo.java_class("org.example.User")
@dataclasses.dataclass
class User:
    name: str
    age: int


def main() -> None:
    with libdubbo.Client(application="greeter-consumer", timeout=3.0) as client:
        greeter = client.reference(
            "org.example.Greeter",
            version="1.0.0",
            methods={
                "sayHello": ["java.lang.String"],
                "add": ["int", "int"],
                "older": ["org.example.User"],
                "slow": ["int"],  # int, not Integer: the provider declared it so
            },
        )
        print("sayHello ->", repr(greeter.sayHello("world")))
        print("add ->", greeter.add(40, 2))
        print("older ->", greeter.older(User("Ada", 36)))
        try:
            greeter.fail("on purpose")
        except libdubbo.DubboRemoteError as e:
            print(f"fail -> {e.java_class} (code={e.fields['code']}): {e.java_message}")

        async def concurrently() -> list:
            return await asyncio.gather(*(greeter.call_async("slow", 100) for _ in range(64)))

        replies = asyncio.run(concurrently())
        print(f"64 asyncio calls of slow(100) at once -> {len(replies)} x {replies[0]!r}")


if __name__ == "__main__":
    main()
