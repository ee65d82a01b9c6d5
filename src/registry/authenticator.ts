import type { SlipwayError } from "../errors/index.js";
import { findChallenge, parseWwwAuthenticate } from "./auth-challenge.js";
import type { ResolvedCredentials } from "./credentials.js";
import { deniedError, failedError, needsCredentialsError, refusedCredentialsError, registryMessage, type Purpose } from "./registry-errors.js";
import { TokenCache } from "./token-cache.js";
import { basicAuthorization, fetchToken } from "./token-fetch.js";
import type { Transport } from "./transport.js";

/** How the registry wants to be authenticated, learnt from its first 401. */
type Scheme =
  { readonly kind: "unknown" } | { readonly kind: "basic" } | { readonly kind: "bearer"; readonly realm: string; readonly service: string | undefined };

/**
 * The authentication state of one client: the scheme the registry asked for, the credentials
 * (resolved once, when first needed) and the bearer tokens by scope. Once the scheme is known,
 * requests carry their Authorization up front, so a warm client sends no request twice.
 */
export class Authenticator {
  readonly #transport: Transport;
  readonly #loadCredentials: () => Promise<ResolvedCredentials | undefined>;
  readonly #tokens = new TokenCache();
  /** Token requests in flight by cache key, so concurrent requests for one scope share one. */
  readonly #pending = new Map<string, Promise<string>>();
  #credentials: Promise<ResolvedCredentials | undefined> | undefined;
  #scheme: Scheme = { kind: "unknown" };

  constructor(transport: Transport, loadCredentials: () => Promise<ResolvedCredentials | undefined>) {
    this.#transport = transport;
    this.#loadCredentials = loadCredentials;
  }

  credentials(): Promise<ResolvedCredentials | undefined> {
    this.#credentials ??= this.#loadCredentials();
    return this.#credentials;
  }

  /** The Authorization header to send with a request for `scope`, when the scheme is known. */
  async authorization(scope: string, purpose: Purpose): Promise<string | undefined> {
    const scheme = this.#scheme;
    if (scheme.kind === "unknown") return undefined;
    const credentials = await this.credentials();
    if (scheme.kind === "basic") return credentials === undefined ? undefined : basicAuthorization(credentials.username, credentials.password);
    const cached = this.#tokens.get(scope);
    if (cached !== undefined) return `Bearer ${cached.reveal()}`;
    return this.#newToken(scheme, scope, scope, purpose);
  }

  /**
   * After a 401: reads the challenge and returns the Authorization to retry with once, or
   * throws REGISTRY_AUTH when there is nothing better to send.
   */
  async afterUnauthorized(response: Response, scope: string, purpose: Purpose, sent: string | undefined): Promise<string> {
    const challenges = parseWwwAuthenticate(response.headers.get("www-authenticate") ?? "");
    const bearer = findChallenge(challenges, "bearer");
    const realm = bearer?.params.realm;
    if (bearer !== undefined && realm !== undefined && /^https?:\/\//i.test(realm)) {
      const scheme = { kind: "bearer", realm, service: bearer.params.service } as const;
      this.#scheme = scheme;
      this.#tokens.delete(scope);
      return this.#newToken(scheme, scope, bearer.params.scope ?? scope, purpose);
    }
    const credentials = await this.credentials();
    if (findChallenge(challenges, "basic") !== undefined) {
      this.#scheme = { kind: "basic" };
      if (credentials === undefined) throw needsCredentialsError(this.#transport.host, purpose);
      if (sent?.startsWith("Basic ") === true)
        throw refusedCredentialsError(this.#transport.host, credentials, purpose, registryMessage(await response.text()));
      return basicAuthorization(credentials.username, credentials.password);
    }
    throw failedError(this.#transport.host, purpose, 401, `unsupported authentication challenge "${response.headers.get("www-authenticate") ?? ""}"`);
  }

  /** The request was refused even with the header just obtained for it. */
  async refused(response: Response, purpose: Purpose): Promise<SlipwayError> {
    const credentials = await this.credentials();
    const said = registryMessage(await response.text());
    if (this.#scheme.kind === "basic" && credentials !== undefined) return refusedCredentialsError(this.#transport.host, credentials, purpose, said);
    return deniedError(this.#transport.host, credentials, purpose, said);
  }

  #newToken(scheme: Extract<Scheme, { kind: "bearer" }>, cacheKey: string, scope: string, purpose: Purpose): Promise<string> {
    const pending = this.#pending.get(cacheKey);
    if (pending !== undefined) return pending;
    const request = this.#requestToken(scheme, cacheKey, scope, purpose).finally(() => this.#pending.delete(cacheKey));
    this.#pending.set(cacheKey, request);
    return request;
  }

  async #requestToken(scheme: Extract<Scheme, { kind: "bearer" }>, cacheKey: string, scope: string, purpose: Purpose): Promise<string> {
    const credentials = await this.credentials();
    const issued = await fetchToken(this.#transport, { realm: scheme.realm, service: scheme.service, scope, credentials, purpose });
    this.#tokens.set(cacheKey, issued.token, issued.expiresInSeconds);
    return `Bearer ${issued.token.reveal()}`;
  }
}
