#!/usr/bin/env bash
# Installs what the project's commands need on a fresh machine, and nothing that
# is already there: a JDK, Maven, ZooKeeper and Node.js (Debian packages), and with `fuzz`
# cargo-fuzz (and a nightly toolchain for ASan, when rustup can get one).
# Idempotent; quiet when all is present.
set -euo pipefail
need() { command -v "$1" >/dev/null 2>&1; }
if ! need java || ! need mvn; then
  echo "installing a JDK and Maven (apt)"
  apt-get update -qq && apt-get install -y -qq default-jdk-headless maven >/dev/null
fi
# ZooKeeper (Debian's package) for the registry tests; they start their own server.
if [ ! -f /usr/share/java/zookeeper.jar ]; then
  echo "installing ZooKeeper (apt)"
  apt-get update -qq && apt-get install -y -qq zookeeper >/dev/null
fi
if ! need node || ! need npm; then
  echo "installing Node.js and npm (apt)"
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
# @napi-rs/cli 3 needs node >= 20.17 (Debian's nodejs may be older: then install a newer one).
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 17) ? 0 : 1)' \
  || { echo "node >= 20.17 is required for bindings-node (found $(node --version))" >&2; exit 1; }
need cargo || { echo "cargo is required (https://rustup.rs)" >&2; exit 1; }
if [ "${1:-}" = fuzz ]; then
  if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal || echo "no nightly: fuzz/run.sh will use stable"
  fi
  need cargo-fuzz || cargo install cargo-fuzz --locked
fi
