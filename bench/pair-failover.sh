#!/bin/bash
# VIP failover of a Tandem pair with keepalived, measured in network namespaces (needs root, keepalived, ip, python3).
# Builds the pair test project (which builds tandem) and runs its failover test RUNS times (default 3); each run
# builds the topology afresh: client, node-a, node-b behind a bridge, a client requesting the VIP every 20 ms with a
# 300 ms timeout. Prints, per case, the failed requests and the longest gap between two successes for every run,
# and the medians.
#   bench/pair-failover.sh [RUNS]
set -euo pipefail
runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
results=$(mktemp /tmp/tandem-pair-failover.XXXXXX)
trap 'rm -f "$results"' EXIT
[ "$(id -u)" = 0 ] || { echo "pair-failover.sh needs root (network namespaces, keepalived)" >&2; exit 1; }
command -v keepalived >/dev/null || [ -x /usr/sbin/keepalived ] || { echo "needs keepalived: apt-get install keepalived" >&2; exit 1; }

dotnet build "$root/tests/Tandem.Pair.Tests" -c Release -nologo -v q -clp:ErrorsOnly
for run in $(seq 1 "$runs"); do
    echo "run $run of $runs ..." >&2
    echo "run $run" >> "$results"
    TANDEM_PAIR_RESULTS=$results CI=true dotnet test "$root/tests/Tandem.Pair.Tests" -c Release --no-build \
        --filter "FullyQualifiedName~VipFailoverTests" -nologo -v q >/dev/null \
        || echo "run $run: the test failed (its bounds); the numbers it measured are still in the table" >&2
done

awk '
function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n == 0 ? "-" : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
}
$1 == "run" { next }
{
    if (!($1 in failed)) order[++cases] = $1
    failed[$1] = failed[$1] " " $2; gap[$1] = gap[$1] " " $3; moves[$1] = moves[$1] " " $4
}
END {
    printf "| %-15s | %-15s | %-21s | %-13s | %-17s | %-8s |\n", "case", "failed requests", "longest gap ms", "median failed", "median gap ms", "VIP moves"
    printf "| %-15s | %-15s | %-21s | %-13s | %-17s | %-8s |\n", "---", "---", "---", "---", "---", "---"
    for (i = 1; i <= cases; i++) {
        c = order[i]
        printf "| %-15s | %-15s | %-21s | %-13s | %-17s | %-8s |\n", c, substr(failed[c], 2), substr(gap[c], 2), median(failed[c]), median(gap[c]), substr(moves[c], 2)
    }
}' "$results"
