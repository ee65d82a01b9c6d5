export { createPoller } from "./poller.js";
export { sourcePoller, type SourcePollerOptions } from "./source-poller.js";
export { tagPoller, type TagPollerOptions } from "./tag-poller.js";
export { sourceWatchKey, tagWatchKey } from "./watch-keys.js";
export { backoffMs, firstDelayMs, jittered, nextDelayMs, type DelayInputs } from "./delay.js";
export { rateLimitCooldownMs, rateLimitWaitMs } from "./rate-limit-wait.js";
export { nodeTimers } from "./timers.js";
export type { Poller, PollerLog, PollerOptions, PollerTimers, WatchChange } from "./types.js";
