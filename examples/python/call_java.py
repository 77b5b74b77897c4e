"""The main job: Python calls a Java Dubbo provider of org.example.Greeter
(tests/interop/java) over the dubbo2 protocol and prints what Java answered,
sync and with asyncio. `examples/call_java_provider.sh` starts the provider and
runs this: `python examples/python/call_java.py dubbo://127.0.0.1:PORT`."""

import asyncio
import dataclasses
import sys
from decimal import Decimal

import libdubbo


@libdubbo.java_class("org.example.User")
@dataclasses.dataclass
class User:
    name: str
    age: int


def main(url: str) -> None:
    with libdubbo.Client(url, timeout=3.0) as client:
        greeter = client.reference(
            "org.example.Greeter",
            methods={
                "sayHello": ["java.lang.String"],
                "add": ["int", "int"],
                "echoDecimal": ["java.math.BigDecimal"],
                "wrap": ["org.example.User"],
                "fail": ["java.lang.String"],
            },
        )
        print("java answered sayHello ->", repr(greeter.sayHello("from Python")))
        print("java answered add ->", greeter.add(40, 2))
        print("java answered echoDecimal ->", repr(greeter.echoDecimal(Decimal("3.14159"))))
        print("java answered wrap ->", greeter.wrap(User("Ada", 36)))
        try:
            greeter.fail("a declared exception")
        except libdubbo.DubboRemoteError as e:
            print(f"java answered fail -> {e.java_class} (code={e.fields.get('code')}): {e.java_message}")

        async def many() -> list:
            return await asyncio.gather(*(greeter.call_async("add", i, i) for i in range(64)))

        sums = asyncio.run(many())
        print(f"java answered 64 async adds at once -> {sums[:4]} ... {sums[-1]}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dubbo://127.0.0.1:20880")
