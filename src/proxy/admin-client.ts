import { request, type ClientRequestArgs } from "node:http";
import type { Duplex } from "node:stream";
import { SlipwayError } from "../errors/index.js";

/** The admin API answers config changes quickly; a slow answer means the proxy is stuck. */
const DEFAULT_TIMEOUT_MS = 15_000;

export type AdminMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface AdminRequest {
  readonly method: AdminMethod;
  /** Path under the admin URL, e.g. /config/apps/http/servers. */
  readonly path: string;
  readonly body?: unknown;
  /** Optimistic concurrency: the ETag of the value read at the same path. */
  readonly ifMatch?: string;
  readonly timeoutMs?: number;
}

export interface AdminResponse {
  readonly status: number;
  readonly text: string;
  /** Caddy sends the config ETag as a trailer on GET /config/ answers. */
  readonly etag: string | undefined;
}

/** Thin client for Caddy's admin API: one request, JSON in and out, errors mapped to codes. */
export interface AdminClient {
  readonly url: string;
  /** Sends a request; a non-2xx answer becomes PROXY_FAILED naming `what` was attempted. */
  call(what: string, req: AdminRequest): Promise<AdminResponse>;
  /** Reads a config path: its JSON value (null when absent) and its ETag. */
  read(path: string): Promise<{ value: unknown; etag: string | undefined }>;
}

/**
 * Another way to the admin API than dialling it: each request opens its own byte stream, e.g.
 * through a host's Docker engine to a Caddy listening on that host's loopback only.
 */
export interface AdminChannel {
  /** The admin listen address at the far end (host:port): the requests' Host header, which Caddy checks. */
  readonly adminAddress: string;
  connect(): Promise<Duplex>;
}

/**
 * `url` names the proxy in messages and keys its change queue; without a channel it is also
 * where requests go, with one they go through the channel.
 */
export function createAdminClient(url: string, channel?: AdminChannel): AdminClient {
  const call = async (what: string, req: AdminRequest): Promise<AdminResponse> => {
    const response = await send(url, req, channel);
    if (response.status >= 200 && response.status < 300) return response;
    throw refused(url, what, response);
  };
  return {
    url,
    call,
    async read(path) {
      const response = await call(`reading ${path}`, { method: "GET", path });
      return { value: parseJson(response.text, url, path), etag: response.etag };
    },
  };
}

/** True when the admin API answers at `url`, or through `channel` (any HTTP answer counts). */
export async function adminAnswers(url: string, timeoutMs = 1_000, channel?: AdminChannel): Promise<boolean> {
  try {
    await send(url, { method: "GET", path: "/config/", timeoutMs }, channel);
    return true;
  } catch {
    return false;
  }
}

function send(base: string, req: AdminRequest, channel?: AdminChannel): Promise<AdminResponse> {
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  // Caddy restarts its admin endpoint on every config change: never reuse a connection.
  const headers: Record<string, string> = { connection: "close" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (req.ifMatch !== undefined) headers["if-match"] = req.ifMatch;
  return new Promise((resolve, reject) => {
    const target = channel === undefined ? new URL(req.path, base) : new URL(req.path, `http://${channel.adminAddress}`);
    const options: ClientRequestArgs = { method: req.method, headers, timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS };
    // No agent: with one (even agent: false, a fresh one) Node dials itself and ignores createConnection.
    if (channel === undefined) options.agent = false;
    else
      options.createConnection = (_options, done) => {
        channel.connect().then(
          (stream) => done(null, stream),
          // with an error Node ignores the stream argument
          (error: unknown) => done(error instanceof Error ? error : new Error(String(error)), undefined as never),
        );
        return undefined;
      };
    const outgoing = request(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => reject(unreachable(base, error)));
      res.on("end", () => {
        const etag = res.trailers.etag ?? headerValue(res.headers.etag);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), etag });
      });
    });
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${(req.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`)));
    outgoing.on("error", (error) => reject(unreachable(base, error)));
    outgoing.end(body);
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string, url: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SlipwayError("PROXY_FAILED", `the proxy at ${url} answered ${path} with something that is not JSON`, {
      details: [text.slice(0, 200)],
      hint: "check that the address is Caddy's admin API and not another program",
      cause: error,
    });
  }
}

function unreachable(url: string, error: Error): SlipwayError {
  return new SlipwayError("PROXY_UNREACHABLE", `the reverse proxy does not answer at ${url} (${error.message})`, {
    hint: "start it: a deploy starts Slipway's managed proxy (Caddy), or run `caddy run`; `slipway doctor` checks it",
    cause: error,
  });
}

/** Caddy answers refusals as {"error": "..."}; its text is the useful part. */
function refused(url: string, what: string, response: AdminResponse): SlipwayError {
  const reason = caddyError(response.text) ?? `HTTP ${response.status}`;
  return new SlipwayError("PROXY_FAILED", `the reverse proxy at ${url} refused ${what}: ${reason}`, {
    hint: hintFor(reason),
  });
}

/**
 * True when a change lost a race with another writer: the value changed since it was read
 * (If-Match, HTTP 412), someone created the key first (PUT) or removed it meanwhile (PATCH).
 * Re-reading and trying again is the answer.
 */
export function isConflict(error: unknown): boolean {
  return (
    error instanceof SlipwayError && error.code === "PROXY_FAILED" && /If-Match header did not match|key already exists|key does not exist/i.test(error.message)
  );
}

/** True when a path does not exist in the proxy's config because a parent is missing (e.g. no HTTP app yet). */
export function isMissingPath(error: unknown): boolean {
  return error instanceof SlipwayError && error.code === "PROXY_FAILED" && /invalid traversal path/i.test(error.message);
}

function caddyError(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === "object" && parsed !== null && "error" in parsed && typeof parsed.error === "string") return parsed.error;
  } catch {
    // not JSON: fall back to the raw text
  }
  const trimmed = text.trim();
  return trimmed === "" ? undefined : trimmed.slice(0, 500);
}

function hintFor(reason: string): string {
  if (/address already in use/i.test(reason)) {
    return "another process listens on that port: stop it or publish the service on another port; the previous routes stay in place";
  }
  return "the proxy kept its previous config; fix the route and try again";
}
