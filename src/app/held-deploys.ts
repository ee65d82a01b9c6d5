import { userInfo } from "node:os";
import type { Config } from "../config/index.js";
import { parseDuration } from "../config/units.js";
import { chooseEnvironment, currentRevision } from "../deploy/index.js";
import { SlipwayError } from "../errors/index.js";
import type { NotifyEventInput } from "../notify/index.js";
import { approvers, describeHold, type GateDecision } from "../policy/index.js";
import { heldNotFound, heldNotWaiting } from "../store/held-errors.js";
import type { FreezeRecord, HeldDeployRecord, Store } from "../store/index.js";
import type { AppContext } from "./context.js";
import { activeFreeze, decide, policyFor, policyHolds, type DeployKind } from "./deploy-policy.js";
import { toWire, type Wire } from "./wire.js";

/**
 * Deploys an environment's policy holds (approvals, maintenance windows, a freeze): a request
 * the gate does not let through now is queued with the image it will deploy, decided again as
 * approvals arrive and time passes (runDueHeld), and run through the one deploy path when the
 * gate opens. Rollbacks and `down` are never held: they return to what ran before.
 */

export interface GateDeps {
  readonly config: Config;
  readonly store: Store;
  readonly notify?: ((event: NotifyEventInput) => void) | undefined;
  readonly now?: () => Date;
}

export interface GateRequest {
  readonly service: string;
  readonly environment: string;
  /** The image it deploys: resolved before it is held, so what runs later is what was asked for. */
  readonly image: () => Promise<string>;
  readonly trigger: string;
  readonly requestedBy: string;
  readonly kind: DeployKind;
  readonly urgent?: string | undefined;
  /** Options the deploy runs with later (force, replicas, the promotion's source). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export type GateOutcome = { readonly kind: "go" } | { readonly kind: "held"; readonly held: HeldDeployRecord; readonly waiting: string };

/** The gate's dependencies from an application context. */
export function gateDeps(context: Pick<AppContext, "loaded" | "store" | "notify">): GateDeps {
  return { config: context.loaded.config, store: context.store, notify: context.notify };
}

/** Whether a held deploy is an auto-update (held to update.windows and update.auto: approve too) or any other deploy. */
function heldKind(held: HeldDeployRecord): DeployKind {
  return held.detail["kind"] === "update" ? "update" : "deploy";
}

/** A held deploy's number as people write it (7 or #7). */
export function parseHeldId(text: string): number {
  if (!/^#?\d{1,12}$/.test(text)) {
    throw new SlipwayError("USAGE", `"${text}" is not a held deploy's number`, {
      hint: "`slipway queue` (GET /api/v1/held) lists them, e.g. slipway approve 7",
    });
  }
  return Number(text.replace("#", ""));
}

/** Someone at this machine's CLI, by their login name. */
export function localActor(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env["USER"] ?? "cli";
  }
}

/**
 * Runs the gate for a deploy about to start: "go" (an urgent override that passed a window or
 * a freeze is audited with its reason), or the deploy held, recorded, audited and announced
 * with how to approve it.
 */
