#!/usr/bin/env bash
# Writes libdubbo.pc for a build: `bash ffi/pkg-config.sh OUT_DIR LIB_DIR [PREFIX]`.
# LIB_DIR holds libdubbo.so (and libdubbo.so.0, made here when missing) and libdubbo.a.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1 libdir=$(cd "$2" && pwd) prefix=${3:-$root}
version=$(sed -nE 's/^version = "([^"]+)"/\1/p' "$root/Cargo.toml" | head -1)
major=${version%%.*}
if [ -e "$libdir/libdubbo.so" ] && [ ! -e "$libdir/libdubbo.so.$major" ]; then
  ln -s libdubbo.so "$libdir/libdubbo.so.$major"
fi
mkdir -p "$out"
sed -e "s|@PREFIX@|$prefix|" -e "s|@INCLUDEDIR@|$root/include|" -e "s|@LIBDIR@|$libdir|" -e "s|@VERSION@|$version|" \
  "$root/ffi/libdubbo.pc.in" > "$out/libdubbo.pc"
