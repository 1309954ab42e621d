#!/usr/bin/env bash
# Installs Tandem the way a user installs a .NET tool, and runs it: packs src/Tandem into a local feed, installs the
# package with `dotnet tool install -g` into an empty HOME (a NuGet config that knows only that feed, so nothing comes
# from the network), and runs `tandem validate` on a sample config. Prints the validate line; exit 0 when all worked.
#   eng/tool-install-check.sh [WORK-DIR]     (default: a new temp directory, removed at the end)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [[ $# -gt 0 ]]; then work=$1; mkdir -p "$work"; else work=$(mktemp -d /tmp/tandem-tool.XXXXXX); trap 'rm -rf "$work"' EXIT; fi
version=0.0.0-check.$$

# Packing restores from the usual package cache, so it runs with the caller's HOME.
dotnet pack "$repo/src/Tandem" -c Release -o "$work/feed" -p:Version="$version" -nologo -v q -clp:ErrorsOnly

mkdir -p "$work/home"
cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat >"$work/tandem.yaml" <<YAML
listeners:
  - name: web
    bind: "[::]:8080"
    pool: app
pools:
  - name: app
    servers:
      - address: 127.0.0.1:9001
YAML
export HOME=$work/home DOTNET_CLI_HOME=$work/home NUGET_PACKAGES=$work/home/.nuget/packages
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool install -g tandem --version "$version" --configfile "$work/nuget.config" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; exit 1; }
"$HOME/.dotnet/tools/tandem" validate -c "$work/tandem.yaml"
