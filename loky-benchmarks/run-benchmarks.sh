#!/usr/bin/env bash
# Side-by-side benchmark run: builds loky-benchmarks/target/benchmarks.jar (unless --no-build),
# runs every benchmark once (JMH ones, SIGKILL latency, idle worker RSS), runs Python loky's
# equivalents when a python3 with joblib/loky is found, and prints one summary table with the
# targets of DESIGN.md. Results: loky-benchmarks/target/side-by-side.md and jmh-results.json.
#
#   loky-benchmarks/run-benchmarks.sh [--no-build] [--skip-python] [--python EXE] [--kill-rounds N]
#
# Takes about 5-7 minutes on a 2-core machine. Run it on an otherwise idle machine.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=true
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=false ;;
    *) args+=("$arg") ;;
  esac
done

if $build; then
  ./mvnw -B -q -pl loky-benchmarks -am package -DskipTests </dev/null
fi

jar=loky-benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "missing $jar (run without --no-build)" >&2; exit 1; }

java -cp "$jar" dev.loky.benchmarks.SideBySide \
  --out loky-benchmarks/target/side-by-side.md \
  --json loky-benchmarks/target/jmh-results.json \
  ${args[@]+"${args[@]}"}
