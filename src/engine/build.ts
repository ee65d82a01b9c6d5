import type Docker from "dockerode";
import { SlipwayError } from "../errors/index.js";
import { redactText } from "../util/secret.js";
import { prepareBuildContext } from "./build-context.js";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { describeEngineFailure, engineError, isConnectionFailure } from "./errors.js";
import { splitImageRef } from "./image-ref.js";
import { tagImage } from "./images.js";
import { readJsonLines } from "./json-lines.js";
import { parseProgressLine, StepOutput, type ProgressEvent } from "./progress.js";

export interface BuildOptions {
  readonly contextDir: string;
  /** Relative to the context; "Dockerfile" when omitted. */
  readonly dockerfile?: string;
  readonly tags: readonly string[];
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly noCache?: boolean;
  /** Ask the engine to pull newer base images (off by default). */
  readonly pull?: boolean;
  readonly target?: string;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly signal?: AbortSignal;
}

export interface BuildResult {
  readonly imageId: string;
  readonly tags: readonly string[];
}

/** Builds an image with the engine's builder, streaming progress; a failing step throws BUILD_FAILED. */
export async function buildImage(docker: Docker, endpoint: EngineEndpoint, options: BuildOptions): Promise<BuildResult> {
  for (const tag of options.tags) splitImageRef(tag);
  const context = prepareBuildContext(options.contextDir, options.dockerfile);
  const [firstTag, ...otherTags] = options.tags;
  const what = firstTag ?? context.contextDir;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(
      { context: context.contextDir, src: context.entries },
      {
        ...(firstTag === undefined ? {} : { t: firstTag }),
        dockerfile: context.dockerfile,
        buildargs: { ...options.buildArgs },
        labels: { ...options.labels },
        nocache: options.noCache ?? false,
        pull: options.pull ?? false,
        rm: true,
        forcerm: true,
        ...(options.target === undefined ? {} : { target: options.target }),
        ...(options.signal === undefined ? {} : { abortSignal: options.signal }),
      },
    );
  } catch (error) {
    throw buildRequestError(error, endpoint, what);
  }
  let imageId: string;
  try {
    imageId = await followBuild(stream, what, context.dockerfile, options.onProgress);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw engineError(error, endpoint, `building ${what}`);
  }
  for (const tag of otherTags) await tagImage(docker, endpoint, imageId, tag);
  return { imageId, tags: options.tags };
}

async function followBuild(
  stream: NodeJS.ReadableStream,
  what: string,
  dockerfile: string,
  onProgress: ((event: ProgressEvent) => void) | undefined,
): Promise<string> {
  const output = new StepOutput(20);
  let imageId: string | undefined;
  let failure: string | undefined;
  for await (const line of readJsonLines(stream)) {
    const event = parseProgressLine(line);
    if (event === undefined) continue;
    output.add(event);
    if (event.kind === "image-id") imageId = event.imageId;
    if (event.kind === "error") failure = event.message;
    onProgress?.(event);
  }
  if (failure !== undefined) {
    throw new SlipwayError("BUILD_FAILED", redactText(`building ${what} failed: ${failure}`), {
      details: output.lines().map(redactText),
      hint: `fix the failing step of ${dockerfile} (its last output is shown above) and build again`,
    });
  }
  if (imageId === undefined) {
    throw new SlipwayError("ENGINE_FAILED", `building ${what} ended without the engine reporting an image ID`, {
      details: output.lines(),
    });
  }
  return imageId;
}

function buildRequestError(error: unknown, endpoint: EngineEndpoint, what: string): SlipwayError {
  const failure = describeEngineFailure(error);
  if (isConnectionFailure(failure) || failure.statusCode === undefined) return engineError(error, endpoint, `building ${what}`);
  return new SlipwayError("BUILD_FAILED", redactText(`building ${what} failed: ${failure.message}`), {
    hint: "check the Dockerfile and the build options",
    cause: error,
  });
}
