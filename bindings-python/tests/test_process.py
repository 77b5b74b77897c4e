"""The process around libdubbo: Ctrl-C in a blocking call, interpreter exit with
live clients and servers, fork, and the core's logs in `logging`."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import libdubbo

from greeter import GREETER, METHODS


def python(code: str, timeout: float = 30, **popen: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=timeout)


def test_ctrl_c_interrupts_a_blocking_call(python_server: libdubbo.Server) -> None:
    code = f"""
        import sys, time, libdubbo
        ref = libdubbo.Client({python_server.url!r}).reference("{GREETER}")
        print("calling", flush=True)
        start = time.monotonic()
        try:
            ref.call("slow", 20000, timeout=30.0, parameter_types=["int"])
        except KeyboardInterrupt:
            print(f"interrupted after {{time.monotonic() - start:.2f}}", flush=True)
            sys.exit(0)
        sys.exit(3)
    """
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "calling"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    waited = float(out.split()[-1])
    assert waited < 2.0, out


def test_exit_with_live_client_and_server_does_not_hang() -> None:
    done = python(
        """
        import libdubbo
        server = libdubbo.Server()
        server.export({"hello": lambda n: "hi " + n}, interface="org.example.Exit")
        client = libdubbo.Client(server.url)
        print(client.reference("org.example.Exit").hello("x"))
        # no close(): the interpreter exits with both alive
        """,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "hi x"
    assert "Traceback" not in done.stderr


def test_exit_while_a_handler_is_busy_does_not_hang() -> None:
    done = python(
        """
        import threading, time, libdubbo
        server = libdubbo.Server()
        server.export({"wait": lambda: time.sleep(30)}, interface="org.example.Busy")
        client = libdubbo.Client(server.url, timeout=60)
        ref = client.reference("org.example.Busy")
        threading.Thread(target=lambda: ref.call("wait"), daemon=True).start()
        time.sleep(0.5)
        print("exiting")
        """,
        timeout=45,
    )
    assert done.returncode == 0, done.stderr
    assert "exiting" in done.stdout


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_fork_child_gets_a_clear_error_and_a_working_new_client(python_server: libdubbo.Server) -> None:
    parent_client = libdubbo.Client(python_server.url)
    ref = parent_client.reference(GREETER, methods=METHODS)
    assert ref.sayHello("parent") == "Hello parent"
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe, never return into pytest
        code = 1
        try:
            try:
                ref.sayHello("inherited")
                message = "inherited call worked"
            except libdubbo.DubboForkError as e:
                assert e.kind == "forked"
                with libdubbo.Client(python_server.url) as fresh:
                    message = fresh.reference(GREETER, methods=METHODS).sayHello("child")
                    code = 0
            os.write(w, message.encode())
        except BaseException as e:  # noqa: BLE001
            os.write(w, repr(e).encode())
        finally:
            os._exit(code)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    message = os.read(r, 4096).decode()
    os.close(r)
    assert os.waitstatus_to_exitcode(status) == 0, message
    assert message == "Hello child"
    assert ref.sayHello("parent again") == "Hello parent again"
    parent_client.close()


def test_core_logs_reach_python_logging(caplog: pytest.LogCaptureFixture) -> None:
    from conftest import free_port

    caplog.set_level(logging.INFO, logger="libdubbo")
    with libdubbo.Client(f"dubbo://127.0.0.1:{free_port()}") as c:
        with pytest.raises(libdubbo.DubboError):
            c.reference(GREETER).call("sayHello", "x", timeout=1.0)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any("connect failed" in r.getMessage() for r in caplog.records):
        time.sleep(0.05)
    records = [r for r in caplog.records if "connect failed" in r.getMessage()]
    assert records, [r.getMessage() for r in caplog.records]
    assert records[0].name.startswith("libdubbo") and records[0].levelno == logging.WARNING