export async function gateOrHold(deps: GateDeps, request: GateRequest): Promise<GateOutcome> {
  const { service, environment } = request;
  const now = deps.now?.() ?? new Date();
  const policy = policyFor(deps.config, service, environment, request.kind);
  const freeze = await activeFreeze(deps.store, environment, now);
  if (!policyHolds(policy) && freeze === undefined) return { kind: "go" };
  const decision = decide(policy, { now, freeze, requestedBy: request.requestedBy, urgent: request.urgent });
  if (decision.kind === "go") {
    // What runs now replaces what waited: a held deploy of an older request must not follow it.
    const superseded = await deps.store.supersedeWaiting(
      service,
      environment,
      `superseded by a ${request.trigger} deploy by ${request.requestedBy} that ran at once`,
      now,
    );
    if (decision.overridden.length > 0) {
      await deps.store.appendAudit({
        actor: request.requestedBy,
        action: "deploy.urgent",
        subject: service,
        detail: {
          environment,
          reason: request.urgent,
          overridden: decision.overridden,
          trigger: request.trigger,
          ...(superseded.length === 0 ? {} : { superseded }),
        },
      });
    }
    return { kind: "go" };
  }
  if (decision.kind === "stop") throw new SlipwayError("INTERNAL", `a new deploy request was stopped by its gate at once: ${decision.text}`);
  const image = await request.image();
  const deadline = policy.approvals.deadlineMs === undefined ? undefined : new Date(now.getTime() + policy.approvals.deadlineMs);
  const { held, superseded } = await deps.store.holdDeploy({
    service,
    environment,
    image,
    trigger: request.trigger,
    requestedBy: request.requestedBy,
    requestedAt: now,
    detail: { kind: request.kind, ...request.detail, ...(request.urgent === undefined ? {} : { urgent: request.urgent }) },
    ...(deadline === undefined ? {} : { deadline }),
  });
  const waiting = describeHold(decision.waiting);
  await deps.store.appendAudit({
    actor: request.requestedBy,
    action: "deploy.held",
    subject: service,
    detail: { environment, held: held.id, image, trigger: request.trigger, waiting, ...(superseded.length === 0 ? {} : { superseded }) },
  });
  const approvalsNeeded = decision.waiting.some((reason) => reason.gate === "approvals");
  deps.notify?.({
    event: "held",
    title: `Deploy of ${service} ${image} to ${environment} is held (#${held.id}): ${waiting}${approvalsNeeded ? `; approve with: slipway approve ${held.id}` : ""}`,
    subject: service,
    environment,
    outcome: "waiting",
    detail: {
      held: held.id,
      image,
      waiting,
      requestedBy: request.requestedBy,
      ...(approvalsNeeded ? { approve: `slipway approve ${held.id}`, reject: `slipway reject ${held.id}`, api: `POST /api/v1/held/${held.id}/approve` } : {}),
      ...(superseded.length === 0 ? {} : { superseded }),
    },
  });
  return { kind: "held", held, waiting };
}

/**
 * The gate of an auto-update of `service` to `image`: what an earlier check already held or
 * stopped for this image stands (one request per image, announced once; a rejected image is
 * not asked for again), else gateOrHold.
 */
export async function gateUpdate(
  deps: GateDeps,
  request: { service: string; environment: string; image: string },
): Promise<{ kind: "go" } | { kind: "held"; held: number; waiting: string } | { kind: "stopped"; text: string }> {
  const earlier = (await deps.store.listHeld({ service: request.service, environment: request.environment, limit: 20 })).find(
    (held) => held.image === request.image && held.status !== "superseded",
  );
  if (earlier?.status === "waiting" || earlier?.status === "running") {
    const view = await heldView(deps, earlier);
    return { kind: "held", held: earlier.id, waiting: view.waiting ?? earlier.status };
  }
  if (earlier !== undefined && earlier.status !== "succeeded")
    return { kind: "stopped", text: `held deploy #${earlier.id} ${earlier.error ?? earlier.status}` };
  const gate = await gateOrHold(deps, {
    service: request.service,
    environment: request.environment,
    image: () => Promise.resolve(request.image),
    trigger: "auto-update",
    requestedBy: "auto-update",
    kind: "update",
  });
  return gate.kind === "go" ? gate : { kind: "held", held: gate.held.id, waiting: gate.waiting };
}

/** A held deploy's gate as of now: its verdicts, its deadline, the freeze and windows in force. */
export async function heldDecision(deps: GateDeps, held: HeldDeployRecord): Promise<GateDecision> {
  const now = deps.now?.() ?? new Date();
  const policy = policyFor(deps.config, held.service, held.environment, heldKind(held));
  const urgent = typeof held.detail["urgent"] === "string" ? held.detail["urgent"] : undefined;
  return decide(policy, {
    now,
    freeze: await activeFreeze(deps.store, held.environment, now),
    verdicts: held.verdicts,
    requestedBy: held.requestedBy,
    requestedAt: held.requestedAt,
    urgent,
  });
}

