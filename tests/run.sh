#!/usr/bin/env bash
# The whole test suite (the README's test command): the Rust workspace's tests,
# Hessian2 round trips with Java's hessian-lite in both directions, dubbo2 calls
# with real Java Dubbo 3.3 and 3.2 peers in both directions, the Python package
# from its wheel, the Node package from its tarball, and bounded fuzz runs. Needs cargo, java, mvn and
# node >= 20.17 with npm (`.ci/deps.sh` installs what it can).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash .ci/deps.sh fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Servers announce themselves in the embedded registry by default: keep the
# suite's announcements in its own folder (tests that check discovery use their own).
export LIBDUBBO_REGISTRY_DIR="$work/registry"

echo "== build (one build feeds every test)"
cargo build --workspace --all-targets --locked

echo "== include/dubbo.h is what cbindgen makes from ffi/ (no drift)"
bash ffi/gen-header.sh
git diff --exit-code -- include/

echo "== hessian-lite (Java) writes its vectors"
bash tests/hessian-lite/peer.sh write "$work/java"

echo "== Java Dubbo peers (3.3.x by default, and 3.2.x) for the interop tests"
dubbo32=3.2.19
peer=tests/interop/java
# Clean builds, one version after the other: classes must be compiled against their own Dubbo.
mvn -q -B -f "$peer/pom.xml" clean package -DskipTests -Ddubbo.version="$dubbo32" -Dpeer.jar="dubbo-peer-$dubbo32.jar"
cp "$peer/target/dubbo-peer-$dubbo32.jar" "$work/"
mvn -q -B -f "$peer/pom.xml" clean package -DskipTests

echo "== cargo test (Java's vectors, hessian-lite round trips, Java Dubbo 3.3 both ways)"
if [ ! -d ../shared/vectors/hessian2-java ]; then
  echo "note: ../shared is absent: the Caucho vector test skips; the hessian-lite round trips still run"
fi
LIBDUBBO_HESSIAN_LITE_DIR="$work" LIBDUBBO_JAVA_PEER_JAR="$root/$peer/target/dubbo-peer.jar" \
  cargo test --workspace --locked 2>&1 | tee "$work/cargo-test.log"

echo "== cargo test against Java Dubbo $dubbo32 both ways"
LIBDUBBO_JAVA_PEER_JAR="$work/dubbo-peer-$dubbo32.jar" \
  cargo test --locked -p libdubbo-core --test java_provider --test java_consumer 2>&1 | tee -a "$work/cargo-test.log"

echo "== Python: the wheel installed in a fresh virtualenv; pytest vs Python, Rust and Java providers, Java consumers"
bash bindings-python/run-tests.sh "$work" "$root/$peer/target/dubbo-peer.jar" 2>&1 | tee "$work/pytest.log"

echo "== the main job: a Python provider and consumer meeting in the embedded registry"
LIBDUBBO_WHEEL=$(ls "$work"/wheels/libdubbo-*.whl) bash examples/python_embedded.sh | tee "$work/main-job.log"
grep -q "^64 asyncio calls" "$work/main-job.log"

echo "== Node: the npm package packed and installed into an empty folder; node --test vs Node, Rust and Java providers, Java consumers"
bash bindings-node/run-tests.sh "$work" "$root/$peer/target/dubbo-peer.jar" 2>&1 | tee "$work/node-test.log"
echo "== the Node example (provider and consumer, from the installed package)"
NODE_PATH="$work/node-app/node_modules" node examples/node/greeter.js | tee "$work/node-example.log"
grep -q 'Hello Node' "$work/node-example.log"

echo "== the C ABI: tests/c against libdubbo (C and C++, shared, ASan, valgrind; Java both ways)"
LIBDUBBO_JAVA_PEER_JAR="$root/$peer/target/dubbo-peer.jar" bash tests/c/run.sh "$work/c" 2>&1 | tee "$work/c.log"

echo "== the Go package: go vet, go test -race (Rust and Java providers; the Java consumer -> a Go provider)"
(cd bindings-go && go vet ./... && LIBDUBBO_JAVA_PEER_JAR="$root/$peer/target/dubbo-peer.jar" CGO_ENABLED=1 \
  go test -race -count=1 -v ./... && \
  echo "-- again with -tags dubbo_debug (a GC in every handle accessor: a missing KeepAlive crashes)" && \
  LIBDUBBO_JAVA_PEER_JAR= go test -tags dubbo_debug -race -count=1 -v ./...) 2>&1 | tee "$work/go.log"

echo "== the Rust example (provider and consumer on the facade)"
"$root/target/debug/greeter" | tee "$work/example.log"
grep -q 'Hello Rust' "$work/example.log"

echo "== the C and Go examples"
bash examples/c/run.sh "$work/example-c" | tee "$work/example-c.log"
grep -q 'Hello C' "$work/example-c.log"
(cd examples/go && go vet . && go run .) | tee "$work/example-go.log"
grep -q 'Hello Go' "$work/example-go.log"

echo "== hessian-lite (Java) reads what we wrote"
bash tests/hessian-lite/peer.sh check "$work/rust" | tee "$work/java-check.log"

echo "== fuzz the decoder for a bounded time"
bash fuzz/run.sh "${FUZZ_SECONDS:-60}" "$work/java" | tee "$work/fuzz.log"

# One closing line for the whole suite: cargo's and Java's counts (hessian-lite's,
# and the Java Dubbo consumers' checks against our servers), the C programs'
# checks, each passing Go test, node --test's "# pass N", pytest's "N passed",
# plus one per fuzz target that ran its time out ("Done N runs") without a finding.
passed=$(sed -nE 's/^test result: ok\. ([0-9]+) passed.*/\1/p; s/^hessian-lite: ([0-9]+) passed.*/\1/p; s/^java-(consumer|generic): ([0-9]+) passed.*/\2/p; s/^c-(api|client|server): ([0-9]+) passed.*/\2/p; s/^--- PASS: .*/1/p; s/^Done [0-9]+ runs.*/1/p; s/^=* *([0-9]+) passed(,| in).*/\1/p; s/^# pass ([0-9]+)$/\1/p' \
  "$work/cargo-test.log" "$work/java-check.log" "$work/c.log" "$work/go.log" "$work/fuzz.log" "$work/pytest.log" "$work/node-test.log" | awk '{n += $1} END {print n}')
echo "suite: $passed passed, 0 failed"
