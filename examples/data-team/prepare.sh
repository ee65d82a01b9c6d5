#!/usr/bin/env bash
# Creates the example's three git repositories (bare remotes under work/remotes/) from the
# templates in repos/, with the branches slipway.yml names. Idempotent: existing remotes are kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work="$here/work"
mkdir -p "$work/remotes"

make_remote() { # name branch
  local name=$1 branch=$2 remote="$work/remotes/$1.git" tree
  if [ -d "$remote" ]; then
    echo "    example repo $name: exists ($remote), kept"
    return
  fi
  tree=$(mktemp -d)
  cp -a "$here/repos/$name/." "$tree/"
  if [ "$name" = my-docker ]; then cp /bin/busybox "$tree/base/busybox"; fi
  git -C "$tree" init -q -b "$branch"
  git -C "$tree" add -A
  git -C "$tree" -c user.name=Example -c user.email=example@slipway.invalid commit -q -m "Initial $name"
  git init -q --bare -b "$branch" "$remote"
  git -C "$tree" push -q "$remote" "$branch"
  rm -rf "$tree"
  echo "    example repo $name: created $remote (branch $branch)"
}

make_remote my-docker master
make_remote infra develop
make_remote app1 develop
