#!/bin/bash
# Network namespaces for the pair failover test and bench: a bridge namespace joining client, node a and node b.
#   pair-lab.sh up PREFIX      creates PREFIX-br, PREFIX-client, PREFIX-a, PREFIX-b (10.99.0.0/24, test addresses only)
#   pair-lab.sh down PREFIX    kills everything running in them and deletes them
#   pair-lab.sh client PREFIX URL LOG   (run inside PREFIX-*)
    echo "usage: pair-lab.sh up|down PREFIX" >&2
    exit 2
    ;;
esac
