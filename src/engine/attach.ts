import type Docker from "dockerode";
import type { ContainerSpec } from "./container-spec.js";
import { containerError, createFromSpec } from "./containers.js";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { engineError } from "./errors.js";

/**
 * A created (not yet started) container with its streams attached, as `docker run -a` does:
 * attached before start, so no output is lost.
 */
export interface AttachedContainer {
  readonly id: string;
  /** Raw bytes when the spec has a TTY; otherwise the engine's multiplexed frames (see LogDemuxer). Ends when the container stops. */
  readonly output: NodeJS.ReadableStream;
  /** The container's stdin when opened with `stdin: true`; `end()` it to send end-of-file. */
  readonly input: NodeJS.WritableStream | undefined;
  /** Sets the TTY's size (only meaningful with a TTY, once started). */
  resize(rows: number, columns: number): Promise<void>;
}

export interface AttachOptions {
  /** Open the container's stdin (closed after the first end-of-file, like `docker run -i`). */
  readonly stdin: boolean;
}

export async function createAttachedContainer(
  docker: Docker,
  endpoint: EngineEndpoint,
  spec: ContainerSpec,
  options: AttachOptions,
): Promise<AttachedContainer> {
  const what = spec.name ?? spec.image;
  const container = await createFromSpec(docker, endpoint, spec, {
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: options.stdin,
    OpenStdin: options.stdin,
    StdinOnce: options.stdin,
  });
  try {
    const stream = await container.attach({ stream: true, stdin: options.stdin, stdout: true, stderr: true, hijack: true });
    return {
      id: container.id,
      output: stream,
      input: options.stdin ? stream : undefined,
      async resize(rows, columns) {
        try {
          await container.resize({ h: rows, w: columns });
        } catch (error) {
          throw containerError(error, endpoint, container.id, "resizing the terminal of");
        }
      },
    };
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    throw engineError(error, endpoint, `attaching to container ${what}`);
  }
}
