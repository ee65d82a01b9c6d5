import type { PollerTimers } from "./types.js";

/** Node's timers, unref'd: a poller never keeps the process alive by itself. */
export const nodeTimers: PollerTimers = {
  set(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
