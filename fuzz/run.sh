#!/usr/bin/env bash
# Coverage-guided fuzzing of the upstream HTTP/1.1 parsers with afl-fuzz and SharpFuzz (see fuzz/README.md).
#   fuzz/run.sh TARGET SECONDS      TARGET: response-head or chunked
# Installs afl++ and the sharpfuzz tool when missing, publishes fuzz/Tandem.Fuzz (Release), instruments the parsers'
# namespace in Tandem.Proxy.dll, runs afl-fuzz for SECONDS with fuzz/corpus/TARGET as seeds, and prints execs, paths
# and crashes. Findings go to artifacts/fuzz/TARGET/ (wiped at each start). Exit status 1 when afl-fuzz saved a crash.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
seconds=${2:-}
if [[ ! $target =~ ^(response-head|chunked)$ || ! $seconds =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh response-head|chunked SECONDS" >&2
  exit 2
fi

sharpfuzz_version=2.3.0
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v afl-fuzz >/dev/null; then
  echo "run.sh: installing afl++"
  sudo=()
  [[ $(id -u) != 0 ]] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi
if ! command -v sharpfuzz >/dev/null; then
  echo "run.sh: installing SharpFuzz.CommandLine $sharpfuzz_version"
  dotnet tool install --global SharpFuzz.CommandLine --version "$sharpfuzz_version" >/dev/null
fi

work=artifacts/fuzz/$target
bin=$work/bin              # as built: replays crashes in-process
afl_bin=$work/afl-bin      # instrumented: runs only under afl-fuzz (it writes coverage to afl-fuzz's shared memory)
findings=$work/findings
rm -rf "$work"
mkdir -p "$work"
echo "run.sh: publishing fuzz/Tandem.Fuzz"
dotnet publish fuzz/Tandem.Fuzz -c Release -o "$bin" -nologo -v q -clp:ErrorsOnly >/dev/null
cp -r "$bin" "$afl_bin"
# Only the parsers' namespace reports coverage: the rest of Tandem.Proxy never runs here and would only add noise.
echo "run.sh: instrumenting Tandem.Proxy.Forwarding.Http11"
sharpfuzz "$afl_bin/Tandem.Proxy.dll" Tandem.Proxy.Forwarding.Http11

# The fork server is SharpFuzz's, in the .NET process, so afl-fuzz cannot find its marks in the dotnet binary
# (AFL_SKIP_BIN_CHECK). Cores are not piped anywhere here, the machine is shared (no CPU pinning, no frequency
# check), and the run is a log, not a screen.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
# -t: a new child process pays .NET start-up and JIT; -m none: the runtime reserves far more address space than it uses.
echo "run.sh: afl-fuzz $target for ${seconds}s (log: $work/afl.log)"
status=0
afl-fuzz -i "fuzz/corpus/$target" -o "$findings" -x fuzz/http11.dict -V "$seconds" -t 10000 -m none \
  -- "$(command -v dotnet)" "$afl_bin/Tandem.Fuzz.dll" "$target" >"$work/afl.log" 2>&1 || status=$?

stats=$findings/default/fuzzer_stats
if [[ ! -f $stats ]]; then
  echo "run.sh: afl-fuzz exited $status without stats; the end of its log:" >&2
  tail -n 30 "$work/afl.log" >&2
  exit 1
fi
stat() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
crashes=$(stat saved_crashes)
echo "target=$target seconds=$seconds execs=$(stat execs_done) execs_per_sec=$(stat execs_per_sec)" \
  "paths=$(stat corpus_count) corpus_found=$(stat corpus_found) coverage=$(stat bitmap_cvg) crashes=$crashes hangs=$(stat saved_hangs)"
if ((crashes > 0)); then
  echo "run.sh: $crashes crashes saved in $findings/default/crashes; replayed without instrumentation:" >&2
  dotnet "$bin/Tandem.Fuzz.dll" "$target" --replay "$findings/default/crashes" >&2 || true
  echo "run.sh: minimize one with: AFL_SKIP_BIN_CHECK=1 afl-tmin -i CRASH -o MIN -t 10000 -m none -- $(command -v dotnet) $afl_bin/Tandem.Fuzz.dll $target" >&2
  exit 1
fi
((status == 0)) || { echo "run.sh: afl-fuzz exited $status" >&2; tail -n 30 "$work/afl.log" >&2; exit 1; }
