/** Where a route's server listens: `host` omitted means every interface. */
export interface RouteListen {
  readonly host?: string;
  readonly port: number;
}

/** One service's entry point: the proxy listens on `listen` and forwards to `upstreams`. */
export interface Route {
  /** Slipway's name for the route, e.g. "api-prod": letters, digits, `.`, `_`, `-`. */
  readonly id: string;
  readonly listen: RouteListen;
  /** `host:port` addresses of the current revision's containers, e.g. "127.0.0.1:32768". */
  readonly upstreams: readonly string[];
  /** A path the proxy polls on each upstream (active health check); unhealthy ones get no traffic. */
  readonly healthPath?: string;
  /**
   * Upstreams that take a request only when the live upstream failed it and it may be sent again
   * (its dial failed, or a GET or HEAD): the old revision while a new one, already serving,
   * settles. Needs exactly one live upstream; the live one is then not health-checked.
   */
  readonly fallbacks?: readonly string[];
  /**
   * Let clients keep connections to the proxy open between requests. Off by default: every
   * switch replaces Caddy's server, which closes idle kept-alive connections, and a client that
   * sends its next request on one just then sees a reset (Node's fetch and Python's requests do
   * not retry it). With it off the proxy answers `Connection: close` and no switch can fail a
   * request; the price is one TCP handshake per request.
   */
  readonly keepAlive?: boolean;
}

/** What the proxy holds for a Slipway route, as read back from its config. */
export interface LiveRoute {
  readonly id: string;
  readonly listen: RouteListen;
  readonly upstreams: readonly string[];
  readonly healthPath?: string;
  /** Present only when the route has fallbacks (Route.fallbacks). */
  readonly fallbacks?: readonly string[];
  /** Present (true) only when the route lets clients keep connections open. */
  readonly keepAlive?: true;
}

/** Caddy's view of one upstream: requests in flight to it now and recent failures. */
export interface UpstreamStatus {
  readonly address: string;
  readonly numRequests: number;
  readonly fails: number;
}

export interface ReconcileReport {
  readonly set: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
}

export interface Proxy {
  readonly adminUrl: string;
  /**
   * Creates the route or replaces it in one config change; the listening socket stays open.
   * False when the proxy already held it as asked (then nothing changed).
   */
  setRoute(route: Route): Promise<boolean>;
  /** Removes the route and closes its port; false when there was no such route. */
  removeRoute(id: string): Promise<boolean>;
  listRoutes(): Promise<LiveRoute[]>;
  /** Makes the proxy hold exactly these Slipway routes in one config change; other servers are left alone. */
  reconcileRoutes(routes: readonly Route[]): Promise<ReconcileReport>;
  /** The upstreams of a route, or undefined when the proxy has no such route. */
  upstreamsOf(id: string): Promise<string[] | undefined>;
  /** The route as the proxy holds it (upstreams and fallbacks), or undefined when there is no such route. */
  routeOf(id: string): Promise<LiveRoute | undefined>;
  /** Caddy's in-flight request counts for every upstream it knows (GET /reverse_proxy/upstreams). */
  upstreamStatus(): Promise<UpstreamStatus[]>;
}

export interface ProxyHandle {
  readonly adminUrl: string;
  /** The Caddy process id when this call started it (or found its pid file); undefined for a proxy started elsewhere. */
  readonly pid: number | undefined;
  /** True when this call started Caddy, false when it reused one already answering. */
  readonly started: boolean;
  /** Stops the proxy (admin POST /stop) and waits until it no longer answers. */
  stop(): Promise<void>;
}
