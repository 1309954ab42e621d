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
