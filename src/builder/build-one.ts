import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine, ProgressEvent, RegistryCredentials } from "../engine/index.js";
import { isSlipwayError, SlipwayError } from "../errors/index.js";
import { fingerprint, fingerprintTag, type FingerprintInputs } from "../graph/fingerprint.js";
import type { Reason } from "../graph/plan.js";
import type { Store } from "../store/index.js";
import { materializeContext } from "./context-dir.js";
import { imageLabels } from "./image-labels.js";
import type { OwnInputs } from "./inputs.js";
import type { SourceReader } from "./ports.js";
import { runImageTests } from "./run-tests.js";
import { newTag } from "./tags.js";
import { buildArgsFor, fromArgProblems } from "./parent-arg.js";
import { contextLabel, type BuildTarget } from "./targets.js";

export interface BuildDeps {
  readonly engine: Engine;
  readonly sources: SourceReader;
  readonly store: Store;
  readonly push: boolean;
  readonly noCache: boolean;
  readonly credentials?: RegistryCredentials;
  /** Labels on the test containers (tests label them to clean up). */
  readonly containerLabels?: Record<string, string>;
  readonly sourceUrl?: (source: string) => string | undefined;
  readonly now?: () => Date;
}

export interface BuildRequest {
  readonly target: BuildTarget;
  readonly inputs: OwnInputs;
  readonly reasons: readonly Reason[];
  /** The parent as the build sees it (repository@digest, or a local tag when not pushed). */
  readonly parent?: { readonly ref: string; readonly digest: string };
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly onNote?: (text: string) => void;
}

export interface BuiltImage {
  readonly image: string;
  readonly imageId: string;
  readonly tag: string;
  readonly reference: string;
  /** The pushed manifest digest; undefined when not pushed. */
  readonly digest?: string;
  readonly fingerprint: string;
  readonly inputs: FingerprintInputs;
  readonly buildId: number;
}

/**
 * Builds, tests and (with --push) pushes one image, recording the attempt in the store before
 * it starts and its outcome after. The fingerprint tag is pushed last: its presence in the
 * registry means the image is complete.
 */
export async function buildOne(request: BuildRequest, deps: BuildDeps): Promise<BuiltImage> {
  const { target } = request;
  const inputs: FingerprintInputs = { ...request.inputs, parentDigest: request.parent?.digest };
  const fp = fingerprint(inputs);
  const record = await deps.store.startBuild({ image: target.name, reasons: request.reasons, inputs: { ...inputs }, fingerprint: fp });
  const log: string[] = [];
  const onProgress = (event: ProgressEvent): void => {
    if (event.kind === "output") log.push(event.text);
    if (event.kind === "step") log.push(`Step ${event.index}/${event.count} : ${event.instruction}\n`);
    request.onProgress?.(event);
  };
  try {
    const built = await buildTestPush(request, deps, inputs, fp, onProgress, log);
    await deps.store.finishBuild(record.id, {
      status: "succeeded",
      tag: built.tag,
      reference: built.reference,
      ...(built.digest ? { digest: built.digest } : {}),
      log: log.join(""),
    });
    return { ...built, buildId: record.id };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const details = isSlipwayError(error) ? error.details.join("\n") : "";
    await deps.store.finishBuild(record.id, { status: "failed", error: message, log: `${log.join("")}${details ? `\n${details}\n` : ""}` });
    throw error;
  }
}

async function buildTestPush(
  request: BuildRequest,
  deps: BuildDeps,
  inputs: FingerprintInputs,
  fp: string,
  onProgress: (event: ProgressEvent) => void,
  log: string[],
): Promise<Omit<BuiltImage, "buildId">> {
  const { target } = request;
  const now = deps.now?.() ?? new Date();
  const tag = await newTag(target, inputs, deps.sources, now);
  const reference = `${target.repository}:${tag}`;
  const fpReference = `${target.repository}:${fingerprintTag(fp)}`;
  const labels = imageLabels(target, {
    fingerprint: fp,
    inputs,
    ...(request.parent ? { parentRef: request.parent.ref } : {}),
    ...(inputs.definition.source !== "local" && deps.sourceUrl?.(inputs.definition.source) ? { sourceUrl: deps.sourceUrl(inputs.definition.source) } : {}),
    created: now,
    version: tag,
  });
  const context = await materializeContext(target, inputs, deps.sources);
  let imageId: string;
  try {
    const dockerfileText = readText(join(context.dir, inputs.definition.dockerfile));
    try {
      ({ imageId } = await deps.engine.build({
        contextDir: context.dir,
        dockerfile: inputs.definition.dockerfile,
        tags: [reference, fpReference],
        buildArgs: buildArgsFor(target, dockerfileText, request.parent?.ref),
        labels,
        noCache: deps.noCache,
        onProgress,
      }));
    } catch (error) {
      throw withFromArgHint(error, target, inputs.definition.dockerfile, dockerfileText);
    }
  } finally {
    context.dispose();
  }
  if (target.tests.length > 0) {
    request.onNote?.(`testing ${target.name}: ${target.tests.length} test${target.tests.length === 1 ? "" : "s"}`);
    await runImageTests(deps.engine, { name: target.name, imageId }, target.tests, {
      labels: { "dev.slipway.test-of": target.name, ...deps.containerLabels },
      onOutput: (text) => log.push(text),
    });
  }
  if (!deps.push) return { image: target.name, imageId, tag, reference, fingerprint: fp, inputs };
  const pushed = await deps.engine.push(reference, { ...(deps.credentials ? { credentials: deps.credentials } : {}), onProgress });
  await deps.engine.push(fpReference, { ...(deps.credentials ? { credentials: deps.credentials } : {}) });
  return { image: target.name, imageId, tag, reference, digest: pushed.digest, fingerprint: fp, inputs };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the engine says what is wrong with a missing Dockerfile
  }
}

/**
 * A build that failed on a FROM whose build arg Slipway left empty ("base name (${PARENT_IMAGE})
 * should not be blank") gets a hint naming the ARG, the line and the fix, instead of the
 * engine's generic one.
 */
function withFromArgHint(error: unknown, target: BuildTarget, dockerfile: string, text: string | undefined): unknown {
  if (!isSlipwayError(error, "BUILD_FAILED") || text === undefined) return error;
  // Only a failure on the FROM itself: an empty ARG inside a name (`FROM ${REG}busybox`) may build fine, then fail elsewhere.
  const onFrom = /should not be blank|invalid reference format/i.test(error.message);
  const problem = fromArgProblems(target, text).find((p) => onFrom || error.message.includes(`$${p.arg}`) || error.message.includes(`\${${p.arg}}`));
  if (problem === undefined) return error;
  const where = `${contextLabel(target.context)}/${dockerfile}:${problem.line}`;
  return new SlipwayError("BUILD_FAILED", error.message, {
    details: [...error.details, `${where}: ${problem.message}`],
    hint: problem.fix,
    cause: error,
  });
}
