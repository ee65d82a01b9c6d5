import type { TagScheme } from "../graph/tag-schemes.js";

/**
 * One image of the build graph, as the builder needs it: resolved from slipway.yml by
 * src/builder/targets-from-config.ts, with the repository it is pushed to spelled out.
 */
export interface BuildTarget {
  readonly name: string;
  /** registry/namespace/name, without a tag. */
  readonly repository: string;
  readonly context: SourceContext | LocalContext;
  /** Relative to the context directory; "Dockerfile" by default. */
  readonly dockerfile: string;
  /** Another target's name, an external image reference, or nothing. */
  readonly from?: string;
  /** A build arg the parent is passed under besides PARENT (`parent_arg:`), e.g. PARENT_IMAGE. */
  readonly parentArg?: string;
  /** Mount name (a directory in the build context) -> source name. */
  readonly seal: Readonly<Record<string, string>>;
  readonly args: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly tests: readonly ImageTest[];
  readonly tagScheme: TagScheme;
}

export interface SourceContext {
  readonly kind: "source";
  readonly source: string;
  /** A directory in the source, "" or "." for its root. */
  readonly path: string;
}

export interface LocalContext {
  readonly kind: "local";
  /** An absolute directory on this machine. */
  readonly dir: string;
}

export interface ImageTest {
  readonly name: string;
  readonly command: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Default: 10 minutes. */
  readonly timeoutMs?: number;
}

/**
 * The build arg that always carries the parent image (by digest) into `FROM ${PARENT}`; the
 * parent goes under `parent_arg:` and the first FROM's own ARG too (src/builder/parent-arg.ts).
 */
export const PARENT_ARG = "PARENT";

export function contextLabel(context: BuildTarget["context"]): string {
  return context.kind === "source" ? `${context.source}:${normalizePath(context.path) || "."}` : context.dir;
}

/** "app1/", "./app1", "." -> "app1", "app1", "". */
export function normalizePath(path: string): string {
  return path.replace(/^\.\/?/, "").replace(/\/+$/, "");
}
