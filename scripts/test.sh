#!/usr/bin/env bash
# The one test command: lint, unit tests, then integration tests against real Fabric processes.
# Ends with a plain "N passed, N failed" line summed over every suite.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results=$(mktemp -d)
failed_steps=0

run_jest() { # NAME ARGS...
  local name=$1
  shift
  echo "== $name"
  # A run that wrote its results is counted by its tests; one that did not (a crash) counts as a failure.
  npx jest "$@" --json --outputFile="$results/$name.json" || [ -s "$results/$name.json" ] ||
    failed_steps=$((failed_steps + 1))
}

echo "== lint"
if npm run --silent typecheck && npx eslint . && npx prettier --check . >/dev/null; then echo "lint clean"; else
  echo "lint failed"
  failed_steps=$((failed_steps + 1))
fi
run_jest unit --selectProjects unit
run_jest integration --selectProjects integration --runInBand

node -e '
const fs = require("fs"), path = require("path");
let passed = 0, failed = 0;
for (const f of fs.readdirSync(process.argv[1])) {
  const r = JSON.parse(fs.readFileSync(path.join(process.argv[1], f), "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
}
failed += Number(process.argv[2]);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
' "$results" "$failed_steps"
