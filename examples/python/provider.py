"""A Python Dubbo provider of org.example.Greeter, announced in the embedded
registry (the default: no registry server). `consumer.py` finds it.
`python examples/python/provider.py` prints `READY <port>` and serves until
stdin closes or Ctrl-C."""

import asyncio
import dataclasses
import sys

import libdubbo


@libdubbo.java_class("org.example.User")
@dataclasses.dataclass
class User:
    name: str
    age: int


class Greeter:
    def sayHello(self, name: str) -> str:
        return f"Hello {name}, from a Python provider"

    def add(self, a: int, b: int) -> int:
        return a + b

    def older(self, user: User) -> User:
        return User(user.name, user.age + 1)

    def fail(self, message: str) -> None:
        # A declared business exception: Java consumers catch it by type.
        raise libdubbo.JavaException("org.example.GreeterException", message, code=42)

    async def slow(self, millis: int) -> str:
        await asyncio.sleep(millis / 1000)
        return f"slept {millis} ms"


def main() -> None:
    with libdubbo.Server(application="greeter-provider") as server:
        server.export(
            Greeter(),
            interface="org.example.Greeter",
            version="1.0.0",
            methods={
                "sayHello": ["java.lang.String"],
                "add": ["int", "int"],
                "older": ["org.example.User"],
                "fail": ["java.lang.String"],
                "slow": ["int"],
            },
        )
        print("READY", server.port, flush=True)
        try:
            sys.stdin.read()
        except KeyboardInterrupt:
            pass
        server.shutdown()


if __name__ == "__main__":
    main()
