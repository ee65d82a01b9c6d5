import type Docker from "dockerode";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { engineError } from "./errors.js";
import { readJsonLines } from "./json-lines.js";

/** One engine event: a container started or died, turned healthy, an image was pushed or tagged... */
export interface EngineEvent {
  /** container | image | network | volume | daemon | ... */
  readonly type: string;
  /** start | die | stop | health_status | exec_start | push | tag | ... */
  readonly action: string;
  /** What follows the action's colon: "healthy" for "health_status: healthy". */
  readonly actionDetail: string | undefined;
  readonly actorId: string;
  /** The actor's attributes: a container's name, image and labels; a die event's exitCode. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly time: Date;
}

export interface EventOptions {
  /** Engine event filters, e.g. { type: ["container"], label: ["slipway.service=api"], event: ["start", "die"] }. */
  readonly filters?: Readonly<Record<string, readonly string[]>>;
  readonly since?: Date;
  /** Ends the subscription (the iteration simply finishes). */
  readonly signal?: AbortSignal;
}

/** Pure: one JSON value from the events stream to an event, or undefined if it is not one. */
export function parseEngineEvent(value: unknown): EngineEvent | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const raw: { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown; Attributes?: unknown }; time?: unknown; timeNano?: unknown } = value;
  if (typeof raw.Type !== "string" || typeof raw.Action !== "string") return undefined;
  const colon = raw.Action.indexOf(":");
  const millis = typeof raw.timeNano === "number" ? Math.floor(raw.timeNano / 1e6) : Number(raw.time ?? 0) * 1000;
  return {
    type: raw.Type,
    action: colon === -1 ? raw.Action : raw.Action.slice(0, colon),
    actionDetail: colon === -1 ? undefined : raw.Action.slice(colon + 1).trim(),
    actorId: typeof raw.Actor?.ID === "string" ? raw.Actor.ID : "",
    attributes: stringRecord(raw.Actor?.Attributes),
    time: new Date(millis),
  };
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/**
 * Subscribes to engine events. The promise resolves once the engine is sending, so
 * nothing that happens after it resolves is missed; iterate the result to read them.
 */
export async function subscribeEvents(docker: Docker, endpoint: EngineEndpoint, options: EventOptions = {}): Promise<AsyncIterable<EngineEvent>> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.getEvents({
      filters: JSON.stringify(options.filters ?? {}),
      ...(options.since === undefined ? {} : { since: Math.floor(options.since.getTime() / 1000) }),
      ...(options.signal === undefined ? {} : { abortSignal: options.signal }),
    });
  } catch (error) {
    if (options.signal?.aborted) return emptyEvents();
    throw engineError(error, endpoint, "subscribing to engine events");
  }
  return readEvents(stream, endpoint, options.signal);
}

async function* readEvents(stream: NodeJS.ReadableStream, endpoint: EngineEndpoint, signal: AbortSignal | undefined): AsyncGenerator<EngineEvent> {
  try {
    for await (const value of readJsonLines(stream)) {
      const event = parseEngineEvent(value);
      if (event !== undefined) yield event;
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw engineError(error, endpoint, "reading engine events");
  }
}

async function* emptyEvents(): AsyncGenerator<EngineEvent> {}
