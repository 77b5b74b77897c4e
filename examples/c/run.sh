#!/usr/bin/env bash
# Builds examples/c/greeter.c against libdubbo through pkg-config (the shared
# library, SONAME libdubbo.so.0) and runs it. Needs `cargo build -p libdubbo-ffi`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work/lib"
ln -sf "$root/target/debug/libdubbo.so" "$work/lib/libdubbo.so"
bash "$root/ffi/pkg-config.sh" "$work/pkgconfig" "$work/lib"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$root/examples/c/greeter.c" \
  $(PKG_CONFIG_PATH="$work/pkgconfig" pkg-config --cflags --libs libdubbo) -lpthread -Wl,-rpath,"$work/lib" -o "$work/greeter"
"$work/greeter"
