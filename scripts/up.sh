#!/usr/bin/env bash
# Brings Slipway up on this machine and runs the example project (examples/data-team) as far
# as Slipway goes: installs what is missing, starts the Docker engine and a loopback registry
# when they are not running, builds Slipway, then checks, plans, builds, pushes and deploys the
# example: five images built in dependency order and a service served through the proxy.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages
ensure_node_modules
build_slipway
ensure_docker
ensure_registry
ensure_listener_migration
link_cli

example="$SLIPWAY_ROOT/examples/data-team"
export SLIPWAY_REGISTRY="127.0.0.1:$SLIPWAY_REGISTRY_PORT"
export SLIPWAY_STATE_DIR="${SLIPWAY_STATE_DIR:-$SLIPWAY_STATE/example}"
say "preparing the example's git repositories"
"$example/prepare.sh"

cd "$example"
say "slipway validate"
slipway validate
say "slipway doctor (engine, registry, store, every source)"
slipway doctor
say "slipway plan (what must be rebuilt, and why)"
slipway plan
say "slipway build --push (in dependency order, tests inside the built images)"
slipway build --push
say "slipway deploy reports (health-gated, through the proxy on port 18080)"
slipway deploy reports
say "the service answers:"
curl -fsS http://127.0.0.1:18080/
say "slipway status"
slipway status

# The controller: webhooks, pollers, pipelines, jobs and the HTTP API, detached like the proxy.
serve_log="$SLIPWAY_STATE_DIR/serve.log"
if curl -fsS -o /dev/null http://127.0.0.1:8420/healthz 2>/dev/null; then
  say "slipway serve: already answering on http://127.0.0.1:8420, kept"
else
  say "starting the controller: slipway serve (log: $serve_log)"
  setsid slipway serve >>"$serve_log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null http://127.0.0.1:8420/healthz 2>/dev/null && break
    sleep 0.2
  done
  curl -fsS http://127.0.0.1:8420/healthz >/dev/null || { echo "the controller did not answer; see $serve_log" >&2; exit 1; }
fi

cat <<MSG

Slipway is up.
  example project : $example (slipway.yml, repos/, work/remotes/)
  registry        : http://$SLIPWAY_REGISTRY/v2/_catalog
  state store     : $SLIPWAY_STATE_DIR/slipway.db
  engine log      : /var/log/slipway-dockerd.log (when Slipway started the engine)
  service         : http://127.0.0.1:18080/ (the reports service, behind Caddy)
  proxy log       : $SLIPWAY_STATE_DIR/proxy/caddy.log
  controller      : http://127.0.0.1:8420/healthz (slipway serve; log $serve_log)
  dashboard       : http://127.0.0.1:8421/ (sign in with a token: slipway token create me)
Next, in a new shell, first: export SLIPWAY_STATE_DIR=$SLIPWAY_STATE_DIR SLIPWAY_REGISTRY=$SLIPWAY_REGISTRY
      (the example's store and registry; without them slipway uses ~/.local/state/slipway and localhost:5000)
      cd $example && ./show-changes.sh   (a change in each repository, and what Slipway rebuilds)
      cd $example && slipway pipeline run app1   (plan, build, test, push, deploy: what serve does on a push)
      slipway token create me   (then SLIPWAY_URL=http://127.0.0.1:8420 SLIPWAY_TOKEN=... slipway status)
      slipway --help
MSG
