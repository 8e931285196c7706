#!/usr/bin/env bash
# Installs the npm packages of the MCP servers that the tests start over stdio, pinned, into DIR.
# Run by Maven before the tests (generate-test-resources); packages already there at the pinned version are kept,
# so a build offline after the first one needs no registry. Without npm it says so and installs nothing: the MCP
# tests then skip with the reason, or fail under CI=true.
# usage: install-servers.sh DIR NAME@VERSION...
set -euo pipefail
dir=$(mkdir -p "$1" && cd "$1" && pwd)
shift
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "[codeact] npm or node not found: the MCP test servers ($*) are not installed, so the MCP tests will be" \
    "skipped (and fail under CI=true); install Node.js 20 with npm (./codeact test does)" >&2
  exit 0
fi
wanted=()
for spec in "$@"; do
  name=${spec%@*} version=${spec##*@}
  installed=$(node -p "require(process.argv[1]).version" "$dir/node_modules/$name/package.json" 2>/dev/null || true)
  [ "$installed" = "$version" ] || wanted+=("$spec")
done
if [ ${#wanted[@]} -gt 0 ]; then
  echo "[codeact] installing the MCP test servers: npm install --prefix $dir ${wanted[*]}" >&2
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "${wanted[@]}"
fi
