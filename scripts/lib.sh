# Shared shell helpers for Slipway's setup scripts. Sourced, never run.
# Every step says what it did or skipped; nothing already running is disturbed.

SLIPWAY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SLIPWAY_STATE=${SLIPWAY_STATE:-/var/lib/slipway}
SLIPWAY_REGISTRY_PORT=${SLIPWAY_REGISTRY_PORT:-5000}

say()  { printf '\033[1m==>\033[0m %s\n' "$*"; }
skip() { printf '    %s\n' "$*"; }
die()  { printf 'slipway setup: %s\n' "$*" >&2; exit 1; }

# Debian packages Slipway needs, as "command:package" pairs.
SLIPWAY_PACKAGES=(
  "dockerd:docker.io"
  "docker-registry:docker-registry"
  "git:git"
  "busybox:busybox-static"
  "curl:curl"
  "htpasswd:apache2-utils"
  "openssl:openssl"
  "caddy:caddy"
  "docker-compose:docker-compose"
  "wrk:wrk"
  "sshd:openssh-server"
  # The store suite also runs on a real PostgreSQL 15 (test/harness/postgres.ts); Debian keeps its programs off PATH.
  "/usr/lib/postgresql/15/bin/initdb:postgresql-15"
  # The dashboard's browser tests drive Debian's chromium (playwright-core), with a font to render text in.
  "/usr/bin/chromium:chromium"
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core"
)

ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "${SLIPWAY_PACKAGES[@]}" "$@"; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    if [ "$pkg" = busybox-static ]; then
      dpkg -s busybox-static >/dev/null 2>&1 || missing+=("$pkg")
    elif [[ $cmd == /* ]]; then
      [ -e "$cmd" ] || missing+=("$pkg")
    elif ! command -v "$cmd" >/dev/null 2>&1; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    skip "packages: all present, skipped"
    return
  fi
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages (${missing[*]}); run as root or install them with: apt-get install -y ${missing[*]}"
  say "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_node_modules() {
  cd "$SLIPWAY_ROOT"
  if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    skip "npm dependencies: up to date, skipped"
  else
    say "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build_slipway() {
  cd "$SLIPWAY_ROOT"
  say "building Slipway (tsc, then the CLI bundle)"
  npm run --silent build
}

docker_ready() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

ensure_docker() {
  if docker_ready; then
    skip "docker engine: already running ($(docker version --format '{{.Server.Version}}' 2>/dev/null)), skipped"
    return
  fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    die "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
  fi
  [ "$(id -u)" -eq 0 ] || die "the Docker engine is not running and starting it needs root: run dockerd as root"
  local pidfile=/var/run/docker.pid
  if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    skip "removing stale $pidfile"
    rm -f "$pidfile"
  fi
  say "starting the Docker engine (dockerd, log: /var/log/slipway-dockerd.log)"
  setsid nohup dockerd >/var/log/slipway-dockerd.log 2>&1 < /dev/null &
  local i
  for i in $(seq 1 60); do
    docker_ready && { skip "docker engine ready after ~$((i / 2)) s"; return; }
    sleep 0.5
  done
  tail -20 /var/log/slipway-dockerd.log >&2
  die "dockerd did not become ready in 30 s (see /var/log/slipway-dockerd.log)"
}

registry_ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$1/v2/"; }

ensure_registry() {
  local port=$SLIPWAY_REGISTRY_PORT dir="$SLIPWAY_STATE/registry"
  if registry_ready "$port"; then
    skip "registry: already answering on 127.0.0.1:$port, skipped"
    return
  fi
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $dir/data }
  delete: { enabled: true }
http:
  addr: 127.0.0.1:$port
YAML
  say "starting a local registry on 127.0.0.1:$port (data: $dir/data)"
  setsid nohup docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 < /dev/null &
  local i
  for i in $(seq 1 40); do
    registry_ready "$port" && return
    sleep 0.25
  done
  tail -20 "$dir/registry.log" >&2
  die "the registry did not answer on 127.0.0.1:$port in 10 s (see $dir/registry.log); is the port taken? set SLIPWAY_REGISTRY_PORT"
}

# Puts `slipway` on the PATH (a symlink in /usr/local/bin) unless another one is there.
link_cli() {
  local target="$SLIPWAY_ROOT/bin/slipway.js" link=/usr/local/bin/slipway
  if [ "$(readlink -f "$link" 2>/dev/null)" = "$target" ]; then
    skip "slipway command: $link already points here, skipped"
  elif [ -e "$link" ] || [ "$(id -u)" -ne 0 ]; then
    skip "slipway command: not linked ($link exists or not root); using $target"
    export PATH="$SLIPWAY_ROOT/bin:$PATH"
    ln -sf "$target" "$SLIPWAY_ROOT/bin/slipway"
  else
    ln -s "$target" "$link"
    say "linked $link -> $target"
  fi
}

# Caddy applies each route change by opening a new listening socket and closing the old one;
# without listener migration, connections queued on the old socket are reset (a failed request
# during a switch). net.ipv4.tcp_migrate_req=1 (Linux 5.14+) hands them to the new socket.
ensure_listener_migration() {
  local file=/proc/sys/net/ipv4/tcp_migrate_req
  if [ ! -e "$file" ]; then
    skip "listener migration: not supported by this kernel, skipped (a proxy switch under load may reset a queued connection)"
  elif [ "$(cat "$file")" = 1 ]; then
    skip "listener migration (net.ipv4.tcp_migrate_req): already on"
  elif [ "$(id -u)" -eq 0 ]; then
    say "turning on listener migration (sysctl net.ipv4.tcp_migrate_req=1) for zero-loss proxy switches"
    sysctl -qw net.ipv4.tcp_migrate_req=1 || skip "could not set it (a container without the privilege?); switches under load may reset a queued connection"
  else
    skip "listener migration is off; as root: sysctl -w net.ipv4.tcp_migrate_req=1"
  fi
}
