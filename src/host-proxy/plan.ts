/**
 * What keeping a host's proxy running takes, as data: the image on the host's engine, one
 * container of it, started. Pure: what the engine holds in, steps out (src/host-proxy/ensure.ts
 * runs them).
 */

/** The proxy container Slipway runs on each host, one per engine. */
export const PROXY_CONTAINER = "slipway-proxy";

export interface ObservedProxy {
  /** Whether the host's engine has the wanted image. */
  readonly imagePresent: boolean;
  /** The proxy container on the host, if there is one. */
  readonly container?: { readonly id: string; readonly image: string; readonly running: boolean };
}

export type HostProxyStep =
  /** Builds the proxy image on the host's engine from this machine's Caddy. */
  | { readonly kind: "build"; readonly tag: string }
  /** Removes a proxy container of another image (an older Caddy or config). */
  | { readonly kind: "remove"; readonly id: string; readonly image: string }
  | { readonly kind: "create"; readonly tag: string }
  /** Starts the created container, or the existing one by id, and waits until its admin API answers. */
  | { readonly kind: "start"; readonly id: "created" | string };

export function planHostProxy(observed: ObservedProxy, tag: string): HostProxyStep[] {
  const { container } = observed;
  if (container?.image === tag) return container.running ? [] : [{ kind: "start", id: container.id }];
  return [
    ...(observed.imagePresent ? [] : [{ kind: "build", tag } as const]),
    ...(container === undefined ? [] : [{ kind: "remove", id: container.id, image: container.image } as const]),
    { kind: "create", tag },
    { kind: "start", id: "created" },
  ];
}

/** One line per step, for logs and --dry-run style output. */
export function describeStep(step: HostProxyStep, host: string): string {
  switch (step.kind) {
    case "build":
      return `building the proxy image ${step.tag} on ${host}`;
    case "remove":
      return `replacing the proxy container of ${step.image} on ${host}`;
    case "create":
      return `creating the proxy container ${PROXY_CONTAINER} (${step.tag}) on ${host}`;
    case "start":
      return `starting the proxy on ${host}`;
  }
}
