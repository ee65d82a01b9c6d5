import { describeSpan, describeWindows, windowState, type WindowLevels } from "./windows.js";

/**
 * The deploy gate: whether a deploy to an environment runs now, waits, or is stopped, and why.
 * Pure: the environment's policy, its freeze, the approvals given and the clock in, a decision
 * with its reasons out. The application keeps held deploys and asks again as time passes and
 * approvals arrive (src/app/held-deploys.ts).
 */

export interface Freeze {
  readonly until: Date;
  readonly reason: string;
  readonly by: string;
}

export interface Verdict {
  readonly actor: string;
  readonly verdict: "approve" | "reject";
  readonly reason?: string;
  readonly at: Date;
}

export interface ApprovalRule {
  /** Approvals from distinct people, the requester not among them. */
  readonly required: number;
  /** When the request lapses unless approved (requested at + approvals.deadline). */
  readonly deadline?: Date;
}

export interface GateInput {
  readonly now: Date;
  readonly windows: WindowLevels;
  readonly freeze?: Freeze | undefined;
  readonly approvals?: ApprovalRule | undefined;
  readonly verdicts?: readonly Verdict[];
  readonly requestedBy?: string;
  /** An urgent deploy's reason: it passes windows and freezes (audited), never approvals. */
  readonly urgent?: string | undefined;
}

export type WaitReason =
  | { readonly gate: "window"; readonly text: string; readonly opensAt?: Date }
  | { readonly gate: "freeze"; readonly text: string; readonly until: Date }
  | { readonly gate: "approvals"; readonly text: string; readonly have: number; readonly need: number; readonly deadline?: Date };

export type GateDecision =
  /** Run now; `overridden` names the gates an urgent deploy passed (for the audit). */
  | { readonly kind: "go"; readonly overridden: readonly string[] }
  /** Wait; `retryAt` is when time alone may open the gate (a window opening, a freeze ending). */
  | { readonly kind: "hold"; readonly waiting: readonly WaitReason[]; readonly retryAt?: Date }
  /** Never runs: rejected, or its deadline passed without the approvals. */
  | { readonly kind: "stop"; readonly status: "rejected" | "expired"; readonly text: string };

export function gateDecision(input: GateInput): GateDecision {
  const { now } = input;
  const verdicts = input.verdicts ?? [];
  const rejection = verdicts.find((verdict) => verdict.verdict === "reject");
  if (rejection !== undefined) {
    return { kind: "stop", status: "rejected", text: `rejected by ${rejection.actor}${rejection.reason === undefined ? "" : `: ${rejection.reason}`}` };
  }
  const waiting: WaitReason[] = [];
  const overridden: string[] = [];
  let retryAt: Date | undefined;

  const approvals = input.approvals;
  if (approvals !== undefined && approvals.required > 0) {
    const have = approvers(verdicts, input.requestedBy).length;
    if (have < approvals.required) {
      if (approvals.deadline !== undefined && now.getTime() >= approvals.deadline.getTime()) {
        return { kind: "stop", status: "expired", text: `expired at ${approvals.deadline.toISOString()} with ${have} of ${approvals.required} approvals` };
      }
      const left = approvals.deadline === undefined ? "" : `, ${describeSpan(approvals.deadline.getTime() - now.getTime())} left`;
      waiting.push({
        gate: "approvals",
        text: `approvals ${have}/${approvals.required}${left}`,
        have,
        need: approvals.required,
        ...(approvals.deadline === undefined ? {} : { deadline: approvals.deadline }),
      });
    }
  }

  const freeze = input.freeze;
  if (freeze !== undefined && now.getTime() < freeze.until.getTime()) {
    if (input.urgent !== undefined) overridden.push("freeze");
    else {
      waiting.push({ gate: "freeze", text: `frozen until ${freeze.until.toISOString()} by ${freeze.by}: ${freeze.reason}`, until: freeze.until });
      retryAt = freeze.until;
    }
  }

  const windows = windowState(input.windows, now);
  if (!windows.open) {
    if (input.urgent !== undefined) overridden.push("window");
    else {
      waiting.push({ gate: "window", text: describeWindows(windows, now), ...(windows.opensAt === undefined ? {} : { opensAt: windows.opensAt }) });
      if (windows.opensAt !== undefined && (retryAt === undefined || windows.opensAt.getTime() > retryAt.getTime())) retryAt = windows.opensAt;
    }
  }

  if (waiting.length === 0) return { kind: "go", overridden };
  return { kind: "hold", waiting, ...(retryAt === undefined ? {} : { retryAt }) };
}

/** The distinct people who approved, the requester not counted (four eyes). */
export function approvers(verdicts: readonly Verdict[], requestedBy: string | undefined): string[] {
  const names = new Set<string>();
  for (const verdict of verdicts) if (verdict.verdict === "approve" && verdict.actor !== requestedBy) names.add(verdict.actor);
  return [...names];
}

/** "approvals 1/2, 23h left; inside the deny window …", for status and notices. */
export function describeHold(waiting: readonly WaitReason[]): string {
  return waiting.map((reason) => reason.text).join("; ");
}
