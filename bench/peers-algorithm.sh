#!/usr/bin/env bash
# Runs ../shared/bench/peers.sh with Tandem's pool on another algorithm than round-robin.
#   bench/peers-algorithm.sh PATH/TO/tandem least-connections
# The shared script stays untouched: a copy with the algorithm line of its generated config replaced is run.
set -euo pipefail
tandem=${1:?usage: peers-algorithm.sh PATH/TO/tandem ALGORITHM}
algorithm=${2:?usage: peers-algorithm.sh PATH/TO/tandem ALGORITHM}
here=$(cd "$(dirname "$0")" && pwd)
script=$(mktemp /tmp/peers-algorithm.XXXXXX.sh)
trap 'rm -f "$script"' EXIT
sed "s/    algorithm: round-robin/    algorithm: $algorithm/" "$here/../../shared/bench/peers.sh" >"$script"
grep -q "algorithm: $algorithm" "$script" || { echo "peers-algorithm.sh: could not set the algorithm in peers.sh" >&2; exit 2; }
echo "# tandem pool algorithm: $algorithm"
exec bash "$script" "$tandem"