/** What `slipway queue` and GET /api/v1/held show of a held deploy: the record as JSON, its verdicts as who approved, and (while waiting) what for, as of now. */
export type HeldView = Wire<Omit<HeldDeployRecord, "detail" | "verdicts">> & {
  readonly waiting?: string;
  readonly approvedBy: readonly string[];
};

export async function heldView(deps: GateDeps, held: HeldDeployRecord): Promise<HeldView> {
  const decision = held.status === "waiting" ? await heldDecision(deps, held) : undefined;
  const waiting =
    decision === undefined
      ? undefined
      : decision.kind === "hold"
        ? describeHold(decision.waiting)
        : decision.kind === "go"
          ? "due: runs at the controller's next look"
          : decision.text;
  const { detail: _detail, verdicts, ...record } = held;
  return { ...toWire(record), ...(waiting === undefined ? {} : { waiting }), approvedBy: approvers(verdicts, held.requestedBy) };
}

/** The held deploys, waiting ones (or all, newest first), as views. */
export async function listHeldViews(deps: GateDeps, options: { all?: boolean; environment?: string; service?: string } = {}): Promise<HeldView[]> {
  const records = await deps.store.listHeld({
    ...(options.all === true ? {} : { status: "waiting" }),
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    ...(options.service === undefined ? {} : { service: options.service }),
    limit: options.all === true ? 50 : 500,
  });
  return Promise.all(records.map((held) => heldView(deps, held)));
}

/**
 * One person's approval of a waiting held deploy. The requester's own is refused (four eyes),
 * as is one for a deploy that waits for no approvals (a window or a freeze holds it).
 */
export async function approveHeld(deps: GateDeps, id: number, actor: string, reason?: string): Promise<HeldView> {
  const held = await waitingHeld(deps.store, id);
  const required = policyFor(deps.config, held.service, held.environment, heldKind(held)).approvals.required;
  if (required === 0) {
    throw new SlipwayError(
      "APPROVAL_REFUSED",
      `held deploy #${id} (${held.service} to ${held.environment}) needs no approval: ${(await heldView(deps, held)).waiting ?? "it waits"}`,
      {
        hint: "it runs when its window opens or the freeze ends; `slipway deploy --urgent REASON` passes windows and freezes",
      },
    );
  }
  if (actor === held.requestedBy) {
    throw new SlipwayError("APPROVAL_REFUSED", `${actor} requested held deploy #${id}: approvals come from other people`, {
      hint: `someone else runs: slipway approve ${id}`,
    });
  }
  const now = deps.now?.() ?? new Date();
  const updated = await deps.store.addVerdict(id, { actor, verdict: "approve", at: now, ...(reason === undefined ? {} : { reason }) });
  await deps.store.appendAudit({
    actor,
    action: "deploy.approve",
    subject: held.service,
    detail: {
      environment: held.environment,
      held: id,
      image: held.image,
      approvedBy: approvers(updated.verdicts, held.requestedBy),
      ...(reason === undefined ? {} : { reason }),
    },
  });
  return heldView(deps, updated);
}

/** Stops a waiting held deploy: rejected by someone, or cancelled by its requester. */
export async function rejectHeld(deps: GateDeps, id: number, actor: string, reason?: string): Promise<HeldView> {
  const held = await waitingHeld(deps.store, id);
  const now = deps.now?.() ?? new Date();
  const cancel = actor === held.requestedBy;
  let finished: HeldDeployRecord;
  if (cancel) {
    finished = await deps.store.finishHeld(id, {
      status: "cancelled",
      error: `cancelled by ${actor}${reason === undefined ? "" : `: ${reason}`}`,
      finishedAt: now,
    });
  } else {
    await deps.store.addVerdict(id, { actor, verdict: "reject", at: now, ...(reason === undefined ? {} : { reason }) });
    finished = await deps.store.finishHeld(id, {
      status: "rejected",
      error: `rejected by ${actor}${reason === undefined ? "" : `: ${reason}`}`,
      finishedAt: now,
    });
  }
  await deps.store.appendAudit({
    actor,
    action: cancel ? "deploy.cancel" : "deploy.reject",
    subject: held.service,
    detail: { environment: held.environment, held: id, image: held.image, ...(reason === undefined ? {} : { reason }) },
  });
  deps.notify?.({
    event: "held",
    title: `Held deploy #${id} of ${held.service} ${held.image} to ${held.environment} ${finished.error ?? finished.status}`,
    subject: held.service,
    environment: held.environment,
    outcome: "cancelled",
    detail: { held: id, image: held.image, by: actor, ...(reason === undefined ? {} : { reason }) },
  });
  return heldView(deps, finished);
}

