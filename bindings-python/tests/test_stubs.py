"""The shipped type stubs match the runtime (mypy's stubtest), and the package
says it is typed."""

from __future__ import annotations

import importlib.resources
import subprocess
import sys

import pytest


def test_py_typed_and_stubs_are_installed() -> None:
    files = importlib.resources.files("libdubbo")
    assert files.joinpath("py.typed").is_file()
    assert files.joinpath("_native.pyi").is_file()


def test_stubs_match_the_runtime() -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (tests/run.sh installs it)")
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "libdubbo", "--ignore-missing-stub"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_installed_package_is_tested() -> None:
    import os

    import libdubbo

    if os.environ.get("LIBDUBBO_EXPECT_INSTALLED") != "1":
        pytest.skip("not run from an installed wheel (bindings-python/run-tests.sh does that)")
    assert "site-packages" in libdubbo.__file__, libdubbo.__file__
