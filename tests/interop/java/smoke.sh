#!/usr/bin/env bash
# Java <-> Java smoke test of the interop peer: builds target/dubbo-peer.jar if it is missing
# or older than its sources, starts the provider on a free loopback port, runs the consumer
# and the generic consumer against it, stops the provider. Exits non-zero on any failure.
#
#   tests/interop/java/smoke.sh                       # the pom's Dubbo (3.3.x)
#   DUBBO_VERSION=3.2.19 tests/interop/java/smoke.sh  # another Dubbo, jar target/dubbo-peer-3.2.19.jar
#   SMOKE_BENCH=1 tests/interop/java/smoke.sh         # also a 2 s bench of each kind (~15 s more)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ -n "${DUBBO_VERSION:-}" ]; then
  jar_name="dubbo-peer-$DUBBO_VERSION.jar"
  mvn_args=(-Ddubbo.version="$DUBBO_VERSION" -Dpeer.jar="$jar_name")
else
  jar_name="dubbo-peer.jar"
  mvn_args=()
fi
jar="$here/target/$jar_name"

if [ ! -f "$jar" ] || [ -n "$(find "$here/src" "$here/pom.xml" -newer "$jar" 2>/dev/null | head -1)" ]; then
  echo "smoke: building $jar_name"
  log=$(mktemp)
  if ! mvn -q -B -Dstyle.color=never -f "$here/pom.xml" package -DskipTests ${mvn_args[@]+"${mvn_args[@]}"} >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "smoke: the build failed" >&2
    exit 1
  fi
  rm -f "$log"
fi

# A free loopback port: ask the kernel (python3), else probe random ports with bash.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "smoke: no free port found" >&2
  return 1
}

work=$(mktemp -d)
provider_pid=
cleanup() {
  if [ -n "$provider_pid" ] && kill -0 "$provider_pid" 2>/dev/null; then
    kill "$provider_pid" 2>/dev/null || true
    # bounded wait for Dubbo's shutdown hook, then force
    for _ in $(seq 1 50); do kill -0 "$provider_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$provider_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
java -jar "$jar" provider "$port" >"$work/provider.out" 2>"$work/provider.err" &
provider_pid=$!

deadline=$((SECONDS + 60))
until grep -q "^READY $port\$" "$work/provider.out" 2>/dev/null; do
  if ! kill -0 "$provider_pid" 2>/dev/null; then
    echo "smoke: the provider exited before READY; its stderr:" >&2
    tail -n 40 "$work/provider.err" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "smoke: no READY from the provider within 60 s; its stderr:" >&2
    tail -n 40 "$work/provider.err" >&2
    exit 1
  fi
  sleep 0.1
done
echo "smoke: provider READY on 127.0.0.1:$port"

status=0
for mode in consumer generic; do
  # each main bounds itself (3 s per call, 120 s watchdog); `timeout` is a last resort
  if ! timeout 180 java -jar "$jar" "$mode" "dubbo://127.0.0.1:$port" 2>"$work/$mode.err"; then
    status=1
    echo "smoke: $mode failed; its stderr (tail):" >&2
    tail -n 40 "$work/$mode.err" >&2
  fi
done

if [ -n "${SMOKE_BENCH:-}" ]; then
  for kind in string100 pojo1k; do
    if ! timeout 120 java -jar "$jar" bench "dubbo://127.0.0.1:$port" "$kind" 64 2 2>"$work/bench.err"; then
      status=1
      echo "smoke: bench $kind failed; its stderr (tail):" >&2
      tail -n 40 "$work/bench.err" >&2
    fi
  done
fi

if ! kill -0 "$provider_pid" 2>/dev/null; then
  echo "smoke: the provider died during the run" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "smoke: provider stderr (tail):" >&2
  tail -n 40 "$work/provider.err" >&2
  echo "smoke: FAILED ($jar_name)"
  exit 1
fi
echo "smoke: ok ($jar_name)"
