import { createHash, randomBytes } from "node:crypto";
import { SlipwayError } from "../errors/index.js";
import type { ApiTokenRecord, Store } from "../store/index.js";

/** A new API token: 32 random bytes, shown once; only its SHA-256 is stored. */
export function generateToken(): string {
  return `slw_${randomBytes(32).toString("base64url")}`;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A new token for the HTTP API under `name`; a read-only one may only GET (and HEAD) under /api/. */
export async function createApiToken(store: Store, name: string, options: { readOnly?: boolean } = {}): Promise<{ token: string; record: ApiTokenRecord }> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) {
    throw new SlipwayError("USAGE", `"${name}" is not a token name`, { hint: "use letters, digits, dot, dash and underscore, e.g. ci or alice-laptop" });
  }
  const token = generateToken();
  const record = await store.createToken(name, hashToken(token), options);
  return { token, record };
}

/**
 * The token record a request's Authorization header names, or undefined. Tokens are compared
 * by their hash: the lookup is by a value an attacker cannot steer byte by byte.
 */
export async function authenticate(store: Store, header: string | undefined): Promise<ApiTokenRecord | undefined> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (match?.[1] === undefined) return undefined;
  return store.useToken(hashToken(match[1]));
}

/** Query parameters that clients use for credentials. */
const CREDENTIAL_PARAMETERS = new Set(["token", "access_token", "api_token", "api_key", "apikey", "bearer", "auth", "authorization"]);

/**
 * Where a URL's query carries a token, safe to show (`?token=`, or "its query" when the token
 * itself would be named), or undefined: a parameter named like a credential (token,
 * access_token, …, in any case), or any name or value that is a Slipway token (slw_…). Tokens
 * are accepted in the Authorization header only: a URL ends up in logs, proxies and histories.
 */
export function tokenInQuery(url: string): string | undefined {
  const start = url.indexOf("?");
  if (start === -1) return undefined;
  for (const [name, value] of new URLSearchParams(url.slice(start + 1))) {
    const lower = name.toLowerCase();
    if (CREDENTIAL_PARAMETERS.has(lower)) return `?${lower}=`;
    if (name.startsWith("slw_") || value.startsWith("slw_")) return "its query";
  }
  return undefined;
}
