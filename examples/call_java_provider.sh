#!/usr/bin/env bash
# Python calls Java: start a real Java Dubbo 3.3 provider on a loopback port, install
# libdubbo for Python (pip install ./bindings-python into a virtualenv under
# target/), call the provider from Python over the dubbo2 protocol, print the
# answers, stop the provider.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/.ci/deps.sh"
peer="$root/tests/interop/java"
[ -f "$peer/target/dubbo-peer.jar" ] || mvn -q -B -f "$peer/pom.xml" package -DskipTests
venv="$root/target/python-example-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
echo "installing libdubbo for Python (pip install ./bindings-python)"
"$venv/bin/pip" install -q "$root/bindings-python"
port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp)
java -jar "$peer/target/dubbo-peer.jar" provider "$port" >"$log" 2>&1 &
provider=$!
trap 'kill $provider 2>/dev/null; wait $provider 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 600); do
  grep -q '^READY' "$log" && break
  kill -0 $provider 2>/dev/null || { cat "$log"; echo "the Java provider did not start" >&2; exit 1; }
  sleep 0.1
done
grep -q '^READY' "$log" || { echo "the Java provider was not ready within 60 s" >&2; exit 1; }
echo "Java Dubbo provider ready on 127.0.0.1:$port"
"$venv/bin/python" "$root/examples/python/call_java.py" "dubbo://127.0.0.1:$port"