async function waitingHeld(store: Store, id: number): Promise<HeldDeployRecord> {
  const held = await store.getHeld(id);
  if (held === undefined) throw heldNotFound(id);
  if (held.status !== "waiting") throw heldNotWaiting(held);
  return held;
}

/** What became of one held deploy that runDueHeld looked at. */
export interface DueOutcome {
  readonly id: number;
  readonly service: string;
  readonly environment: string;
  readonly status: "succeeded" | "failed" | "rejected" | "expired" | "cancelled" | "skipped";
  readonly deployment?: number;
  readonly error?: string;
}

/** How a due held deploy is deployed: the application's deployFromConfig with the held image, trigger and options. */
export type RunHeld = (held: HeldDeployRecord) => Promise<{ ok: true; deployment?: number } | { ok: false; error: string; deployment?: number }>;

/**
 * Decides every waiting held deploy again (or only `only`): an expired one is stopped and
 * announced; one whose gate opened is claimed (one process runs it, however many look) and
 * run; the rest keep waiting.
 */
export async function runDueHeld(deps: GateDeps, run: RunHeld, options: { only?: number } = {}): Promise<DueOutcome[]> {
  const waiting = (await deps.store.listHeld({ status: "waiting", limit: 500 })).filter((held) => options.only === undefined || held.id === options.only);
  const outcomes: DueOutcome[] = [];
  for (const held of waiting.reverse()) {
    const base = { id: held.id, service: held.service, environment: held.environment };
    const gone = goneFromConfig(deps.config, held);
    if (gone !== undefined) {
      await deps.store.finishHeld(held.id, { status: "cancelled", error: gone });
      await deps.store.appendAudit({
        actor: "controller",
        action: "deploy.cancel",
        subject: held.service,
        detail: { environment: held.environment, held: held.id, reason: gone },
      });
      outcomes.push({ ...base, status: "cancelled", error: gone });
      continue;
    }
    const decision = await heldDecision(deps, held);
    if (decision.kind === "hold") continue;
    if (decision.kind === "stop") {
      await deps.store.finishHeld(held.id, { status: decision.status, error: decision.text });
      await deps.store.appendAudit({
        actor: "controller",
        action: `deploy.${decision.status}`,
        subject: held.service,
        detail: { environment: held.environment, held: held.id, reason: decision.text },
      });
      deps.notify?.({
        event: "held",
        title: `Held deploy #${held.id} of ${held.service} ${held.image} to ${held.environment} ${decision.text}`,
        subject: held.service,
        environment: held.environment,
        outcome: "cancelled",
        detail: { held: held.id, image: held.image },
      });
      outcomes.push({ ...base, status: decision.status, error: decision.text });
      continue;
    }
    if (!(await deps.store.claimHeld(held.id))) {
      outcomes.push({ ...base, status: "skipped" });
      continue;
    }
    const result: Awaited<ReturnType<RunHeld>> = await run(held).catch((error: unknown) => ({
      ok: false as const,
      error: error instanceof Error ? error.message : String(error),
    }));
    const deployment = result.deployment === undefined ? {} : { deployment: result.deployment };
    if (result.ok) {
      await deps.store.finishHeld(held.id, { status: "succeeded", ...deployment });
      outcomes.push({ ...base, status: "succeeded", ...deployment });
    } else {
      await deps.store.finishHeld(held.id, { status: "failed", error: result.error, ...deployment });
      outcomes.push({ ...base, status: "failed", error: result.error, ...deployment });
    }
  }
  return outcomes;
}

