import type { Rejected } from "./types.js";

export type JsonRead = { readonly ok: true; readonly value: unknown } | Rejected;

/**
 * The JSON document of a verified body. GitHub and Gitea can also send the form encoding
 * (`payload=<urlencoded JSON>`); the signature covers the form body, so it is read after.
 */
export function readJson(body: Buffer, contentType: string | undefined): JsonRead {
  let text = body.toString("utf8");
  if ((contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    const payload = new URLSearchParams(text).get("payload");
    if (payload === null) return { ok: false, status: 400, reason: "the form body has no payload field" };
    text = payload;
  }
  if (text.trim() === "") return { ok: false, status: 400, reason: "the body is empty; expected a JSON document" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, status: 400, reason: `the body is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}
