#!/usr/bin/env bash
# Prints the directory of a Node.js >= 22 to put first on PATH. When the system Node.js is older, installs
# Node.js 24 from the npm registry (the `node` package) into .tools/node inside the project — never globally.
set -euo pipefail
NODE_VERSION=24.21.0
root=$(cd "$(dirname "$0")/.." && pwd)
local_dir="$root/.tools/node"

if [[ -x "$local_dir/node_modules/node/bin/node" ]]; then
  echo "$local_dir/node_modules/node/bin"
  exit 0
fi
if command -v node >/dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]')
  if ((major >= 22)); then
    dirname "$(command -v node)"
    exit 0
  fi
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "Node.js >= 22 is required and npm is needed to install it locally; install npm and retry." >&2
  exit 1
fi
echo "[setup] system Node.js is older than 22: installing Node.js $NODE_VERSION into .tools/node" >&2
mkdir -p "$local_dir"
npm install --prefix "$local_dir" --no-save --no-audit --no-fund --loglevel=error "node@$NODE_VERSION" >&2
echo "$local_dir/node_modules/node/bin"
