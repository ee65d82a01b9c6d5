#!/usr/bin/env bash
# Runs Slipway's whole test suite (lint, typecheck, unit and integration tests against a
# real Docker engine, registry and git), installing and starting what is missing first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages
ensure_node_modules
ensure_docker
ensure_listener_migration
cd "$SLIPWAY_ROOT"
say "running the test suite (npm test)"
npm test
