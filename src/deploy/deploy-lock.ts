import { hostname } from "node:os";
import { SlipwayError } from "../errors/index.js";
import type { LockLease, Store } from "../store/index.js";

const LEASE_MS = 30_000;
const RENEW_MS = 10_000;
const POLL_MS = 500;

/**
 * Locks this process holds, per store. The store's lock is per holder ("host:pid"), so two
 * deployments in one process would both get it; this keeps them one at a time too.
 */
const heldHere = new WeakMap<Store, Set<string>>();

export interface HeldLock {
  release(): Promise<void>;
}

/** This process as a lock holder: "host:pid". */
export function processHolder(): string {
  return `${hostname()}:${process.pid}`;
}

/** True when `holder` is a process on this host that no longer exists (killed, crashed). */
export function holderIsGone(holder: string): boolean {
  const [host, pid] = holder.split(":");
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * One deployment per service and environment at a time, across processes: a leased lock in
 * the store, renewed while held. A holder that died on this host is taken over at once; one
 * elsewhere when its lease runs out. Waits up to `waitMs`, then refuses with DEPLOY_LOCKED.
 */
export async function acquireDeployLock(
  store: Store,
  target: { service: string; environment: string },
  holder: string,
  options: { waitMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<HeldLock> {
  const name = `deploy:${target.service}:${target.environment}`;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (options.waitMs ?? 0);
  const here = heldHere.get(store) ?? new Set<string>();
  heldHere.set(store, here);
  for (;;) {
    const { acquired, lease } = await acquireOnce(store, here, name, holder);
    if (acquired) break;
    if (holderIsGone(lease.holder)) {
      await store.releaseLock(name, lease.holder);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = lease.holder === holder ? `another deployment in this Slipway process (${holder})` : `another Slipway process (${lease.holder})`;
      throw new SlipwayError(
        "DEPLOY_LOCKED",
        `${target.service} (${target.environment}) is being deployed by ${who}; its lease runs until ${lease.expiresAt.toISOString()}`,
        { hint: "wait for that deployment to finish (slipway status), or pass --wait 5m to queue behind it" },
      );
    }
    await sleep(POLL_MS);
  }
  const timer = setInterval(() => {
    store.acquireLock(name, holder, LEASE_MS).catch(() => undefined);
  }, RENEW_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      try {
        await store.releaseLock(name, holder);
      } finally {
        here.delete(name);
      }
    },
  };
}

/** One try: taken when another deployment in this process holds it (checked and marked before any await), else the store decides. */
async function acquireOnce(store: Store, here: Set<string>, name: string, holder: string): Promise<{ acquired: boolean; lease: LockLease }> {
  if (here.has(name)) return { acquired: false, lease: { name, holder, expiresAt: new Date(Date.now() + LEASE_MS) } };
  here.add(name);
  try {
    const result = await store.acquireLock(name, holder, LEASE_MS);
    if (!result.acquired) here.delete(name);
    return result;
  } catch (error) {
    here.delete(name);
    throw error;
  }
}
