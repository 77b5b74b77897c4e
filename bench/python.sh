#!/usr/bin/env bash
# Python clients of dubbo2 against one provider, every cell in one run on this machine:
#   bash bench/python.sh [OUT_DIR] [--warmup S] [--seconds S] [--rounds N] [--idle-wait S] [--no-java]
# Cells (echoString of a 100-char string, loopback): the Rust client (`dubbo2 client`,
# transport and facade) at 1 and 64 in flight, the libdubbo Python binding sync (1 in
# flight) and asyncio (64 in flight on one Client), and the pure-Python dubbo2 clients
# from PyPI that work direct-connect (dubbo-ssl-python, dubbo-python, dubbo-py), at 1.
# All against the same release `greeter_provider`, then (unless --no-java, or the jar
# is missing) the same against one Java peer provider JVM.
# Builds: the bench binary and the provider (release), a release wheel of the binding
# into target/pybench/venv, each pure-Python client into its own venv under
# target/pybench/ (installed from PyPI with pip once). Prints the table (also
# OUT_DIR/table.md). Every cell is bounded in time; every process it starts is killed
# on exit, including Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d)}
[ $# -gt 0 ] && shift
java=1
args=()
for a in "$@"; do
  if [ "$a" = --no-java ]; then java=0; else args+=("$a"); fi
done
mkdir -p "$out"
cd "$root"

cargo build --release --locked -p libdubbo-bench --bin dubbo2
cargo build --release --locked -p libdubbo-examples --bin greeter_provider

work=$root/target/pybench
py=${PYTHON:-python3}
mkdir -p "$work"
if [ ! -x "$work/venv/bin/maturin" ]; then
  "$py" -m venv "$work/venv"
  "$work/venv/bin/pip" install -q maturin
fi
rm -rf "$work/wheel"
"$work/venv/bin/maturin" build -q --release --manifest-path bindings-python/Cargo.toml --out "$work/wheel"
"$work/venv/bin/pip" install -q --force-reinstall --no-deps "$work"/wheel/libdubbo-*.whl

# name=pip requirement(s); dubbo-python 0.0.4 imports nacos at import time, and
# nacos-sdk-python 1.x+ moved its module, hence the pin.
pure=(
  "dubbo-ssl-python=dubbo-ssl-python==0.9.6"
  "dubbo-python=dubbo-python==0.0.4 nacos-sdk-python==0.1.14"
  "dubbo-py=dubbo-py==0.2.2"
)
pure_args=()
for spec in "${pure[@]}"; do
  name=${spec%%=*}
  reqs=${spec#*=}
  v=$work/pure-$name
  if [ ! -f "$v/.installed" ]; then
    rm -rf "$v"
    "$py" -m venv "$v"
    # shellcheck disable=SC2086
    if "$v/bin/pip" install -q $reqs; then touch "$v/.installed"; else
      echo "python.sh: $name does not install; its row is left out" >&2
      continue
    fi
  fi
  pure_args+=(--pure "$name=$v/bin/python")
done

jar=${LIBDUBBO_JAVA_PEER_JAR:-$root/tests/interop/java/target/dubbo-peer.jar}
jar_args=()
if [ "$java" = 1 ]; then
  if [ -f "$jar" ]; then jar_args=(--jar "$jar"); else echo "python.sh: no $jar: Java rows left out" >&2; fi
fi

{
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "python: $("$work/venv/bin/python" --version 2>&1); rustc: $(rustc --version); java: $(java -version 2>&1 | head -1)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

set -m
python3 "$root/bench/python/run.py" --dubbo2 "$root/target/release/dubbo2" \
  --provider "$root/target/release/greeter_provider" --python "$work/venv/bin/python" \
  "${pure_args[@]}" "${jar_args[@]}" --out "$out" "${args[@]}" >"$out/run.log" &
bench=$!
trap 'kill -TERM "$bench" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
status=0
wait "$bench" || status=$?
trap - EXIT
cat "$out/table.md" 2>/dev/null || true
exit "$status"
