#!/usr/bin/env sh
# Runs Biome from its Linux x64 binary package. The project depends on that package directly: the npm registry
# our machines use has only some of @biomejs/biome's per-platform packages, which `npm ci` would reject.
dir=$(dirname "$0")/../node_modules/@biomejs/cli-linux-x64
if [ ! -x "$dir/biome" ]; then
  echo "biome: only the linux-x64 binary is installed by this project; lint runs in CI" >&2
  exit 1
fi
exec "$dir/biome" "$@"
