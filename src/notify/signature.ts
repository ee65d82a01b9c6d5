import { createHmac, timingSafeEqual } from "node:crypto";

/** How old a signed request may be when verified, by default: five minutes. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

/**
 * The X-Slipway-Signature value: `sha256=` and the hex HMAC-SHA256, keyed by the secret, of
 * `<timestamp>.<body>` (the X-Slipway-Timestamp value, a dot, the raw body bytes).
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
  return `sha256=${mac}`;
}

/**
 * What a receiver does: recompute the signature over the raw body, compare in constant time,
 * and refuse a timestamp more than `toleranceS` away from now (replays).
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  options: { nowS?: number; toleranceS?: number } = {},
): boolean {
  const { signature, timestamp } = headers;
  if (signature === undefined || timestamp === undefined || !/^\d+$/.test(timestamp)) return false;
  const nowS = options.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowS - Number(timestamp)) > (options.toleranceS ?? DEFAULT_SIGNATURE_TOLERANCE_S)) return false;
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
