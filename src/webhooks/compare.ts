import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Secret } from "../util/secret.js";

/**
 * Compares what a request carries with what it must carry, in constant time. Both sides are
 * hashed first, so timingSafeEqual always sees two 32-byte buffers: neither the content nor
 * the length of the expected value leaks through timing, and there is no early exit.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** The lower-case hex HMAC-SHA256 of a body under a secret, as GitHub, Gitea and Slipway sign. */
export function hmacSha256Hex(secret: Secret, body: Buffer): string {
  return createHmac("sha256", secret.reveal()).update(body).digest("hex");
}

/** A delivery id for senders that give none: the same body is the same delivery. */
export function bodyDeliveryId(body: Buffer): string {
  return `sha256:${createHash("sha256").update(body).digest("hex")}`;
}

/** The first value of a header (names are lower-case, as Node gives them). */
export function header(headers: Readonly<Record<string, string | readonly string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  const first = typeof value === "string" ? value : value?.[0];
  return first === undefined || first === "" ? undefined : first;
}
