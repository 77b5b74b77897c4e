#!/usr/bin/env bash
# The main job (until the dubbo2 transport lands): Rust encodes Java values with
# libdubbo's Hessian2 encoder, and Java's hessian-lite (the library Java Dubbo
# uses) decodes each one and checks it against the Java object it stands for.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/.ci/deps.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo run -q --manifest-path "$root/Cargo.toml" -p libdubbo-core --example hessian_to_java -- "$dir"
bash "$root/tests/hessian-lite/peer.sh" check "$dir"