/** Why a held deploy can no longer run as asked: its service, or the environment, left slipway.yml (or the service no longer deploys there). */
function goneFromConfig(config: Config, held: HeldDeployRecord): string | undefined {
  const declared = config.services[held.service];
  if (declared === undefined) return `the service ${held.service} is no longer in slipway.yml`;
  const environments = Object.keys(config.environments);
  const known = environments.length === 0 ? held.environment === "default" : environments.includes(held.environment);
  if (!known || (declared.environments !== undefined && !declared.environments.includes(held.environment)))
    return `${held.service} no longer deploys to ${held.environment} (slipway.yml changed)`;
  return undefined;
}

/** `slipway freeze ENV --until …`: every deploy to it but an urgent one waits until then (or `unfreeze`). */
export async function freezeEnvironment(deps: GateDeps, input: { environment: string; until: Date; reason: string; actor: string }): Promise<FreezeRecord> {
  const environment = chooseEnvironment(deps.config, input.environment);
  const now = deps.now?.() ?? new Date();
  if (input.until.getTime() <= now.getTime()) {
    throw new SlipwayError("USAGE", `--until ${input.until.toISOString()} is in the past: a freeze ends later than now`, {
      hint: "give a time to come, e.g. --until 2026-12-27T08:00:00+01:00 or --until 3d",
    });
  }
  if (input.reason.trim() === "") throw new SlipwayError("USAGE", "a freeze needs a reason (--reason TEXT): it is shown to everyone it holds up");
  const freeze: FreezeRecord = { environment, until: input.until, reason: input.reason.trim(), by: input.actor, at: now };
  await deps.store.setFreeze(freeze);
  await deps.store.appendAudit({
    actor: input.actor,
    action: "environment.freeze",
    subject: environment,
    detail: { until: freeze.until.toISOString(), reason: freeze.reason },
  });
  deps.notify?.({
    event: "held",
    title: `${environment} is frozen until ${freeze.until.toISOString()} by ${input.actor}: ${freeze.reason}`,
    subject: environment,
    environment,
    outcome: "waiting",
    detail: { until: freeze.until.toISOString(), reason: freeze.reason },
  });
  return freeze;
}

export async function unfreezeEnvironment(deps: GateDeps, input: { environment: string; actor: string }): Promise<boolean> {
  const environment = chooseEnvironment(deps.config, input.environment);
  const cleared = await deps.store.clearFreeze(environment);
  if (cleared) await deps.store.appendAudit({ actor: input.actor, action: "environment.unfreeze", subject: environment, detail: {} });
  return cleared;
}

/** The freezes in force now. */
export async function activeFreezes(deps: GateDeps): Promise<FreezeRecord[]> {
  const now = deps.now?.() ?? new Date();
  return (await deps.store.listFreezes()).filter((freeze) => freeze.until.getTime() > now.getTime());
}

/**
 * `--until` as people write it: an ISO 8601 time (2026-12-27T08:00:00+01:00, 2026-12-27 for
 * midnight UTC) or a duration from now (3d, 12h).
 */
export function parseUntil(text: string, now: Date): Date {
  const span = parseDuration(text);
  if (span !== undefined && span > 0) return new Date(now.getTime() + span);
  const at = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new SlipwayError("USAGE", `"${text}" is neither a time nor a duration`, {
      hint: "e.g. --until 2026-12-27T08:00:00+01:00, --until 2026-12-27 or --until 3d",
    });
  }
  return new Date(at);
}

/** The revision that keeps running while a deploy of `service` waits (0 before its first deployment). */
export async function runningRevision(store: Store, service: string, environment: string): Promise<number> {
  return (await currentRevision({ store }, service, environment))?.revision ?? 0;
}
