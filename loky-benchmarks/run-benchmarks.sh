#!/usr/bin/env bash
# Side-by-side benchmark run: builds loky-benchmarks/target/benchmarks.jar (unless --no-build),
# runs every benchmark once (JMH ones, SIGKILL latency, idle worker RSS), runs Python loky's
# equivalents when a python3 with joblib/loky is found, and prints one summary table with the
# project's targets (docs/benchmarks.md). Results: loky-benchmarks/target/side-by-side.md and jmh-results.json.
#
#   loky-benchmarks/run-benchmarks.sh [--no-build] [--skip-python] [--python EXE] [--kill-rounds N] [-- MAVEN-ARGS...]
#
# Everything after `--` goes to the Maven build, e.g. `-- -Dmaven.repo.local=/path/to/repo -o`.
#
# Takes about 4-7 minutes on a 2-core machine (4 in the run of 2026-12-07). Run it on an otherwise idle machine.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=true
args=()
maven_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false ;;
    --) shift; maven_args=("$@"); break ;;
    *) args+=("$1") ;;
  esac
  shift
done

if $build; then
  ./mvnw -B -q -pl loky-benchmarks -am package -DskipTests ${maven_args[@]+"${maven_args[@]}"} </dev/null
fi

jar=loky-benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "missing $jar (run without --no-build)" >&2; exit 1; }

java -cp "$jar" dev.loky.benchmarks.SideBySide \
  --out loky-benchmarks/target/side-by-side.md \
  --json loky-benchmarks/target/jmh-results.json \
  ${args[@]+"${args[@]}"}
