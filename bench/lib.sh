# Pieces the bench scripts share; a script sources it: . "$(dirname "$0")/lib.sh"

# The median of numbers given as arguments, or one per line on stdin when there are none; words that are not numbers
# ("failed", "n/a") are skipped; "n/a" when nothing is left. Two middle values give their mean.
median() {
  if (($# > 0)); then printf '%s\n' "$@"; else cat; fi |
    { grep -E '^-?[0-9]+([.][0-9]+)?$' || true; } | sort -g |
    awk '{a[NR]=$1} END { if (!NR) print "n/a"; else print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) }'
}

# User+sys clock ticks (getconf CLK_TCK per second) a process has used so far; 0 when it is gone.
proc_ticks() {
  local stat f
  [[ -r /proc/$1/stat ]] && stat=$(<"/proc/$1/stat") || { echo 0; return; }
  stat=${stat##*) }
  read -r -a f <<<"$stat"
  echo $((f[11] + f[12]))
}

# The same for a process and its children (nginx's master and workers); 0 for pid 0.
tree_ticks() {
  local total=0 p
  [[ $1 == 0 ]] && { echo 0; return; }
  for p in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(proc_ticks "$p")))
  done
  echo "$total"
}

# Writes an nginx config (to file $1) for two backends on 127.0.0.1 ports $2 and $3 answering body $4 (default 13
# x's) with keep-alive for as many requests as a run sends; its pid and error log go beside the file.
backends_conf() {
  local file=$1 b1=$2 b2=$3 body=${4:-xxxxxxxxxxxxx} dir
  dir=$(dirname "$file")
  printf '%s\n' "worker_processes 1; daemon off; pid $dir/backend.pid; error_log $dir/backend.err;" \
    "events { worker_connections 8192; }" \
    "http { access_log off; keepalive_requests 1000000;" \
    "  server { listen 127.0.0.1:$b1 backlog=4096; location / { return 200 \"$body\"; } }" \
    "  server { listen 127.0.0.1:$b2 backlog=4096; location / { return 200 \"$body\"; } } }" >"$file"
}

# Reads `wrk --latency` output on stdin and prints "requests/s p99_ms requests" and, after a '#', the lines about
# non-2xx answers or socket errors when there were any.
wrk_summary() {
  awk '
    /^ +99%/ { v=$2; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } p99=v }
    /^Requests\/sec/ { rps=$2 }
    / requests in / { n=$1 }
    /Non-2xx|Socket errors/ { bad=bad" "$0 }
    END { printf "%s %s %s%s\n", rps+0, p99+0, n+0, (bad ? " #" bad : "") }'
}
