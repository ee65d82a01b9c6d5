export { startManagedProxy, proxyPaths, type ManagedProxyOptions } from "./managed-proxy.js";
export { connectProxy, connectProxyThrough } from "./proxy.js";
export { adminAnswers, type AdminChannel } from "./admin-client.js";
export { initialConfig } from "./initial-config.js";
export { waitDrained, type DrainOptions, type DrainReport, type InFlightSource } from "./drain.js";
export { DEFAULT_ADMIN_ADDRESS, parseAdminAddress, type AdminAddress } from "./admin-address.js";
export { planReconcile, sameRoute, type ReconcilePlan } from "./reconcile-plan.js";
export { routeProblems, serverName, SERVER_PREFIX } from "./route-config.js";
export type { Proxy, ProxyHandle, Route, RouteListen, LiveRoute, UpstreamStatus, ReconcileReport } from "./types.js";
