import * as z from "zod";

/**
 * Compose keys Slipway cannot reproduce faithfully. Each is refused with its own message
 * (why, and what to do), rather than ignored: a container that runs differently from what
 * its file says is worse than an error.
 */

const OUTSIDE = "remove it, or run this container outside Slipway";

interface Refusal {
  readonly why: string;
  readonly advice?: string;
}

const refusals = {
  privileged: { why: "it gives the container full access to the host" },
  network_mode: {
    why: "Slipway attaches containers to its own networks to route to them and check their health",
    advice: "use networks: instead, or run this container outside Slipway",
  },
  pid: { why: "it shares a namespace with the host or another container" },
  ipc: { why: "it shares a namespace with the host or another container" },
  uts: { why: "it shares a namespace with the host" },
  userns_mode: { why: "it changes the container's user namespace" },
  cgroup: { why: "it changes the container's cgroup namespace" },
  cgroup_parent: { why: "it places the container in a host cgroup" },
  isolation: { why: "it selects a platform-specific isolation technology" },
  devices: { why: "it passes host devices into the container" },
  device_cgroup_rules: { why: "it passes host devices into the container" },
  gpus: { why: "it passes host devices into the container" },
  cap_add: { why: "it changes the container's security profile" },
  cap_drop: { why: "it changes the container's security profile" },
  security_opt: { why: "it changes the container's security profile" },
  credential_spec: { why: "it changes the container's security profile" },
  group_add: { why: "it changes the container's security profile" },
  sysctls: { why: "Slipway does not carry kernel settings to the containers it starts" },
  ulimits: { why: "Slipway does not carry kernel limits to the containers it starts" },
  pids_limit: { why: "Slipway does not carry kernel limits to the containers it starts" },
  shm_size: {
    why: "Slipway does not carry kernel limits to the containers it starts",
    advice: 'mount a tmpfs on /dev/shm (tmpfs: ["/dev/shm:size=256m"]), or remove it',
  },
  oom_kill_disable: { why: "Slipway sets memory limits only through mem_limit" },
  oom_score_adj: { why: "Slipway sets memory limits only through mem_limit" },
  mem_reservation: { why: "Slipway sets memory limits only through mem_limit", advice: "use mem_limit, or remove it" },
  mem_swappiness: { why: "Slipway sets memory limits only through mem_limit", advice: "use mem_limit, or remove it" },
  memswap_limit: { why: "Slipway sets memory limits only through mem_limit", advice: "use mem_limit, or remove it" },
  cpu_shares: { why: "Slipway limits CPU only through cpus", advice: "use cpus, or remove it" },
  cpu_quota: { why: "Slipway limits CPU only through cpus", advice: "use cpus, or remove it" },
  cpu_period: { why: "Slipway limits CPU only through cpus", advice: "use cpus, or remove it" },
  cpu_count: { why: "Slipway limits CPU only through cpus", advice: "use cpus, or remove it" },
  cpu_percent: { why: "Slipway limits CPU only through cpus", advice: "use cpus, or remove it" },
  cpu_rt_runtime: { why: "Slipway limits CPU only through cpus", advice: "use cpus, or remove it" },
  cpu_rt_period: { why: "Slipway limits CPU only through cpus", advice: "use cpus, or remove it" },
  cpuset: { why: "Slipway limits CPU only through cpus", advice: "use cpus, or remove it" },
  blkio_config: { why: "Slipway does not carry block I/O limits" },
  storage_opt: { why: "Slipway does not carry storage driver options" },
  extends: { why: "Slipway reads one file and does not merge services from others", advice: "copy the settings into this service" },
  build: {
    why: "Slipway builds images from its own images: section, with fingerprints and tests",
    advice: "declare the image under images: in slipway.yml and name it in image:",
  },
  links: {
    why: "links are a legacy compose feature",
    advice: "remove it: services on a shared network reach each other by service name (networks: aliases for more names)",
  },
  external_links: { why: "links are a legacy compose feature", advice: "remove it: services on a shared network reach each other by name" },
  volumes_from: {
    why: "it mounts another container's volumes, and Slipway replaces containers at every update",
    advice: "mount the same named volume in both services",
  },
  profiles: { why: "Slipway selects services per environment", advice: "use environments: [names] to say where the service deploys" },
  secrets: {
    why: "Slipway does not manage compose secrets",
    advice: "pass them with env_file or environment (${VARIABLES}), or bind-mount a file read-only (./secret:/run/secrets/x:ro)",
  },
  configs: { why: "Slipway does not manage compose configs", advice: "bind-mount the file read-only (./app.conf:/etc/app.conf:ro)" },
  container_name: {
    why: "Slipway names containers per revision, and blue-green and rolling updates run two revisions at once, so a fixed name would collide",
    advice: "remove it (other services reach this one by its service name, or by its networks: aliases)",
  },
  scale: { why: "scale is compose's old spelling", advice: "write deploy.replicas: N (or replicas: N in slipway.yml)" },
  expose: { why: "it only documents ports: containers on a shared network reach every port anyway", advice: "remove it, or list the port under ports:" },
  dns: { why: "Slipway does not carry DNS settings" },
  dns_opt: { why: "Slipway does not carry DNS settings" },
  dns_search: { why: "Slipway does not carry DNS settings" },
  domainname: { why: "Slipway does not carry DNS settings" },
  extra_hosts: { why: "Slipway does not carry /etc/hosts entries", advice: "use networks: aliases, or remove it" },
  mac_address: { why: "Slipway starts a new container per revision, and two at once for blue-green, so a fixed address would collide" },
  logging: { why: "Slipway captures container logs itself" },
  stdin_open: { why: "services run detached, without a terminal" },
  tty: { why: "services run detached, without a terminal" },
  attach: { why: "services run detached, without a terminal" },
  platform: { why: "Slipway runs the image built or pulled for the host's platform" },
  pull_policy: { why: "Slipway pulls images itself, by the digest it deploys" },
  runtime: { why: "Slipway starts containers with the engine's default runtime" },
  label_file: { why: "Slipway reads labels only from labels:", advice: "move the labels into labels:" },
  annotations: { why: "Slipway does not carry container annotations" },
  develop: { why: "compose watch is a development feature", advice: "remove it" },
  post_start: { why: "Slipway does not run lifecycle hooks", advice: "run the step in the image's entrypoint, or remove it" },
  pre_stop: { why: "Slipway does not run lifecycle hooks", advice: "use stop_signal and stop_grace_period, or remove it" },
  use_api_socket: { why: "it hands the Docker engine's socket to the container" },
  models: { why: "Slipway does not manage compose models" },
  provider: { why: "Slipway does not run compose providers" },
} as const satisfies Record<string, Refusal>;

export type RefusedKey = keyof typeof refusals;

/** The message for a refused compose key. */
export function refusalMessage(key: string, refusal: Refusal): string {
  return `Slipway cannot reproduce "${key}": ${refusal.why}; ${refusal.advice ?? OUTSIDE}`;
}

/** A schema that refuses any value, with the key's own message, and says so in the docs. */
export function refusedKey(key: string, refusal: Refusal) {
  const message = refusalMessage(key, refusal);
  return z.never({ error: message }).optional().describe(`Not supported: ${message}.`);
}

function refusedShape(): { [K in RefusedKey]: ReturnType<typeof refusedKey> } {
  const entries = Object.entries(refusals).map(([key, refusal]) => [key, refusedKey(key, refusal)] as const);
  return Object.fromEntries(entries) as { [K in RefusedKey]: ReturnType<typeof refusedKey> };
}

/** The refused compose keys of a service, ready to spread into its object schema. */
export const refusedServiceKeys = refusedShape();

/** Every refused key, for docs and tests. */
export const REFUSED_SERVICE_KEYS = Object.keys(refusals) as RefusedKey[];
