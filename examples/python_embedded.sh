#!/usr/bin/env bash
# The main job: libdubbo for Python is installed (pip install ./bindings-python
# into a virtualenv under target/), a Python provider starts and announces
# itself in the embedded registry (no registry server), and a Python consumer in
# another process finds it there and calls it over the dubbo2 protocol.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/target/python-example-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ -n "${LIBDUBBO_WHEEL:-}" ]; then  # the suite passes the wheel it built
  "$venv/bin/pip" install -q --force-reinstall "$LIBDUBBO_WHEEL"
else
  echo "installing libdubbo for Python (pip install ./bindings-python)"
  "$venv/bin/pip" install -q "$root/bindings-python"
fi
# A registry folder of this run only, so that nothing else on the machine answers.
export LIBDUBBO_REGISTRY_DIR
LIBDUBBO_REGISTRY_DIR=$(mktemp -d)
fifo="$LIBDUBBO_REGISTRY_DIR.stdin"
mkfifo "$fifo"
log=$(mktemp)
"$venv/bin/python" "$root/examples/python/provider.py" <"$fifo" >"$log" 2>&1 &
provider=$!
exec 3>"$fifo"  # the provider serves until this closes
trap 'exec 3>&-; wait $provider 2>/dev/null; rm -rf "$LIBDUBBO_REGISTRY_DIR" "$fifo" "$log"' EXIT
for _ in $(seq 1 300); do
  grep -q '^READY' "$log" && break
  kill -0 $provider 2>/dev/null || { cat "$log"; echo "the Python provider did not start" >&2; exit 1; }
  sleep 0.1
done
grep -q '^READY' "$log" || { cat "$log"; echo "the Python provider was not ready within 30 s" >&2; exit 1; }
echo "Python provider ready on 127.0.0.1:$(sed -n 's/^READY //p' "$log"), announced in the embedded registry"
"$venv/bin/python" "$root/examples/python/consumer.py"
