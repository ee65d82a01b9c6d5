import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Leadership, LeaderTerm, Store } from "../store/index.js";

/** The leadership the controllers sharing a store compete for: "controller", or "controller:<scope>" with controller.scope. */
export function leadershipName(scope?: string): string {
  return scope === undefined ? "controller" : `controller:${scope}`;
}

/** This controller's name in the leadership table and in records: host, pid and a random part (a pid is reused). */
export function controllerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

/**
 * `holder` when it names a controller of this host whose process is gone (killed, crashed): a
 * restarted controller then takes over at once instead of waiting out the dead one's lease.
 * Only this host's processes are judged; another host's leader is waited out.
 */
export function deadLocalHolder(holder: string, alive: (pid: number) => boolean = processAlive): string | undefined {
  const [host, pid] = holder.split(":");
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid) || Number(pid) === process.pid) return undefined;
  return alive(Number(pid)) ? undefined : holder;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What a controller does with a claim's answer: start leading, stop, start a new term, or carry on. */
export type LeaderStep = "lead" | "follow" | "stay";

/**
 * The pure rule: a claim we won starts leading unless this very term is already running (a
 * renewal); a term whose epoch changed under us (it lapsed and we took it again) is a new term
 * and its work starts afresh; a claim we lost stops whatever runs. A claim that failed
 * (the store did not answer) keeps the term only while its lease, by our own clock, still runs.
 */
export function leaderStep(
  running: LeaderTerm | undefined,
  claim: { acquired: boolean; leadership: Leadership } | "failed",
  leaseLeftMs: number,
): { step: LeaderStep; restart: boolean } {
  if (claim === "failed") return { step: running !== undefined && leaseLeftMs <= 0 ? "follow" : "stay", restart: false };
  if (!claim.acquired) return { step: running === undefined ? "stay" : "follow", restart: false };
  if (running === undefined) return { step: "lead", restart: false };
  return running.epoch === claim.leadership.epoch ? { step: "stay", restart: false } : { step: "lead", restart: true };
}

export interface LeaderWork {
  stop(): Promise<void>;
}

export interface ElectionOptions {
  readonly store: Store;
  /** Which leadership: controllers of one name compete, others share the database independently. */
  readonly name?: string;
  readonly holder: string;
  readonly leaseMs: number;
  /** Starts the leader-only work of a term on `fenced`, a store that writes only while the term holds; `previous` led before it, when known. */
  readonly lead: (term: Leadership, fenced: Store, previous?: Leadership) => Promise<LeaderWork> | LeaderWork;
  readonly log: (fields: Record<string, unknown>, message: string) => void;
  readonly now?: () => number;
}

export interface Election {
  start(): Promise<void>;
  /** The term this controller leads, if it does. */
  term(): Leadership | undefined;
  /** Who leads, as last seen. */
  leader(): Leadership | undefined;
  /** Stops the leader work and hands leadership over at once. */
  stop(): Promise<void>;
}

/**
 * Leader election over the store's leadership row: claimed (or renewed) every third of the
 * lease, so a leader renews twice before its lease runs out, and a follower takes over within
 * one lease of the leader dying. A leader that cannot renew stops its work when its lease runs
 * out by its own clock; its writes are fenced by the database's anyway (Store.fenced).
 */
export function electLeader(options: ElectionOptions): Election {
  const now = options.now ?? (() => performance.now());
  const name = options.name ?? leadershipName();
  let running: { term: Leadership; work: LeaderWork; renewedAt: number } | undefined;
  let seen: Leadership | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let ticking: Promise<void> = Promise.resolve();

  const stepDown = async (why: string): Promise<void> => {
    const current = running;
    if (current === undefined) return;
    running = undefined;
    options.log({ epoch: current.term.epoch, why }, "leadership lost: stopping the leader's work");
    await current.work.stop();
  };

  const tick = async (): Promise<void> => {
    const startedAt = now();
    let claim: Awaited<ReturnType<Store["claimLeadership"]>> | "failed";
    let before = seen;
    try {
      claim = await options.store.claimLeadership(name, options.holder, options.leaseMs);
      if (!claim.acquired) before = claim.leadership;
      const dead = claim.acquired ? undefined : deadLocalHolder(claim.leadership.holder);
      if (dead !== undefined) {
        options.log({ holder: dead }, "the leader was a controller of this host that is gone: taking over now");
        claim = await options.store.claimLeadership(name, options.holder, options.leaseMs, { dead });
      }
      seen = claim.leadership;
    } catch (error) {
      options.log({ err: error }, "cannot reach the store to renew leadership");
      claim = "failed";
    }
    if (stopped) return;
    const leaseLeft = running === undefined ? 0 : running.renewedAt + options.leaseMs - now();
    const { step, restart } = leaderStep(running?.term, claim, leaseLeft);
    if (step === "follow")
      await stepDown(claim === "failed" ? "the store did not answer within the lease" : `${seen?.holder ?? "another controller"} leads now`);
    if (step === "stay" && running !== undefined && claim !== "failed") running.renewedAt = startedAt;
    if (step === "lead" && claim !== "failed") {
      if (restart) await stepDown("the lease lapsed before it was renewed");
      const term = claim.leadership;
      options.log({ epoch: term.epoch, holder: term.holder }, "leading: starting pollers, schedules, auto-updates and the reconcile loop");
      const previous = before !== undefined && before.epoch < term.epoch ? before : undefined;
      running = { term, work: await options.lead(term, options.store.fenced(term), previous), renewedAt: startedAt };
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        // A term whose work failed to start is tried again at the next claim; it never ends the process.
        ticking = tick()
          .catch((error: unknown) => options.log({ err: error }, "the leader's work did not start; trying again at the next claim"))
          .finally(schedule);
      },
      Math.max(50, Math.floor(options.leaseMs / 3)),
    );
  };

  return {
    async start() {
      ticking = tick();
      await ticking;
      schedule();
    },
    term: () => running?.term,
    leader: () => seen,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await ticking.catch(() => undefined);
      const current = running;
      if (current === undefined) return;
      await stepDown("the controller is stopping");
      await options.store.resignLeadership(current.term).catch(() => false);
    },
  };
}

/**
 * A controller on the embedded SQLite store leads alone: the file is its own, not shared on
 * purpose (several projects may share a state directory by default), so there is nothing to
 * elect and its work runs on the store itself.
 */
export function leadAlone(options: Pick<ElectionOptions, "store" | "lead" | "name"> & { holder: string }): Election {
  const at = new Date();
  const term: Leadership = { name: options.name ?? leadershipName(), holder: options.holder, epoch: 0, since: at, renewedAt: at, expiresAt: new Date(8.64e15) };
  let work: LeaderWork | undefined;
  return {
    async start() {
      work = await options.lead(term, options.store);
    },
    term: () => (work === undefined ? undefined : term),
    leader: () => term,
    async stop() {
      const running = work;
      work = undefined;
      await running?.stop();
    },
  };
}
