"""One measuring cell of `bench/python.sh`: a Python dubbo2 client calling
`org.example.Greeter.echoString("0123456789" x 10)` on a provider, printing one
line in the format of `target/release/dubbo2 client`:

    BENCH kind=string100 inflight=N calls=C seconds=S calls_per_s=X p50_us=P p99_us=Q errors=E rss_kib=R cpu_us_per_call=U

    python measure.py CLIENT HOST:PORT INFLIGHT WARMUP_S SECONDS

CLIENT is one of:

- `libdubbo-sync` (INFLIGHT 1): `ref.call` in a loop;
- `libdubbo-async` (any INFLIGHT): INFLIGHT coroutines under one `asyncio.gather`,
  each awaiting `ref.call_async` in a loop, all on one `Client` (one connection);
- `dubbo-ssl-python`, `dubbo-python`, `dubbo-py` (INFLIGHT 1): pure-Python clients
  from PyPI, each in its own venv (two of them install a top-level `dubbo`), called
  through their public API, direct-connect (no registry).

Warm-up: WARMUP_S seconds (and at most 200,000 calls), then SECONDS of measurement
(at most 2,000,000 calls). Every reply is compared with what was sent; a failed or
wrong call counts as an error (the first one is printed to stderr). Latency is per
call (start to reply), from `time.perf_counter_ns`. CPU is this process's user +
system time over the measured window (`os.times`), per call.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

SERVICE = "org.example.Greeter"
METHOD = "echoString"
PAYLOAD = "0123456789" * 10
WARMUP_MAX_CALLS = 200_000
MEASURE_MAX_CALLS = 2_000_000


class Stats:
    def __init__(self) -> None:
        self.lat_ns: list[int] = []
        self.errors = 0
        self.first_error: str | None = None

    def error(self, what: object) -> None:
        self.errors += 1
        if self.first_error is None:
            self.first_error = repr(what)[:500]


def cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def rss_kib() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def quantile_us(sorted_ns: list[int], q: float) -> float:
    if not sorted_ns:
        return 0.0
    return sorted_ns[min(len(sorted_ns) - 1, int(q * len(sorted_ns)))] / 1000.0


# ---------------------------------------------------------------- sync loops


def sync_phase(call, seconds: float, max_calls: int) -> tuple[Stats, float]:
    """`call()` in a loop for `seconds` (at most `max_calls`); returns the stats and the time taken."""
    st = Stats()
    lat = st.lat_ns
    clock = time.perf_counter_ns
    start = clock()
    end = start + int(seconds * 1e9)
    n = 0
    now = start
    while now < end and n < max_calls:
        try:
            reply = call()
            done = clock()
            if reply != PAYLOAD:
                st.error(("wrong reply", reply))
        except Exception as e:  # noqa: BLE001 - counted, first one reported
            done = clock()
            st.error(e)
        lat.append(done - now)
        now = done
        n += 1
    return st, (now - start) / 1e9


def sync_caller(client: str, addr: str):
    host, port = addr.rsplit(":", 1)
    if client == "libdubbo-sync":
        import libdubbo

        c = libdubbo.Client(f"dubbo://{addr}", timeout=5.0)
        ref = c.reference(SERVICE, methods={METHOD: ["java.lang.String"]})
        call = ref.call
        return lambda: call(METHOD, PAYLOAD)
    if client in ("dubbo-ssl-python", "dubbo-python"):
        # The same code base (dubbo-python2's): DubboClient(interface, ..., host=) direct-connect;
        # version '' as the provider exports no version (their default is '1.0.0').
        if client == "dubbo-ssl-python":
            from dubbo_ssl.client import DubboClient

            c = DubboClient(SERVICE, None, version="", host=addr)
        else:
            from dubbo.client import DubboClient

            c = DubboClient(SERVICE, version="", host=addr)
        call = c.call
        return lambda: call(METHOD, PAYLOAD, timeout=5)
    if client == "dubbo-py":
        from dubbo.client import DubboClient

        # It derives parameter types from type(arg).__name__ ('str' -> 'S', which no Java
        # method has), so the argument goes as a str subclass named after the Java type.
        jstring = type("java.lang.String", (str,), {})
        arg = [jstring(PAYLOAD)]
        attachment = {"path": SERVICE, "interface": SERVICE}
        c = DubboClient(host, int(port))
        send = c.send_request_and_return_response

        def call():
            r = send(service_name=SERVICE, method_name=METHOD, args=arg, service_version="", attachment=attachment)
            if r.status != 20:
                raise RuntimeError(f"status {r.status}: {r.error}")
            return r.data

        return call
    raise SystemExit(f"unknown client {client!r}")


# ---------------------------------------------------------------- asyncio


async def async_phase(ref, inflight: int, seconds: float, max_calls: int) -> tuple[Stats, float]:
    st = Stats()
    lat = st.lat_ns
    clock = time.perf_counter_ns
    start = clock()
    end = start + int(seconds * 1e9)
    count = [0]
    call_async = ref.call_async

    async def worker() -> None:
        now = clock()
        while now < end and count[0] < max_calls:
            count[0] += 1
            try:
                reply = await call_async(METHOD, PAYLOAD)
                done = clock()
                if reply != PAYLOAD:
                    st.error(("wrong reply", reply))
            except Exception as e:  # noqa: BLE001
                done = clock()
                st.error(e)
            lat.append(done - now)
            now = done

    await asyncio.gather(*(worker() for _ in range(inflight)))
    return st, (clock() - start) / 1e9


async def async_main(addr: str, inflight: int, warmup: float, seconds: float):
    import libdubbo

    c = libdubbo.Client(f"dubbo://{addr}", timeout=5.0)
    ref = c.reference(SERVICE, methods={METHOD: ["java.lang.String"]})
    await async_phase(ref, inflight, warmup, WARMUP_MAX_CALLS)
    cpu0 = cpu_s()
    st, took = await async_phase(ref, inflight, seconds, MEASURE_MAX_CALLS)
    return st, took, cpu_s() - cpu0


# ---------------------------------------------------------------- main


def main() -> None:
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    client, addr, inflight, warmup, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    if not (0 < seconds <= 60 and 0 <= warmup <= 60 and 1 <= inflight <= 1024):
        raise SystemExit("seconds in (0, 60], warm-up in [0, 60], in flight in [1, 1024]")
    if client == "libdubbo-async":
        st, took, cpu = asyncio.run(async_main(addr, inflight, warmup, seconds))
    else:
        if inflight != 1:
            raise SystemExit(f"{client}: sync clients run 1 in flight")
        call = sync_caller(client, addr)
        sync_phase(call, warmup, WARMUP_MAX_CALLS)
        cpu0 = cpu_s()
        st, took = sync_phase(call, seconds, MEASURE_MAX_CALLS)
        cpu = cpu_s() - cpu0
    calls = len(st.lat_ns)
    st.lat_ns.sort()
    if st.first_error:
        print(f"measure.py: first error of {client}: {st.first_error}", file=sys.stderr)
    print(
        f"BENCH kind=string100 inflight={inflight} calls={calls} seconds={took:.2f} "
        f"calls_per_s={calls / took:.0f} p50_us={quantile_us(st.lat_ns, 0.5):.1f} "
        f"p99_us={quantile_us(st.lat_ns, 0.99):.1f} errors={st.errors} rss_kib={rss_kib()} "
        f"cpu_us_per_call={cpu * 1e6 / max(calls, 1):.1f}",
        flush=True,
    )
    # Pure-Python clients leave non-daemon threads (connection pools, heartbeats) behind.
    os._exit(0)


if __name__ == "__main__":
    main()
