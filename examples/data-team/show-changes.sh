#!/usr/bin/env bash
# Shows, for a change in each of the example's repositories, what Slipway plans to rebuild
# and why. Run after ./prepare.sh and one `slipway build --push` (scripts/up.sh does both).
# Each change is committed and pushed to the example's own remotes under work/remotes/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

change() { # repo branch file text message
  local repo=$1 branch=$2 file=$3 text=$4 message=$5
  git clone -q -b "$branch" "$here/work/remotes/$repo.git" "$scratch/$repo"
  mkdir -p "$(dirname "$scratch/$repo/$file")"
  printf '%s\n' "$text" >> "$scratch/$repo/$file"
  git -C "$scratch/$repo" add -A
  git -C "$scratch/$repo" -c user.name=Example -c user.email=example@slipway.invalid commit -q -m "$message"
  git -C "$scratch/$repo" push -q origin "$branch"
  rm -rf "${scratch:?}/$repo"
}

step() { # title
  printf '\n\033[1m== %s\033[0m\n' "$1"
  slipway plan
  slipway build --push >/dev/null 2>&1 || { echo "build failed; see slipway build" >&2; exit 1; }
}

printf '\033[1m== nothing changed\033[0m\n'
slipway plan

change app1 develop docs/index.md "More docs." "docs only (outside app1's paths)"
step "app1: a change outside its paths (docs/): nothing to rebuild"

change app1 develop app1/report.sh "# tuned" "app1 code"
step "app1: a code change: only app1-prod, which seals app1"

change infra develop infra/version.sh "# tuned" "framework change"
step "infra: a framework change: infra-prod and everything built on it"

change my-docker master app1-dev/Dockerfile "LABEL example.note=changed" "app1-dev definition"
step "my-docker: app1-dev's Dockerfile: app1-dev and app1-prod, nothing above them"

printf '\n\033[1m== after the builds: nothing changed\033[0m\n'
slipway plan
