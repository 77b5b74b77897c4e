#!/usr/bin/env bash
# Writes include/dubbo.h from ffi/ with the pinned cbindgen (0.29, installed by
# .ci/deps.sh). tests/run.sh runs it and fails when the committed header differs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(cbindgen --version | awk '{print $2}')
case "$version" in
  0.29.*) ;;
  *) echo "cbindgen 0.29.x is pinned, found $version (cargo install cbindgen --version '0.29.*' --locked)" >&2; exit 1 ;;
esac
cd "$root/ffi"
cbindgen --quiet --config cbindgen.toml --output "$root/include/dubbo.h" .
