import { Cron } from "croner";
import { cronOptions } from "../config/cron.js";

/**
 * Maintenance windows: when a deploy may run. A window opens at each time its cron schedule
 * fires (in its time zone) and stays open for its duration. Allow windows say when deploys may
 * run (none: any time); deny windows say when they may not, and deny beats allow. Pure: the
 * windows and the clock in, whether it is open now and when it next opens out.
 */
export interface MaintenanceWindow {
  readonly kind: "allow" | "deny";
  /** A cron schedule (5 fields, or 6 with seconds first), as croner reads it. */
  readonly schedule: string;
  readonly durationMs: number;
  /** An IANA time zone the schedule is read in, e.g. Europe/Berlin; UTC when absent. */
  readonly timezone?: string;
}

/**
 * The windows a deploy must satisfy, one list per level (the environment's, then a service's
 * update.windows for its auto-updates): it may run when, at every level, an allow window is
 * open (or the level has none) and no deny window is.
 */
export type WindowLevels = readonly (readonly MaintenanceWindow[])[];

export type WindowState =
  | { readonly open: true }
  | {
      readonly open: false;
      /** What holds it: the deny window it is in, or the allow windows it is outside of. */
      readonly blockedBy: { readonly kind: "deny"; readonly window: MaintenanceWindow } | { readonly kind: "outside" };
      /** When it may run next; undefined when the windows never open again. */
      readonly opensAt: Date | undefined;
    };

const SEARCH_STEPS = 200;

/** Whether a deploy may run at `now` under `levels`, and if not, why and from when. */
export function windowState(levels: WindowLevels, now: Date): WindowState {
  const blocked = blockedAt(levels, now);
  if (blocked === undefined) return { open: true };
  return { open: false, blockedBy: blocked, opensAt: nextOpening(levels, now) };
}

/** One line for status and notices: "inside the deny window 0 0 24 12 * (48h) until …", "outside its maintenance windows; they open at …". */
export function describeWindows(state: WindowState, now: Date): string {
  if (state.open) return "inside its maintenance windows";
  const when =
    state.opensAt === undefined
      ? "they never open again"
      : `runs at ${state.opensAt.toISOString()} (${describeSpan(state.opensAt.getTime() - now.getTime())} from now)`;
  if (state.blockedBy.kind === "deny") {
    const window = state.blockedBy.window;
    return `inside the deny window "${window.schedule}" (${describeSpan(window.durationMs)}${window.timezone === undefined ? "" : `, ${window.timezone}`}); ${when}`;
  }
  return `outside its allow windows; ${when}`;
}

/** 47 min, 2h 5 min, 3 d 4h, for people. */
export function describeSpan(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.ceil(ms / 1_000))} s`;
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24}h`;
}

function blockedAt(levels: WindowLevels, at: Date): { kind: "deny"; window: MaintenanceWindow } | { kind: "outside" } | undefined {
  for (const level of levels) {
    const deny = level.find((window) => window.kind === "deny" && covers(window, at));
    if (deny !== undefined) return { kind: "deny", window: deny };
  }
  for (const level of levels) {
    const allows = level.filter((window) => window.kind === "allow");
    if (allows.length > 0 && !allows.some((window) => covers(window, at))) return { kind: "outside" };
  }
  return undefined;
}

/**
 * The first moment from `now` on when no level blocks: past the end of each deny window met,
 * or on to the next start of an allow window, until both hold at once.
 */
function nextOpening(levels: WindowLevels, now: Date): Date | undefined {
  let at = now;
  for (let step = 0; step < SEARCH_STEPS; step += 1) {
    const blocked = blockedAt(levels, at);
    if (blocked === undefined) return at;
    const next = blocked.kind === "deny" ? coverEnd(blocked.window, at) : nextAllowStart(levels, at);
    if (next === undefined || next.getTime() <= at.getTime()) return undefined;
    at = next;
  }
  return undefined;
}

/** The next start of an allow window at a level that `at` is outside of. */
function nextAllowStart(levels: WindowLevels, at: Date): Date | undefined {
  for (const level of levels) {
    const allows = level.filter((window) => window.kind === "allow");
    if (allows.length === 0 || allows.some((window) => covers(window, at))) continue;
    const starts = allows.flatMap((window) => {
      const start = cron(window).nextRun(at);
      return start === null ? [] : [start];
    });
    return starts.length === 0 ? undefined : new Date(Math.min(...starts.map((start) => start.getTime())));
  }
  return undefined;
}

/** True when `window` is open at `at`: it fired at some t with t <= at < t + duration. */
export function covers(window: MaintenanceWindow, at: Date): boolean {
  const fired = cron(window).nextRun(new Date(at.getTime() - window.durationMs));
  return fired !== null && fired.getTime() <= at.getTime();
}

/** When `window`, open at `at`, closes: the end of the last of its overlapping openings. */
function coverEnd(window: MaintenanceWindow, at: Date): Date {
  const schedule = cron(window);
  let end = at.getTime();
  let fired = schedule.nextRun(new Date(at.getTime() - window.durationMs));
  for (let step = 0; fired !== null && fired.getTime() <= end && step < SEARCH_STEPS; step += 1) {
    end = Math.max(end, fired.getTime() + window.durationMs);
    fired = schedule.nextRun(fired);
  }
  return new Date(end);
}

function cron(window: MaintenanceWindow): Cron {
  return new Cron(window.schedule, { ...cronOptions, paused: true, ...(window.timezone === undefined ? {} : { timezone: window.timezone }) });
}
