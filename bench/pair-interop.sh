#!/usr/bin/env bash
# Two builds in one pair: node a runs tandem.dll A, node b runs tandem.dll B (each from `dotnet publish src/Tandem`), on
# loopback ports 18071-18092. Checks that they sync, exchange operator changes both ways, that a's config reaches b's
# file and is applied, and that a restarted b catches up from a's snapshot. Use it before changing the pair's wire
# format: a node of a new build must still talk to a node of the previous one (curl, python3).
#   bench/pair-interop.sh A/tandem.dll B/tandem.dll [PARENT-DIR]   (files go to PARENT-DIR/tandem-pair-interop, default /tmp)
set -u
A_BIN=$1; B_BIN=$2; D=${3:-/tmp}/tandem-pair-interop
rm -rf $D; mkdir -p $D; cd $D
head -c 32 /dev/urandom | base64 > secret
P=(18081 18091 18071 18082 18092 18072)
shared() { # $1 servers
  printf 'drain-timeout: 1s\npools:\n  - name: app\n    servers:\n'
  for i in $(seq 1 $1); do printf '      - name: s%d\n        address: 127.0.0.1:%d\n' $i $((9000+i)); done
}
own() { # node own other
  printf 'listeners:\n  - name: web\n    bind: 127.0.0.1:%d\n    pool: app\nadmin:\n  bind: 127.0.0.1:%d\npair:\n  node: %s\n  bind: 127.0.0.1:%d\n  peer: 127.0.0.1:%d\n  secret-file: %s/secret\n  heartbeat: 100ms\n  peer-timeout: 500ms\n' $2 $3 $1 $4 $5 $D
}
{ shared 3; own a ${P[0]} ${P[1]} ${P[2]} ${P[5]}; } > a.yaml
{ shared 3; own b ${P[3]} ${P[4]} ${P[5]} ${P[2]}; } > b.yaml
touch -d '-1 min' a.yaml b.yaml
start() { dotnet $2 run --config $D/$1.yaml --no-warmup > $D/$1.log 2>&1 & echo $! > $D/$1.pid; }
api() { curl -s --max-time 2 http://127.0.0.1:$1$2; }
wait_for() { # desc cmd...
  local desc=$1; shift
  for i in $(seq 1 100); do if eval "$@" >/dev/null 2>&1; then echo "ok   $desc ($((i*100)) ms)"; return 0; fi; sleep 0.1; done
  echo "FAIL $desc"; return 1
}
weight() { api $1 /api/pools | python3 -c "import json,sys; p=json.load(sys.stdin)[0]; print({s['name']:(s['weight'],s['state']) for s in p['servers']}['$2'])"; }
count() { api $1 /api/pools | python3 -c "import json,sys; print(len(json.load(sys.stdin)[0]['servers']))"; }
synced() { api $1 /api/pair | python3 -c "import json,sys; p=json.load(sys.stdin); sys.exit(0 if p['peerAlive'] and p['role']!='syncing' else 1)"; }
start a $A_BIN; start b $B_BIN
fails=0
wait_for "both synced and alive" "synced ${P[1]} && synced ${P[4]}" || fails=$((fails+1))
curl -s -X POST -H 'content-type: application/json' -d '{"weight": 7}' http://127.0.0.1:${P[1]}/api/pools/app/servers/s1 >/dev/null
wait_for "weight from a on b" "[ \"\$(weight ${P[4]} s1)\" = \"(7, 'up')\" ] || weight ${P[4]} s1 | grep -q '(7,'" || fails=$((fails+1))
curl -s -X POST -H 'content-type: application/json' -d '{"state": "draining"}' http://127.0.0.1:${P[4]}/api/pools/app/servers/s2 >/dev/null
wait_for "drain from b on a" "weight ${P[1]} s2 | grep -q draining" || fails=$((fails+1))
{ shared 4; own a ${P[0]} ${P[1]} ${P[2]} ${P[5]}; } > a.yaml.new && mv a.yaml.new a.yaml
wait_for "config from a applied on b" "[ \$(count ${P[4]}) = 4 ]" || fails=$((fails+1))
grep -q "node: b" b.yaml && grep -q "s4" b.yaml && echo "ok   b's file has a's pools and its own pair section" || { echo "FAIL b's file"; fails=$((fails+1)); }
kill $(cat b.pid); wait $(cat b.pid) 2>/dev/null
curl -s -X POST -H 'content-type: application/json' -d '{"weight": 9}' http://127.0.0.1:${P[1]}/api/pools/app/servers/s3 >/dev/null
start b $B_BIN
wait_for "restarted b synced from a's snapshot" "synced ${P[4]} && weight ${P[4]} s3 | grep -q '(9,'" || fails=$((fails+1))
grep -q "Pair synced with peer a: " b.log && echo "ok   b logged the catch-up: $(grep -o 'Pair synced with peer a: [^\"]*snapshot' b.log | head -1)" || { echo "FAIL no catch-up line"; fails=$((fails+1)); }
api ${P[1]} /metrics | grep '^tandem_pair_messages_total' | sort > a.metrics
kill $(cat a.pid) $(cat b.pid); wait 2>/dev/null
echo "failures: $fails"
