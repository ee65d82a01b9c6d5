/**
 * Typed events from the engine's JSON-lines progress streams (build, push, pull).
 * Pure: one parsed JSON line in, at most one event out.
 */
export type ProgressEvent =
  /** A Dockerfile step starts: "Step 2/3 : RUN make". */
  | { readonly kind: "step"; readonly index: number; readonly count: number; readonly instruction: string }
  /** Build output (one chunk; may hold part of a line or several lines). */
  | { readonly kind: "output"; readonly text: string }
  /** Per-layer push/pull status, with bytes when the engine reports them. */
  | { readonly kind: "layer"; readonly layer: string; readonly status: string; readonly current?: number; readonly total?: number }
  /** Bytes moved so far over every layer seen (push/pull), after each layer event with progress. */
  | { readonly kind: "bytes"; readonly current: number; readonly total: number }
  /** A general status line ("The push refers to repository [...]", "Status: Downloaded newer image ..."). */
  | { readonly kind: "status"; readonly status: string }
  /** The ID of the image a build produced. */
  | { readonly kind: "image-id"; readonly imageId: string }
  /** The manifest digest a push produced or a pull resolved. */
  | { readonly kind: "digest"; readonly digest: string; readonly tag?: string; readonly size?: number }
  /** The engine reports a failure inside the stream (after answering 200). */
  | { readonly kind: "error"; readonly message: string };

type Json = Record<string, unknown>;

const STEP = /^Step (\d+)\/(\d+) : (.*)$/s;
const PUSH_DIGEST = /^(\S+): digest: (sha256:[0-9a-f]{64}) size: (\d+)$/;
const PULL_DIGEST = /^Digest: (sha256:[0-9a-f]{64})$/;

export function parseProgressLine(line: unknown): ProgressEvent | undefined {
  if (!isObject(line)) return undefined;
  const error = errorMessage(line);
  if (error !== undefined) return { kind: "error", message: error };
  if (isObject(line.aux)) return auxEvent(line.aux);
  if (typeof line.stream === "string") return streamEvent(line.stream);
  if (typeof line.status === "string") return statusEvent(line);
  return undefined;
}

function errorMessage(line: Json): string | undefined {
  const detail = isObject(line.errorDetail) && typeof line.errorDetail.message === "string" ? line.errorDetail.message : undefined;
  if (detail !== undefined && detail !== "") return detail;
  return typeof line.error === "string" && line.error !== "" ? line.error : undefined;
}

function auxEvent(aux: Json): ProgressEvent | undefined {
  if (typeof aux.ID === "string") return { kind: "image-id", imageId: aux.ID };
  if (typeof aux.Digest !== "string") return undefined;
  return {
    kind: "digest",
    digest: aux.Digest,
    ...(typeof aux.Tag === "string" ? { tag: aux.Tag } : {}),
    ...(typeof aux.Size === "number" ? { size: aux.Size } : {}),
  };
}

function streamEvent(text: string): ProgressEvent {
  const step = STEP.exec(text.trim());
  if (step) return { kind: "step", index: Number(step[1]), count: Number(step[2]), instruction: step[3] ?? "" };
  return { kind: "output", text };
}

function statusEvent(line: Json): ProgressEvent {
  const status = String(line.status);
  const pushed = PUSH_DIGEST.exec(status);
  if (pushed) return { kind: "digest", tag: pushed[1] ?? "", digest: pushed[2] ?? "", size: Number(pushed[3]) };
  const pulled = PULL_DIGEST.exec(status);
  if (pulled) return { kind: "digest", digest: pulled[1] ?? "" };
  const layer = typeof line.id === "string" && line.id !== "" ? line.id : undefined;
  // "Pulling from REPO" carries the tag as its id, not a layer.
  if (layer === undefined || status.startsWith("Pulling from ")) return { kind: "status", status };
  const detail = isObject(line.progressDetail) ? line.progressDetail : {};
  return {
    kind: "layer",
    layer,
    status,
    ...(typeof detail.current === "number" ? { current: detail.current } : {}),
    ...(typeof detail.total === "number" ? { total: detail.total } : {}),
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const MOVING = /^(Pushing|Downloading)$/;
const DONE = /^(Pushed|Layer already exists|Mounted from|Download complete|Pull complete|Already exists)/;

/**
 * Sums bytes moved over layers (push: Pushing; pull: Downloading, not Extracting). A finished
 * layer counts as its whole size. The engine's totals are estimates (a push can send more
 * than the layer's "total"), so a layer's total is at least what it has sent.
 */
export class LayerBytes {
  readonly #layers = new Map<string, { current: number; total: number }>();

  /** Records a layer event; returns the new totals when the event changed them. */
  update(event: ProgressEvent): { current: number; total: number } | undefined {
    if (event.kind !== "layer") return undefined;
    const known = this.#layers.get(event.layer) ?? { current: 0, total: 0 };
    if (DONE.test(event.status)) {
      const size = Math.max(known.current, known.total);
      this.#layers.set(event.layer, { current: size, total: size });
      return this.totals();
    }
    if (!MOVING.test(event.status) || event.current === undefined) return undefined;
    const current = event.current;
    this.#layers.set(event.layer, { current, total: Math.max(event.total ?? known.total, current) });
    return this.totals();
  }

  totals(): { current: number; total: number } {
    let current = 0;
    let total = 0;
    for (const layer of this.#layers.values()) {
      current += layer.current;
      total += layer.total;
    }
    return { current, total };
  }
}

// The engine's builder wraps a step's stderr in ANSI colour codes.
// eslint-disable-next-line no-control-regex
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

function clean(line: string): string {
  return line.replace(ANSI_COLOUR, "").replace(/\r$/, "");
}

/** Keeps the current step's line and the last lines of its output, for a failure report. */
export class StepOutput {
  readonly #limit: number;
  #step: string | undefined;
  #lines: string[] = [];
  #partial = "";

  constructor(limit = 20) {
    this.#limit = limit;
  }

  add(event: ProgressEvent): void {
    if (event.kind === "step") {
      this.#step = `Step ${event.index}/${event.count} : ${event.instruction}`;
      this.#lines = [];
      this.#partial = "";
      return;
    }
    if (event.kind !== "output") return;
    const pieces = (this.#partial + event.text).split("\n");
    this.#partial = pieces.pop() ?? "";
    for (const piece of pieces) this.#push(piece);
  }

  /** The step line, then up to `limit` of its last output lines. */
  lines(): string[] {
    const partial = clean(this.#partial);
    const output = partial.trim() === "" ? this.#lines : [...this.#lines, partial];
    const tail = output.slice(-this.#limit);
    return this.#step === undefined ? tail : [this.#step, ...tail];
  }

  #push(line: string): void {
    const text = clean(line);
    if (text.trim() === "") return;
    this.#lines.push(text);
    if (this.#lines.length > this.#limit * 2) this.#lines = this.#lines.slice(-this.#limit);
  }
}
