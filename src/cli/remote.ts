import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Command } from "commander";
import type { AppContext } from "../app/index.js";
import { SlipwayError, errorCatalogue, type ErrorCode } from "../errors/index.js";
import { withProject, type Project } from "./project.js";

/**
 * Where a command runs: against the controller at $SLIPWAY_URL (sending $SLIPWAY_TOKEN as a
 * bearer token) when it is set, else on the local project (slipway.yml, the store, the engine).
 */
export interface RemoteClient {
  /** The controller's URL, without credentials, for messages. */
  readonly url: string;
  /** The answer's status and JSON body; throws only when no controller answers (or on 401). */
  request(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<RemoteResponse>;
  /** The answer's JSON body; an error answer throws as the SlipwayError it carries. */
  call<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T>;
}

export interface RemoteResponse {
  readonly status: number;
  readonly body: unknown;
}

/** The controller client when SLIPWAY_URL is set (and not empty), else undefined. */
export function remoteFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteClient | undefined {
  const url = env.SLIPWAY_URL;
  if (url === undefined || url.trim() === "") return undefined;
  return createRemoteClient(url.trim(), env.SLIPWAY_TOKEN);
}

/** Runs `remote` against the controller when SLIPWAY_URL is set, else `local` with the project open. */
export async function remoteOrLocal<T>(
  command: Command,
  remote: (client: RemoteClient) => Promise<T>,
  local: (context: AppContext, project: Project) => Promise<T>,
): Promise<T> {
  const client = remoteFromEnv();
  if (client !== undefined) return remote(client);
  return withProject(command, (project) => local(projectContext(project), project));
}

/** The application context of a project opened by the CLI. */
export function projectContext(project: Project): AppContext {
  return {
    loaded: project.loaded,
    stateDir: project.stateDir,
    store: project.store(),
    engine: (environment, host) => project.engine(environment, host),
    notify: (event) => project.notify(event),
  };
}

export function createRemoteClient(url: string, token: string | undefined): RemoteClient {
  const base = parseBase(url);
  const shown = `${base.protocol}//${base.host}${base.pathname.replace(/\/$/, "")}`;
  const request = async (method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<RemoteResponse> => {
    const answer = await send(new URL(`${base.pathname.replace(/\/$/, "")}${path}`, base), method, token, body, shown);
    if (answer.status === 401) throw remoteError(answer, shown, path);
    return answer;
  };
  return {
    url: shown,
    request,
    async call<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
      const answer = await request(method, path, body);
      if (answer.status >= 300) throw remoteError(answer, shown, path);
      return answer.body as T;
    },
  };
}

/** The SlipwayError an error answer carries: its code and message, as if the command had run here. */
export function remoteError(answer: RemoteResponse, url: string, path: string): SlipwayError {
  const error = (answer.body as { error?: unknown } | undefined)?.error;
  const carried = typeof error === "object" && error !== null ? (error as { code?: unknown; message?: unknown; hint?: unknown; details?: unknown }) : undefined;
  const message = typeof carried?.message === "string" ? carried.message : `the controller at ${url} answered HTTP ${answer.status} to ${path}`;
  const hint = typeof carried?.hint === "string" ? carried.hint : undefined;
  const details = Array.isArray(carried?.details) ? carried.details.filter((d): d is string => typeof d === "string") : [];
  if (answer.status === 401) {
    return new SlipwayError("API_UNAUTHORIZED", `the controller at ${url} refused the request: ${message}`, {
      hint: "set SLIPWAY_TOKEN to a token made on the controller's host with: slipway token create NAME",
    });
  }
  const code = typeof carried?.code === "string" && carried.code in errorCatalogue ? (carried.code as ErrorCode) : fallbackCode(answer.status);
  return new SlipwayError(code, message, { details, ...(hint === undefined ? {} : { hint }) });
}

function fallbackCode(status: number): ErrorCode {
  if (status === 404 || (status >= 400 && status < 500)) return "API_BAD_REQUEST";
  return "INTERNAL";
}

function parseBase(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SlipwayError("USAGE", `SLIPWAY_URL is not a URL: "${url}"`, {
      hint: "e.g. SLIPWAY_URL=http://127.0.0.1:8420 (what `slipway serve` prints), or unset it to work locally",
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new SlipwayError("USAGE", `SLIPWAY_URL must be an http:// or https:// URL, not ${parsed.protocol}`, {
      hint: "e.g. SLIPWAY_URL=http://127.0.0.1:8420",
    });
  }
  parsed.username = "";
  parsed.password = "";
  return parsed;
}

/**
 * One request with node:http (no response timeout: a deployment or build answers when it is
 * done, which may take minutes). Anything but a JSON answer means no controller answers.
 */
function send(target: URL, method: string, token: string | undefined, body: unknown, shown: string): Promise<RemoteResponse> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
  const headers: Record<string, string> = { accept: "application/json" };
  if (token !== undefined && token !== "") headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(payload.length);
  }
  const unreachable = (why: string, cause?: unknown): SlipwayError =>
    new SlipwayError("CONTROLLER_UNREACHABLE", `no Slipway controller answers at ${shown} (SLIPWAY_URL): ${why}`, {
      hint: "start it with `slipway serve` (or check the address), or unset SLIPWAY_URL to work locally",
      ...(cause === undefined ? {} : { cause }),
    });
  return new Promise((resolve, reject) => {
    const request = (target.protocol === "https:" ? httpsRequest : httpRequest)(target, { method, headers }, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => reject(unreachable(error.message, error)));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const status = response.statusCode ?? 0;
        const type = response.headers["content-type"] ?? "";
        if (!type.includes("json")) {
          reject(unreachable(`HTTP ${status} with ${type === "" ? "no content type" : type}, not Slipway's JSON`));
          return;
        }
        try {
          resolve({ status, body: text === "" ? undefined : (JSON.parse(text) as unknown) });
        } catch (error) {
          reject(unreachable(`HTTP ${status} with a body that is not JSON`, error));
        }
      });
    });
    request.on("error", (error: NodeJS.ErrnoException) => reject(unreachable(error.code ?? error.message, error)));
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}
