import type { Engine } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";
import { connectProxyThrough, type Proxy } from "../proxy/index.js";

/** A Caddy the user runs on a host (hosts.<name>.proxy): its container, and its admin API's address inside it. */
export interface NamedProxy {
  readonly container: string;
  /** host:port of its admin API, as the container sees it (Caddy's default: 127.0.0.1:2019). */
  readonly admin: string;
}

/**
 * The user's own proxy on a host, reached like Slipway's: each admin request is an exec of `nc`
 * in that container, over the engine connection, so its admin API needs no port beyond the
 * container. Slipway never starts, builds or replaces it; PROXY_UNREACHABLE when it is not running.
 */
export async function connectNamedProxy(engine: Engine, named: NamedProxy): Promise<Proxy> {
  const name = `the proxy ${named.container} on ${engine.address}`;
  const details = await engine.inspectContainer(named.container);
  if (details === undefined || !details.state.running) {
    throw new SlipwayError("PROXY_UNREACHABLE", `${name} is not running (${details === undefined ? "no such container" : details.state.status})`, {
      hint: "hosts.<name>.proxy.container names a Caddy container you run there (on the host's network, with nc on its PATH); start it, or remove proxy: to let Slipway run its own",
    });
  }
  const [host, port] = named.admin.split(":");
  return connectProxyThrough(name, { adminAddress: named.admin, connect: () => engine.openExec(details.id, ["nc", host ?? "127.0.0.1", port ?? "2019"]) });
}
