#!/usr/bin/env bash
# The C ABI's and the Go package's client throughput beside the Rust facade
# client, against one Java Dubbo provider, in one run:
#   bash bench/ffi.sh [OUT_DIR] [WARMUP_S] [SECONDS]
# echoString("0123456789" x 10) with 1 and 64 calls in flight on one shared
# connection; each client in a fresh process; release builds. Prints a
# markdown table (also OUT_DIR/ffi-table.md). Loopback only, bounded in time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d)}
warmup=${2:-3}
seconds=${3:-5}
mkdir -p "$out"
cd "$root"
cargo build --release --locked -p libdubbo-ffi
cargo build --release --locked -p libdubbo-bench --bin dubbo2
jar=${LIBDUBBO_JAVA_PEER_JAR:-$root/tests/interop/java/target/dubbo-peer.jar}
[ -f "$jar" ] || mvn -q -B -f tests/interop/java/pom.xml package -DskipTests
gcc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude bench/c/bench_client.c target/release/libdubbo.a -lpthread -ldl -lm -o "$out/c_bench"
(cd bench/go && go build -tags dubbo_release -o "$out/go_bench" .)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
java -jar "$jar" provider "$port" > "$out/provider.log" 2>"$out/provider.err" &
provider=$!
trap 'kill "$provider" 2>/dev/null || true' EXIT
for _ in $(seq 900); do grep -q '^READY' "$out/provider.log" && break; sleep 0.1; done
grep -q '^READY' "$out/provider.log" || { echo "the Java provider did not start" >&2; exit 1; }
url=dubbo://127.0.0.1:$port

field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$2"; }
row() { # label command...
  local label=$1 line
  shift
  line=$(timeout 120 "$@" | grep '^BENCH' || true)
  [ -n "$line" ] || { echo "| $label | $n | failed | | | |"; return; }
  echo "| $label | $n | $(field calls_per_s "$line") | $(field p50_us "$line") | $(field p99_us "$line") | $(field errors "$line") |"
}

# One throwaway row first: the provider JVM's JIT warms up on it.
"$root/target/release/dubbo2" client-facade "127.0.0.1:$port" string100 64 5 5 > /dev/null
{
  echo "| client → Java provider | in flight | calls/s | p50 µs | p99 µs | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  for n in 1 64; do
    row "Rust (facade)" "$root/target/release/dubbo2" client-facade "127.0.0.1:$port" string100 "$n" "$warmup" "$seconds"
    row "C (dubbo.h, async callbacks)" "$out/c_bench" "$url" "$n" "$warmup" "$seconds"
    row "Go (package dubbo, a goroutine per call in flight)" "$out/go_bench" "$url" "$n" "$warmup" "$seconds"
  done
} | tee "$out/ffi-table.md"
