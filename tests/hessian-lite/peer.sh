#!/usr/bin/env bash
# Runs the project's hessian-lite peer (a Java program on Dubbo's Hessian2
# library), building it with Maven first if needed: `peer.sh write|check DIR`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/target/hessian-lite-peer.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here/src" "$here/pom.xml" -newer "$jar" 2>/dev/null | head -1)" ]; then
  mvn -q -B -f "$here/pom.xml" package -DskipTests
fi
mkdir -p "${2:?usage: peer.sh write|check DIR}"
exec java -jar "$jar" "$@"
