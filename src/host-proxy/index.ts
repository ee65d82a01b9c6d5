export { ensureHostProxy, connectHostProxy, proxyName, PROXY_LABELS, type HostProxy, type HostProxyOptions } from "./ensure.js";
export { planHostProxy, describeStep, PROXY_CONTAINER, type HostProxyStep, type ObservedProxy } from "./plan.js";
export { dockerArch, findProxyImageInputs, lddPaths, proxyImageTag, HOST_PROXY_ADMIN, PROXY_IMAGE, type ProxyImageInputs } from "./image.js";
export { connectNamedProxy, type NamedProxy } from "./named.js";
