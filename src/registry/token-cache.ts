import type { Secret } from "../util/secret.js";

/** Token services must issue tokens for at least 60 s; that is the default when they say nothing. */
export const DEFAULT_TOKEN_SECONDS = 60;
/** A token is dropped this long before it expires, so it does not expire in flight. */
const SAFETY_MS = 10_000;

interface Entry {
  readonly token: Secret;
  readonly expiresAt: number;
}

/** Bearer tokens by scope, each kept until shortly before its `expires_in` runs out. */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get(scope: string): Secret | undefined {
    const entry = this.#entries.get(scope);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.#now()) return entry.token;
    this.#entries.delete(scope);
    return undefined;
  }

  set(scope: string, token: Secret, expiresInSeconds: number = DEFAULT_TOKEN_SECONDS): void {
    const lifetime = (expiresInSeconds > 0 ? expiresInSeconds : DEFAULT_TOKEN_SECONDS) * 1000;
    const margin = Math.min(SAFETY_MS, lifetime / 2);
    this.#entries.set(scope, { token, expiresAt: this.#now() + lifetime - margin });
  }

  delete(scope: string): void {
    this.#entries.delete(scope);
  }
}
