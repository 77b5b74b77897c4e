#!/usr/bin/env bash
# dubbo2 round trips, every scenario in one run on this machine:
#   bash bench/dubbo2.sh [OUT_DIR] [dubbo2 options: --warmup S --seconds S --only raw,rust-rust,...]
# Builds the bench binary (release) and, when missing or older than its sources, the
# Java peer jar; prints the machine, then the markdown table (also OUT_DIR/table.md).
# Loopback only; every row is bounded in time; the bench and every process it started
# (Rust children, JVMs) are killed on exit, including Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d)}
[ $# -gt 0 ] && shift
mkdir -p "$out"
cd "$root"

cargo build --release --locked -p libdubbo-bench --bin dubbo2

peer=tests/interop/java
jar=${LIBDUBBO_JAVA_PEER_JAR:-$root/$peer/target/dubbo-peer.jar}
# A JVM running from the jar (any path ending in dubbo-peer.jar): rebuilding it under
# a running peer breaks that peer (README of the peer).
jar_in_use() {
  local f
  for f in /proc/[0-9]*/cmdline; do
    if tr '\0' '\n' <"$f" 2>/dev/null | grep -q '/\?dubbo-peer\.jar$'; then return 0; fi
  done
  return 1
}
if [ -z "${LIBDUBBO_JAVA_PEER_JAR:-}" ]; then
  if [ ! -f "$jar" ] || [ -n "$(find "$peer/src" "$peer/pom.xml" -newer "$jar" -print -quit)" ]; then
    if jar_in_use; then
      echo "dubbo2.sh: $jar is stale or missing but a JVM runs from it: not rebuilding" >&2
    else
      mvn -q -B -f "$peer/pom.xml" package -DskipTests
    fi
  fi
fi

{
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "rustc: $(rustc --version); java: $(java -version 2>&1 | head -1)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

# Job control gives the bench its own process group, so the trap can end it and
# everything it started (children inherit the group) by that one id.
set -m
"$root/target/release/dubbo2" --jar "$jar" "$@" >"$out/table.md" &
bench=$!
trap 'kill -KILL -- -"$bench" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
status=0
wait "$bench" || status=$?
cat "$out/table.md"
exit "$status"
