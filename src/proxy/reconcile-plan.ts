import type { LiveRoute, Route } from "./types.js";

export interface ReconcilePlan {
  /** Routes to create or replace. */
  readonly set: readonly Route[];
  /** Ids of Slipway routes the proxy holds that are not wanted any more. */
  readonly remove: readonly string[];
  readonly unchanged: readonly string[];
}

/** Pairs the wanted routes with those the proxy holds: what to set, what to remove, what is already right. */
export function planReconcile(desired: readonly Route[], live: readonly LiveRoute[]): ReconcilePlan {
  const liveById = new Map(live.map((route) => [route.id, route]));
  const wanted = new Set(desired.map((route) => route.id));
  const set: Route[] = [];
  const unchanged: string[] = [];
  for (const route of desired) {
    const current = liveById.get(route.id);
    if (current && sameRoute(route, current)) unchanged.push(route.id);
    else set.push(route);
  }
  const remove = live.filter((route) => !wanted.has(route.id)).map((route) => route.id);
  return { set, remove, unchanged };
}

/** Same listen address, same set of upstreams (order does not matter for round robin) and of fallbacks, same health path and keep-alive. */
export function sameRoute(a: Route | LiveRoute, b: Route | LiveRoute): boolean {
  return (
    (a.listen.host ?? "") === (b.listen.host ?? "") &&
    a.listen.port === b.listen.port &&
    sameSet(a.upstreams, b.upstreams) &&
    sameSet(a.fallbacks ?? [], b.fallbacks ?? []) &&
    a.healthPath === b.healthPath &&
    (a.keepAlive ?? false) === (b.keepAlive ?? false)
  );
}

/** The same members, whatever their order and repeats. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

/** Ids that appear more than once. */
export function duplicateIds(routes: readonly Route[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.id)) duplicates.add(route.id);
    seen.add(route.id);
  }
  return [...duplicates];
}
