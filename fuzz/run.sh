#!/usr/bin/env bash
# A bounded cargo-fuzz run of the Hessian2 decoder: `fuzz/run.sh SECONDS [SEED_DIR...]`.
# Seeds: Java-written vectors from ../shared (when present) and any given dirs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
shift || true
toolchain=+nightly
rustup toolchain list 2>/dev/null | grep -q '^nightly' || toolchain=""
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
seeds=("$@")
[ -d "$here/../../shared/vectors/hessian2-java" ] && seeds+=("$here/../../shared/vectors/hessian2-java")
cd "$here"
cargo $toolchain fuzz run hessian2_decode "$corpus" "${seeds[@]}" -- \
  -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 2>&1 | tail -25
