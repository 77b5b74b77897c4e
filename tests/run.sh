#!/usr/bin/env bash
# The whole test suite (the README's test command): the Rust workspace's tests,
# Hessian2 round trips with Java's hessian-lite in both directions, and a bounded
# fuzz run of the decoder. Needs cargo, java and mvn (`.ci/run` installs them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash .ci/deps.sh fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== build (one build feeds every test)"
cargo build --workspace --all-targets --locked

echo "== hessian-lite (Java) writes its vectors"
bash tests/hessian-lite/peer.sh write "$work/java"

echo "== cargo test (decodes Java's vectors, writes ours for Java)"
if [ ! -d ../shared/vectors/hessian2-java ]; then
  echo "note: ../shared is absent: the Caucho vector test skips; the hessian-lite round trips still run"
fi
LIBDUBBO_HESSIAN_LITE_DIR="$work" cargo test --workspace --locked 2>&1 | tee "$work/cargo-test.log"

echo "== hessian-lite (Java) reads what we wrote"
bash tests/hessian-lite/peer.sh check "$work/rust" | tee "$work/java-check.log"

echo "== fuzz the decoder for a bounded time"
bash fuzz/run.sh "${FUZZ_SECONDS:-60}" "$work/java" | tee "$work/fuzz.log"

# One closing line for the whole suite: cargo's and Java's counts, plus one per
# fuzz target that ran its time out ("Done N runs") without a finding.
passed=$(sed -nE 's/^test result: ok\. ([0-9]+) passed.*/\1/p; s/^hessian-lite: ([0-9]+) passed.*/\1/p; s/^Done [0-9]+ runs.*/1/p' \
  "$work/cargo-test.log" "$work/java-check.log" "$work/fuzz.log" | awk '{n += $1} END {print n}')
echo "suite: $passed passed, 0 failed"
