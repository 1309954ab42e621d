#!/usr/bin/env bash
# The one test command: installs what the tests need if it is missing, builds, runs every test project,
# and ends with "N passed, N failed[, N skipped]". Exit status 0 only when nothing failed.
#   ./test.sh                 the whole suite
#   ./test.sh --filter EXPR   passed on to dotnet test (e.g. --filter "FullyQualifiedName~Config")
set -uo pipefail
cd "$(dirname "$0")"

install_tools() {
  local missing=()
  while read -r cmd pkg; do
    [[ -z ${cmd:-} || $cmd == \#* ]] && continue
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done <eng/test-tools.txt
  ((${#missing[@]} == 0)) && return 0
  echo "test.sh: installing ${missing[*]}"
  local sudo=()
  [[ $(id -u) != 0 ]] && command -v sudo >/dev/null && sudo=(sudo)
  if ! { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null; then
    echo "test.sh: could not install ${missing[*]}; tests that need them will fail in CI and skip elsewhere" >&2
  fi
}

install_tools

results=$(mktemp -d /tmp/tandem-test.XXXXXX)
trap 'rm -rf "$results"' EXIT
echo "test.sh: building"
if ! dotnet build Tandem.slnx -c Debug -nologo -v q -clp:ErrorsOnly; then
  echo "test.sh: the build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
# Every test project runs with a hang guard: a test stuck for 5 minutes is dumped and counted as failed.
dotnet test Tandem.slnx -c Debug --no-build -nologo -v q \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" \
  --blame-hang-timeout 5m "$@" 2>&1 |
  grep -v -E '^(Results File:|Data collector .Blame. message: All tests finished|Test run for |A total of 1 test files matched)|^\s*$'
status=${PIPESTATUS[0]}

read -r passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' |
    awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "=\""); sub(/".*/, "", kv[2]); c[kv[1]] += kv[2] } }
         END { printf "%d %d %d\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["notExecuted"] }')
if ((status != 0 && failed == 0)); then
  failed=1 # the run broke outside any single test (a crashed test host, a hang dump): never report it as clean
  echo "test.sh: dotnet test exited $status without a failed test; counting the run as failed"
fi
summary="$passed passed, $failed failed"
((skipped > 0)) && summary+=", $skipped skipped"
echo "$summary"
((failed == 0))
