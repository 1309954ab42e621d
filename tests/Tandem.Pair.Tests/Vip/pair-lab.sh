#!/bin/bash
# Network namespaces for the pair failover test and bench: a bridge namespace joining client, node a and node b.
#   pair-lab.sh up PREFIX      creates PREFIX-br, PREFIX-client, PREFIX-a, PREFIX-b (10.99.0.0/24, test addresses only)
#   pair-lab.sh down PREFIX    kills everything running in them and deletes them
# Every node sees its link as eth0; the bridge side of node X is vX in PREFIX-br (cut it to simulate a pulled cable).
# Addresses: client 10.99.0.2, a 10.99.0.11, b 10.99.0.12; the VIP used by the test is 10.99.0.100.
set -u
cmd=${1:-} prefix=${2:-}
case $cmd in
up)
    set -e
    ip netns add "$prefix-br"
    ip -n "$prefix-br" link add br0 type bridge
    ip -n "$prefix-br" link set br0 up
    ip -n "$prefix-br" link set lo up
    for side in client:10.99.0.2 a:10.99.0.11 b:10.99.0.12; do
        name=${side%%:*} addr=${side##*:}
        ip netns add "$prefix-$name"
        ip -n "$prefix-br" link add "v$name" type veth peer name eth0 netns "$prefix-$name"
        ip -n "$prefix-br" link set "v$name" master br0 up
        ip -n "$prefix-$name" link set lo up
        ip -n "$prefix-$name" addr add "$addr/24" dev eth0
        ip -n "$prefix-$name" link set eth0 up
    done
    ;;
down)
    for name in client a b br; do
        ns="$prefix-$name"
        ip netns list | grep -q "^$ns\b" || continue
        pids=$(ip netns pids "$ns" 2>/dev/null)
        [ -n "$pids" ] && kill -9 $pids 2>/dev/null
        ip netns delete "$ns" 2>/dev/null
    done
    true
    ;;
*)
    echo "usage: pair-lab.sh up|down PREFIX" >&2
    exit 2
    ;;
esac
