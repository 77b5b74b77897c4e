#!/usr/bin/env bash
# The Node suite as a user meets it: build the native module (debug) and the
# TypeScript layer, fail if the committed index.d.ts drifted from what
# `napi build` generates, `npm pack` the package, `npm install` the tarball
# into an empty folder (offline: no install scripts, no downloads), and run
# `node --test` there against Node, Rust and Java providers and Java consumers
# (both peers must be built: tests/run.sh does).
# Usage: bindings-node/run-tests.sh WORKDIR JAVA_PEER_JAR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$1
jar=$2
pkg="$root/bindings-node"
cd "$pkg"
npm ci --no-audit --no-fund --loglevel=error
npx napi build --platform --js index.js --dts index.d.ts
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$root" diff --exit-code -- bindings-node/index.d.ts \
    || { echo "bindings-node/index.d.ts drifted from napi build's: commit the regenerated one" >&2; exit 1; }
fi
npx tsc -p tsconfig.json
node -e 'const s = require("./package.json").scripts || {}; for (const k of ["preinstall", "install", "postinstall", "prepare"]) if (s[k]) { console.error("install script " + k); process.exit(1) }'
tarball=$(npm pack --silent --pack-destination "$work")
app="$work/node-app"
rm -rf "$app" && mkdir -p "$app"
cd "$app"
echo '{"name": "libdubbo-node-tests", "private": true}' > package.json
npm install --offline --no-audit --no-fund --loglevel=error "$work/$tarball"
cp -r "$pkg/test" "$app/test"
# The types a TypeScript user gets from the installed package accept the documented API.
"$pkg/node_modules/.bin/tsc" --noEmit --strict --target es2022 --module commonjs --moduleResolution node10 \
  --types node --typeRoots "$pkg/node_modules/@types" test/typecheck.ts
LIBDUBBO_REQUIRE_PEERS=1 LIBDUBBO_JAVA_PEER_JAR="$jar" LIBDUBBO_RUST_PROVIDER="$root/target/debug/greeter_provider" \
  node --test --test-reporter=tap test/*.test.js
