import type Docker from "dockerode";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { engineError } from "./errors.js";
import { readJsonLines } from "./json-lines.js";

export interface EngineHandle {
  readonly docker: Docker;
  readonly endpoint: EngineEndpoint;
}

/**
 * Copies an image from one engine to another as `docker save | docker load` does, streamed
 * (never held in memory): how an image built here reaches an engine that cannot pull it, a host
 * that does not see the registry or an image that was never pushed.
 */
export async function copyImage(from: EngineHandle, to: EngineHandle, ref: string): Promise<void> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await from.docker.getImage(ref).get();
  } catch (error) {
    throw engineError(error, from.endpoint, `saving ${ref} from ${from.endpoint.display}`);
  }
  try {
    const answer = await to.docker.loadImage(archive, { quiet: true });
    for await (const message of readJsonLines(answer as AsyncIterable<Buffer>)) {
      if (typeof message === "object" && message !== null && "error" in message && typeof message.error === "string") throw new Error(message.error);
    }
  } catch (error) {
    throw engineError(error, to.endpoint, `loading ${ref} into ${to.endpoint.display}`);
  }
}
