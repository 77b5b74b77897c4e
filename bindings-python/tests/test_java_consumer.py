"""Java consumers (Dubbo 3's own) call a Python provider: the peer's consumer
mode runs its checks (types, cycles, exceptions with fields, overloads,
attachments both ways, timeouts, oneway, 256 concurrent calls, unknown
services and methods), and its generic mode makes `$invoke` calls."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import libdubbo

from greeter import serve


def run_java(jar: Path, mode: str, url: str, *extra: str) -> str:
    done = subprocess.run(
        ["java", "-jar", str(jar), mode, url, *extra], capture_output=True, text=True, timeout=180
    )
    return done.stdout + done.stderr


def counts(output: str, mode: str) -> tuple[int, int]:
    m = re.search(rf"^java-{mode}: (\d+) passed, (\d+) failed", output, re.M)
    assert m, f"no summary from the Java {mode}:\n{output[-3000:]}"
    return int(m.group(1)), int(m.group(2))


@pytest.mark.parametrize("version,group", [(None, None), ("1.0.0", "py")])
def test_java_consumer_checks_pass_against_python(java_jar: Path, version: str | None, group: str | None) -> None:
    with libdubbo.Server() as server:
        serve(server, version=version, group=group)
        output = run_java(java_jar, "consumer", server.url, version or "-", group or "-")
    passed, failed = counts(output, "consumer")
    failures = [line for line in output.splitlines() if line.startswith("FAIL")]
    assert failed == 0, "\n".join(failures)
    assert passed >= 50
    print(f"java-consumer: {passed} passed, {failed} failed")


def test_java_generic_consumer_against_python(java_jar: Path) -> None:
    with libdubbo.Server() as server:
        serve(server)
        output = run_java(java_jar, "generic", server.url)
    passed, failed = counts(output, "generic")
    failures = [line for line in output.splitlines() if line.startswith("FAIL")]
    assert failed == 0, "\n".join(failures)
    assert passed >= 10
