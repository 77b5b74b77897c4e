#!/usr/bin/env bash
# A bounded cargo-fuzz run of the Hessian2 decoder: `fuzz/run.sh SECONDS [SEED_DIR...]`.
# Seeds: Java-written vectors from ../shared (when present) and any given dirs;
# inputs are capped at 8 KiB so the run spends its time on many small inputs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
shift || true
# Nightly builds with AddressSanitizer; without it, stable fuzzes with no sanitizer
# (the decoder is safe Rust, so panics are what there is to find).
fuzz_run=(+nightly fuzz run)
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "no nightly toolchain: fuzzing on stable without a sanitizer"
  fuzz_run=(+stable fuzz run -s none)
fi
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
seeds=("$@")
if [ -d "$here/../../shared/vectors/hessian2-java" ]; then
  seeds+=("$here/../../shared/vectors/hessian2-java")
fi
cd "$here"
cargo "${fuzz_run[@]}" hessian2_decode "$corpus" "${seeds[@]}" -- \
  -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 2>&1 | grep -E '^(Done|stat::|INFO: seed|==[0-9]+==|SUMMARY)|panicked|ERROR|Test unit written'
