#!/usr/bin/env bash
# Hessian2 throughput, libdubbo vs Java's hessian-lite (JMH), on the same values
# in one run: `bash bench/hessian2.sh [OUT_DIR]`. Prints a markdown table of
# ops/s and ratios (libdubbo / hessian-lite) and writes it to OUT_DIR/table.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
# JMH on 2 cores is noisy: more iterations than its annotations ask for by default.
JMH_ARGS=${JMH_ARGS:--wi 3 -i 5} bash "$root/bench/jvm/run.sh" "$out"
cd "$root"
LIBDUBBO_BENCH_INPUTS="$out/inputs" cargo bench -p libdubbo-bench --bench hessian2 -- \
  --warm-up-time 2 --measurement-time 5 --noplot
python3 "$root/bench/compare.py" "$out/jmh.json" "$root/target/criterion/hessian2" | tee "$out/table.md"
