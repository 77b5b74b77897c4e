#!/usr/bin/env bash
# Bounded cargo-fuzz runs: `fuzz/run.sh SECONDS [SEED_DIR...]` fuzzes the Hessian2
# decoder for SECONDS and the dubbo2 frame and body decoders for half as long.
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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seeds=("$@")
if [ -d "$here/../../shared/vectors/hessian2-java" ]; then
  seeds+=("$here/../../shared/vectors/hessian2-java")
fi
cd "$here"
fuzz() {
  local target=$1 seconds=$2
  shift 2
  local corpus
  corpus=$(mktemp -d -p "$work")
  echo "== cargo fuzz $target, ${seconds}s"
  cargo "${fuzz_run[@]}" "$target" "$corpus" "$@" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 2>&1 |
    grep -E '^(Done|stat::|INFO: seed|==[0-9]+==|SUMMARY)|panicked|ERROR|Test unit written'
}
fuzz hessian2_decode "$seconds" "${seeds[@]}"
fuzz protocol_frame $((seconds / 2)) "${seeds[@]}"
