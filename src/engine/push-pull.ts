import type Docker from "dockerode";
import { SlipwayError } from "../errors/index.js";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { describeEngineFailure, engineError, isConnectionFailure, registryError } from "./errors.js";
import { splitImageRef, type ImageRefParts } from "./image-ref.js";
import { inspectImage } from "./images.js";
import { readJsonLines } from "./json-lines.js";
import { LayerBytes, parseProgressLine, type ProgressEvent } from "./progress.js";
import { registryAuthHeader, type RegistryCredentials } from "./registry-auth.js";

export type { RegistryCredentials };

export interface TransferOptions {
  readonly credentials?: RegistryCredentials;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly signal?: AbortSignal;
}

export interface PushResult {
  readonly ref: string;
  /** The manifest digest the registry now serves for the tag. */
  readonly digest: string;
  readonly size: number | undefined;
}

export interface PullResult {
  readonly ref: string;
  readonly imageId: string;
  /** The manifest digest pulled, when the engine reported it. */
  readonly digest: string | undefined;
}

/** Pushes one tag of a local image to its registry, returning the pushed digest. */
export async function pushImage(docker: Docker, endpoint: EngineEndpoint, ref: string, options: TransferOptions = {}): Promise<PushResult> {
  const parts = splitImageRef(ref);
  if (parts.digest !== undefined) {
    throw new SlipwayError("REFERENCE_INVALID", `cannot push ${ref}: push a tag, not a digest`);
  }
  const stream = await openTransfer(endpoint, parts, ref, "push", () =>
    docker.getImage(parts.repository).push({
      tag: parts.tag ?? "latest",
      authconfig: { key: registryAuthHeader(parts.registry, options.credentials) },
      ...(options.signal === undefined ? {} : { abortSignal: options.signal }),
    }),
  );
  const outcome = await followTransfer(stream, endpoint, parts, ref, "push", options.onProgress);
  if (outcome.digest === undefined) {
    throw new SlipwayError("ENGINE_FAILED", `pushing ${ref} ended without the engine reporting the pushed digest`);
  }
  return { ref, digest: outcome.digest, size: outcome.size };
}

/** Pulls one tag (or digest) from its registry. */
export async function pullImage(docker: Docker, endpoint: EngineEndpoint, ref: string, options: TransferOptions = {}): Promise<PullResult> {
  const parts = splitImageRef(ref);
  const stream = await openTransfer(endpoint, parts, ref, "pull", () =>
    docker.createImage({
      fromImage: parts.repository,
      tag: parts.digest ?? parts.tag ?? "latest",
      authconfig: { key: registryAuthHeader(parts.registry, options.credentials) },
      ...(options.signal === undefined ? {} : { abortSignal: options.signal }),
    }),
  );
  const outcome = await followTransfer(stream, endpoint, parts, ref, "pull", options.onProgress);
  const image = await inspectImage(docker, endpoint, ref);
  if (image === undefined) {
    throw new SlipwayError("ENGINE_FAILED", `the engine reported pulling ${ref}, but has no such image afterwards`);
  }
  return { ref, imageId: image.id, digest: outcome.digest ?? parts.digest };
}

async function openTransfer(
  endpoint: EngineEndpoint,
  parts: ImageRefParts,
  ref: string,
  action: "push" | "pull",
  open: () => Promise<NodeJS.ReadableStream>,
): Promise<NodeJS.ReadableStream> {
  try {
    return await open();
  } catch (error) {
    const failure = describeEngineFailure(error);
    if (isConnectionFailure(failure) || failure.statusCode === undefined) throw engineError(error, endpoint, `${action} of ${ref}`);
    throw registryError({ action, ref, registry: parts.registry, message: failure.message });
  }
}

async function followTransfer(
  stream: NodeJS.ReadableStream,
  endpoint: EngineEndpoint,
  parts: ImageRefParts,
  ref: string,
  action: "push" | "pull",
  onProgress: ((event: ProgressEvent) => void) | undefined,
): Promise<{ digest: string | undefined; size: number | undefined }> {
  const bytes = new LayerBytes();
  let digest: string | undefined;
  let size: number | undefined;
  let failure: string | undefined;
  try {
    for await (const line of readJsonLines(stream)) {
      const event = parseProgressLine(line);
      if (event === undefined) continue;
      if (event.kind === "error") failure = event.message;
      if (event.kind === "digest") ({ digest, size } = { digest: event.digest, size: event.size ?? size });
      onProgress?.(event);
      const totals = bytes.update(event);
      if (totals !== undefined) onProgress?.({ kind: "bytes", ...totals });
    }
  } catch (error) {
    throw engineError(error, endpoint, `${action} of ${ref}`);
  }
  if (failure !== undefined) throw registryError({ action, ref, registry: parts.registry, message: failure });
  return { digest, size };
}
