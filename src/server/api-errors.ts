import { isSlipwayError, type SlipwayError } from "../errors/index.js";

/** The error JSON of the HTTP API: `{ error: { code, message, hint?, details? } }`. */
export interface ApiErrorJson {
  code: string;
  message: string;
  hint?: string;
  details?: string[];
}

/**
 * The HTTP status a SlipwayError answers with (the same rule as the server's error handler):
 * 401 for a refused token, 403 for a read-only token that would act; a user's mistake is 404 for a *_NOT_FOUND code, 409 for a
 * deployment in progress, else 400; an upstream failure is 502 (503 while stopping); a bug 500.
 */
export function statusOf(error: SlipwayError): number {
  if (error.code === "API_UNAUTHORIZED") return 401;
  if (error.code === "API_FORBIDDEN") return 403;
  if (error.code === "CONTROLLER_STOPPING") return 503;
  if (error.who === "user") return /NOT_FOUND$/.test(error.code) ? 404 : error.code === "DEPLOY_LOCKED" || error.code === "HELD_NOT_WAITING" ? 409 : 400;
  return error.who === "upstream" ? 502 : 500;
}

export function apiErrorJson(error: SlipwayError): ApiErrorJson {
  return {
    code: error.code,
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.details.length === 0 ? {} : { details: [...error.details] }),
  };
}

/** Status and body for an error a route catches; undefined for what is not a SlipwayError (a bug: the server's handler answers 500). */
export function errorReply(error: unknown): { status: number; body: { error: ApiErrorJson } } | undefined {
  if (!isSlipwayError(error)) return undefined;
  return { status: statusOf(error), body: { error: apiErrorJson(error) } };
}
