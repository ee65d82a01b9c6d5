import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SessionRecord, Store } from "../store/index.js";
import { hashToken } from "../server/tokens.js";

/** The session cookie: HttpOnly, SameSite=Strict, Secure behind TLS (src/web/dashboard-server.ts). */
export const SESSION_COOKIE = "slipway_session";

/** A session's secret is sent in its cookie only; the store keeps its SHA-256. */
function sessionHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Opens a session for an API token typed on the sign-in page; undefined for a token that is not live (unknown or revoked). */
export async function signIn(store: Store, token: string, ttlMs: number, now = new Date()): Promise<{ secret: string; session: SessionRecord } | undefined> {
  const record = token.trim() === "" ? undefined : await store.useToken(hashToken(token.trim()), now);
  if (record === undefined) return undefined;
  const secret = randomBytes(32).toString("base64url");
  const session = await store.createSession({ idHash: sessionHash(secret), tokenId: record.id, expiresAt: new Date(now.getTime() + ttlMs) }, now);
  return { secret, session };
}

/** The live session a cookie's secret names: not expired, its token not revoked. */
export async function sessionOf(store: Store, secret: string | undefined, now = new Date()): Promise<SessionRecord | undefined> {
  if (secret === undefined || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  return store.useSession(sessionHash(secret), now);
}

export async function signOut(store: Store, secret: string | undefined): Promise<void> {
  if (secret !== undefined) await store.endSession(sessionHash(secret));
}

/**
 * The form token a session's actions carry (a hidden field, or the X-CSRF-Token header):
 * derived from the session's secret, so a page of another site, which cannot read the
 * cookie nor this page, cannot make one.
 */
export function csrfToken(secret: string): string {
  return createHmac("sha256", secret).update("slipway csrf").digest("base64url");
}

export function csrfMatches(secret: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfToken(secret));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Why a state-changing request looks cross-site, or undefined: a browser says so in
 * Sec-Fetch-Site, and an Origin that is not this server's own is another site's page.
 */
export function crossSite(headers: Readonly<Record<string, string | string[] | undefined>>, host: string | undefined): string | undefined {
  const site = headers["sec-fetch-site"];
  if (typeof site === "string" && site !== "same-origin" && site !== "none") return `the browser says it comes from a ${site} page`;
  const origin = headers.origin;
  if (typeof origin === "string" && origin !== "null") {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return "its Origin is not a URL";
    }
    if (host === undefined || originHost !== host) return `it comes from ${origin}, another site`;
  }
  if (origin === "null") return "it comes from an opaque origin";
  return undefined;
}
