#!/usr/bin/env bash
# What an access policy costs a whole Tandem process (issue 18 asks within 3%): `config-cost.sh TANDEM cidr`,
# kept under its old name. POLICY replaces the policy's YAML (default: a CIDR allow list of three ranges).
#
#   bench/policy-cost.sh PATH/TO/tandem            (a published tandem apphost or tandem.dll)
exec bash "$(dirname "$0")/config-cost.sh" "${1:?usage: policy-cost.sh PATH/TO/tandem}" cidr
