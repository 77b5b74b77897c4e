#!/usr/bin/env bash
# dubbo2 round trips from Node, beside the Rust client, against one Java Dubbo
# provider, in one run on this machine:
#   bash bench/node.sh [OUT_DIR]    (WARMUP=3 SECONDS_PER_ROW=5 by default)
# Rows: the Rust facade client (target/release/dubbo2 client-facade), libdubbo
# for Node (a release build of bindings-node) and a minimal pure-JS dubbo2
# client on hessian.js (bench/node/bench.js); each at 1 and 64 calls in flight
# on one connection, each in a fresh process, all against the same provider JVM.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
warmup=${WARMUP:-3}
seconds=${SECONDS_PER_ROW:-5}
jar=${LIBDUBBO_JAVA_PEER_JAR:-$root/tests/interop/java/target/dubbo-peer.jar}
cd "$root"
[ -f "$jar" ] || mvn -q -B -f tests/interop/java/pom.xml package -DskipTests
cargo build --release --locked -p libdubbo-bench --bin dubbo2
(cd bindings-node && npm ci --no-audit --no-fund --loglevel=error && npx tsc -p tsconfig.json \
  && npx napi build --release --platform -o "$out/native" --no-js --dts "$out/native/index.d.ts" >/dev/null)
(cd bench/node && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p "$out/modules" && ln -sfn "$root/bindings-node" "$out/modules/libdubbo"
export NODE_PATH="$out/modules" NAPI_RS_NATIVE_LIBRARY_PATH="$out/native/libdubbo.linux-x64-gnu.node"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
java -jar "$jar" provider "$port" >"$out/provider.log" 2>&1 &
provider=$!
trap 'kill "$provider" 2>/dev/null || true' EXIT
for _ in $(seq 120); do grep -q '^READY' "$out/provider.log" && break; sleep 0.5; done
grep -q '^READY' "$out/provider.log" || { echo "the Java provider did not start" >&2; exit 1; }

{
  echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); node $(node --version); $(java -version 2>&1 | head -1)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

row() { # label command...
  local label=$1
  shift
  local line
  line=$("$@" | grep '^BENCH' || true)
  [ -n "$line" ] || { echo "| $label | (failed) |" ; return; }
  local get
  get() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$line"; }
  printf '| %s | %s | %s | %s | %s | %.1f | %s | %s |\n' "$label" "$(get inflight)" "$(get calls_per_s)" "$(get p50_us)" \
    "$(get p99_us)" "$(awk "BEGIN {print $(get rss_kib) / 1024}")" "$(get cpu_us_per_call)" "$(get errors)"
}

{
  echo "| client → Java provider | in flight | calls/s | p50 µs | p99 µs | client RSS MiB | client CPU µs/call | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for n in 1 64; do
    row "Rust (facade)" target/release/dubbo2 client-facade "127.0.0.1:$port" string100 "$n" "$warmup" "$seconds"
    row "Node: libdubbo" node bench/node/bench.js libdubbo "dubbo://127.0.0.1:$port" "$n" "$warmup" "$seconds"
    row "Node: hessian.js over a socket" node bench/node/bench.js hessianjs "dubbo://127.0.0.1:$port" "$n" "$warmup" "$seconds"
  done
} | tee "$out/table.md"
