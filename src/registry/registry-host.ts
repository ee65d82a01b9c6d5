import { checkRegistryHost } from "./names.js";

/** The name Slipway uses for Docker Hub, whichever alias the user wrote. */
export const DOCKER_HUB = "docker.io";
/** Where Docker Hub's distribution API answers. */
export const DOCKER_HUB_API_HOST = "registry-1.docker.io";
/** The key Docker uses for Docker Hub in config.json and with credential helpers. */
export const DOCKER_HUB_INDEX_URL = "https://index.docker.io/v1/";

const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/**
 * A registry as host[:port]: strips a scheme and a path (`https://index.docker.io/v1/`),
 * lowercases the host name and maps every Docker Hub alias to docker.io. Docker's config
 * keys go through the same function, so a key matches whichever way it was written.
 */
export function normalizeRegistryHost(input: string): string {
  const withoutScheme = input.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const host = (withoutScheme.split("/")[0] ?? "").toLowerCase();
  if (DOCKER_HUB_ALIASES.has(host)) return DOCKER_HUB;
  return checkRegistryHost(host);
}

export function isDockerHub(host: string): boolean {
  return host === DOCKER_HUB;
}

/** The host the HTTP API is served on (Docker Hub's differs from its name). */
export function apiHost(host: string): string {
  return isDockerHub(host) ? DOCKER_HUB_API_HOST : host;
}

/** The host name without the port, and without IPv6 brackets. */
export function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  return host.split(":")[0] ?? host;
}

export function isLoopback(host: string): boolean {
  const name = hostName(host);
  return name === "localhost" || name === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** https, except for a registry marked insecure or on a loopback address, which get plain http. */
export function registryBaseUrl(host: string, insecure = false): string {
  const scheme = insecure || isLoopback(host) ? "http" : "https";
  return `${scheme}://${apiHost(host)}`;
}

/** The server URL a credential helper is asked about (Docker's convention). */
export function credentialServerUrl(host: string): string {
  return isDockerHub(host) ? DOCKER_HUB_INDEX_URL : host;
}

/**
 * Docker Hub keeps official images under library/: `busybox` is `library/busybox` there.
 * Other registries take the name as it is.
 */
export function apiRepository(host: string, repository: string): string {
  return isDockerHub(host) && !repository.includes("/") ? `library/${repository}` : repository;
}
