#!/bin/sh
# Copies what the services need at run time into $1: production node_modules, and each
# workspace package's manifest and build output (never its sources or tests).
set -eu
out="$1"
mkdir -p "$out/deploy/docker"
cp package.json package-lock.json "$out/"
cp -R node_modules "$out/node_modules"
for manifest in libs/*/package.json apps/*/package.json; do
  dir=$(dirname "$manifest")
  [ -d "$dir/dist" ] || continue
  mkdir -p "$out/$dir"
  cp "$manifest" "$out/$dir/"
  cp -R "$dir/dist" "$out/$dir/dist"
done
cp deploy/docker/entrypoint.sh "$out/deploy/docker/"
chmod 0755 "$out/deploy/docker/entrypoint.sh"
