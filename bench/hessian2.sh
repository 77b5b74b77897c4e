#!/usr/bin/env bash
# Hessian2 throughput, libdubbo vs Java's hessian-lite (JMH), on the same values
# in one run: `bash bench/hessian2.sh [OUT_DIR]`. Prints a markdown table of
# ops/s and ratios (libdubbo / hessian-lite) and writes it to OUT_DIR/table.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
bash "$root/bench/jvm/run.sh" "$out"
cd "$root"
LIBDUBBO_BENCH_INPUTS="$out/inputs" cargo bench -p libdubbo-bench --bench hessian2 -- \
  --warm-up-time 2 --measurement-time 5 --noplot
python3 "$root/bench/compare.py" "$out/jmh.json" "$root/target/criterion/hessian2" | tee "$out/table.md"
