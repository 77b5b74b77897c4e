#!/usr/bin/env bash
# The C tests of dubbo.h, against target/debug/libdubbo.{a,so} (cargo build first):
#   1. api_errors (error paths, in one process) as C11, as C++17, and linked
#      dynamically through libdubbo.pc (SONAME libdubbo.so.0);
#   2. the C client against the C server (push and pull modes);
#   3. with LIBDUBBO_JAVA_PEER_JAR: the C client against the Java Dubbo provider,
#      and the Java consumer's 53 checks against the C server (push and pull);
#   4. under AddressSanitizer (checked to be linked in), and under valgrind
#      --leak-check=full --error-exitcode=1: api_errors and client <-> server.
# Every program prints `<suite>: N passed, M failed`; any failure fails the script.
# Usage: bash tests/c/run.sh [WORK_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=${1:-$(mktemp -d)}
mkdir -p "$work"
target=${CARGO_TARGET_DIR:-$root/target}/debug
jar=${LIBDUBBO_JAVA_PEER_JAR:-}
export RUST_BACKTRACE=0 # the panic test prints one line, not a trace
[ -e "$target/libdubbo.a" ] || { echo "no $target/libdubbo.a: cargo build -p libdubbo-ffi first" >&2; exit 1; }

cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -g -Iinclude)
cxxflags=(-std=c++17 -Wall -Wextra -Werror -g -Iinclude)
libs=(-lpthread -ldl -lm)
progs=(api_errors greeter_server greeter_client)

echo "== C tests: build (C11, C++17, shared via pkg-config, ASan)"
mkdir -p "$work/lib"
ln -sf "$target/libdubbo.so" "$work/lib/libdubbo.so"
bash ffi/pkg-config.sh "$work/pkgconfig" "$work/lib"
for p in "${progs[@]}"; do
  gcc "${cflags[@]}" "tests/c/$p.c" "$target/libdubbo.a" "${libs[@]}" -o "$work/$p"
  g++ "${cxxflags[@]}" -x c++ "tests/c/$p.c" -x none "$target/libdubbo.a" "${libs[@]}" -o "$work/$p-cpp"
  gcc "${cflags[@]}" -fsanitize=address -fno-omit-frame-pointer "tests/c/$p.c" "$target/libdubbo.a" "${libs[@]}" -o "$work/$p-asan"
done
# shellcheck disable=SC2046
gcc "${cflags[@]}" tests/c/api_errors.c $(PKG_CONFIG_PATH="$work/pkgconfig" pkg-config --cflags --libs libdubbo) \
  -lpthread -Wl,-rpath,"$work/lib" -o "$work/api_errors-shared"
readelf -d "$work/api_errors-shared" > "$work/readelf.txt"
grep -q 'NEEDED.*libdubbo.so.0' "$work/readelf.txt" || { echo "FAIL: not linked against libdubbo.so.0" >&2; exit 1; }
nm "$work/api_errors-asan" > "$work/nm.txt"
grep -q __asan_init "$work/nm.txt" || { echo "FAIL: AddressSanitizer is not linked in" >&2; exit 1; }
echo "built: C11, C++17, shared (NEEDED libdubbo.so.0), ASan (__asan_init present)"

vg=(valgrind -q --suppressions=tests/c/valgrind.supp --child-silent-after-fork=yes --leak-check=full --error-exitcode=1)

# Runs a program that prints a summary; fails the script unless it exits 0.
run() {
  local label=$1
  shift
  echo "-- $label"
  if ! timeout 300 "$@" > "$work/out.log" 2>"$work/err.log"; then
    cat "$work/out.log" "$work/err.log"
    echo "FAIL: $label" >&2
    exit 1
  fi
  grep -v '^ok ' "$work/out.log" | sed "s/\$/ [$label]/"
}

# Starts a C server (`server MODE` words), waits for READY; sets srv_pid, srv_port.
start_server() {
  local log=$work/server.log
  : > "$log"
  "$@" > "$log" 2>"$work/server.err" &
  srv_pid=$!
  for _ in $(seq 600); do
    grep -q '^READY' "$log" && break
    kill -0 "$srv_pid" 2>/dev/null || break
    sleep 0.1
  done
  srv_port=$(awk '/^READY/{print $2}' "$log")
  [ -n "$srv_port" ] || { cat "$log" "$work/server.err"; echo "FAIL: the C server did not start" >&2; exit 1; }
}

# Stops it (SIGTERM: graceful shutdown, then every handle freed) and checks its exit.
stop_server() {
  local label=$1
  kill -TERM "$srv_pid"
  if ! wait "$srv_pid"; then
    cat "$work/server.log" "$work/server.err"
    echo "FAIL: $label: the C server exited badly" >&2
    exit 1
  fi
  echo "c-server: 1 passed, 0 failed ($label: clean shutdown)"
}

echo "== C tests: error paths"
run "api_errors" "$work/api_errors"
run "api_errors C++" "$work/api_errors-cpp"
run "api_errors shared" "$work/api_errors-shared"

echo "== C tests: C client <-> C server"
start_server "$work/greeter_server" push
run "C client -> C server (push)" "$work/greeter_client" "dubbo://127.0.0.1:$srv_port"
stop_server "push"
start_server "$work/greeter_server-cpp" pull
run "C++ client -> C++ server (pull)" "$work/greeter_client-cpp" "dubbo://127.0.0.1:$srv_port"
stop_server "pull"

if [ -n "$jar" ]; then
  echo "== C tests: with Java Dubbo"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  java -jar "$jar" provider "$port" > "$work/java-provider.log" 2>"$work/java-provider.err" &
  java_pid=$!
  for _ in $(seq 900); do
    grep -q '^READY' "$work/java-provider.log" && break
    kill -0 "$java_pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^READY' "$work/java-provider.log" || { cat "$work/java-provider.err"; echo "FAIL: the Java provider did not start" >&2; exit 1; }
  run "C client -> Java provider" "$work/greeter_client" "dubbo://127.0.0.1:$port"
  kill "$java_pid"
  wait "$java_pid" || true
  for mode in push pull; do
    start_server "$work/greeter_server" "$mode"
    run "Java consumer -> C server ($mode)" java -jar "$jar" consumer "dubbo://127.0.0.1:$srv_port"
    stop_server "$mode, Java consumer"
  done
else
  echo "SKIP: LIBDUBBO_JAVA_PEER_JAR is not set: no Java interop from C"
fi

echo "== C tests: AddressSanitizer (with LeakSanitizer)"
run "api_errors ASan" "$work/api_errors-asan"
start_server "$work/greeter_server-asan" push
run "C client -> C server, ASan" "$work/greeter_client-asan" "dubbo://127.0.0.1:$srv_port"
stop_server "push, ASan"

if command -v valgrind >/dev/null; then
  echo "== C tests: valgrind --leak-check=full"
  run "api_errors valgrind" "${vg[@]}" "$work/api_errors"
  start_server "${vg[@]}" "$work/greeter_server" pull
  run "C client -> C server, valgrind" "${vg[@]}" "$work/greeter_client" "dubbo://127.0.0.1:$srv_port"
  stop_server "pull, valgrind"
else
  echo "FAIL: valgrind is missing (.ci/deps.sh installs it)" >&2
  exit 1
fi
echo "c-tests: all passed"
