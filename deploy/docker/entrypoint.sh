#!/bin/sh
# Runs one Switchyard service by name; the rest of the arguments go to it.
set -eu
# What every service's node runs with: SERVICE_NODE_FLAGS of libs/service/src/node-flags.ts, which
# says why (the deploy tests check that the two agree).
node_flags="--max-semi-space-size=32"
service="${1:-gateway}"
[ "$#" -gt 0 ] && shift
case "$service" in
  gateway|discovery|orchestrator|ollama-worker|lmstudio-worker|vllm-worker) exec node $node_flags "/app/apps/$service/dist/main.js" "$@" ;;
  sim) exec node /app/apps/backend-sim/dist/main.js "$@" ;;
  *) echo "unknown service \"$service\"; use gateway, discovery, orchestrator, ollama-worker, lmstudio-worker, vllm-worker or sim" >&2; exit 2 ;;
esac
