#!/usr/bin/env bash
# Usage: bench/jvm/run.sh OUT_DIR
# Builds target/hessian-bench.jar if missing, writes OUT_DIR/inputs/{pojo,pojo_list,string_64k}.bin
# and runs the JMH benchmarks into OUT_DIR/jmh.json.
# Extra JMH options via JMH_ARGS, e.g. JMH_ARGS="-wi 1 -i 1 -r 1s -w 1s" for a quick run.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi

here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/hessian-bench.jar"
mkdir -p "$1/inputs"
out="$(cd "$1" && pwd)"

if [ ! -f "$jar" ]; then
    (cd "$here" && mvn -q -B package)
fi

java -cp "$jar" dev.libdubbo.bench.WriteInputs "$out/inputs"

# -foe true: a benchmark that throws makes JMH (and so this script) exit non-zero.
# shellcheck disable=SC2086  # JMH_ARGS is meant to be word-split
java -jar "$jar" -foe true ${JMH_ARGS:-} -rf json -rff "$out/jmh.json"
