import { parseRetryAfter } from "../registry/index.js";
import { redactText } from "../util/secret.js";
import type { AttemptResult } from "./retry-delay.js";
import type { OutgoingRequest } from "./types.js";

const MAX_SAID_LENGTH = 200;

/** Sends one attempt: a POST with a time limit; every outcome is a value, never a throw. */
export async function sendAttempt(request: OutgoingRequest, options: { fetch: typeof fetch; timeoutMs: number; signal: AbortSignal }): Promise<AttemptResult> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  try {
    const response = await options.fetch(request.url, { method: "POST", headers: request.headers, body: request.body, redirect: "manual", signal });
    const text = await response.text();
    if (response.status >= 200 && response.status < 300) return { kind: "delivered", status: response.status };
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    return { kind: "status", status: response.status, retryAfterMs, said: said(text, response) };
  } catch (error) {
    return { kind: "network", message: networkMessage(error, options.timeoutMs) };
  }
}

function said(text: string, response: Response): string | undefined {
  if (response.status >= 300 && response.status < 400) {
    return "a redirect; configure the URL it points to";
  }
  const line = redactText(text).replace(/\s+/g, " ").trim();
  if (line === "") return undefined;
  return line.length > MAX_SAID_LENGTH ? `${line.slice(0, MAX_SAID_LENGTH - 1)}…` : line;
}

function networkMessage(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return error.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : "cancelled at shutdown";
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = cause instanceof Error && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (code === "ECONNREFUSED") return "connection refused";
  return redactText(code === undefined ? message : `${code}: ${message}`);
}
