#!/usr/bin/env bash
# The Python suite as a user meets it: build the wheel, install it into a fresh
# virtualenv, run pytest from outside the source tree against the Rust Greeter
# provider and the Java Dubbo peer (both must be built: tests/run.sh does).
# Usage: bindings-python/run-tests.sh WORKDIR JAVA_PEER_JAR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$1
jar=$2
venv="$work/py"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q "maturin>=1.16,<2" pytest mypy
"$venv/bin/maturin" build -q --manifest-path "$root/bindings-python/Cargo.toml" --out "$work/wheels"
"$venv/bin/pip" install -q "$work"/wheels/libdubbo-*.whl
cd "$work"
LIBDUBBO_REQUIRE_PEERS=1 LIBDUBBO_EXPECT_INSTALLED=1 \
  LIBDUBBO_JAVA_PEER_JAR="$jar" LIBDUBBO_RUST_PROVIDER="$root/target/debug/greeter_provider" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/bindings-python/tests"
