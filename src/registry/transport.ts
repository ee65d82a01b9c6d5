import { setTimeout as sleep } from "node:timers/promises";
import { parseRateLimit, parseRetryAfter, type RateLimit } from "./rate-limit.js";
import { describeNetworkFailure, failedError, rateLimitedError, registryMessage, unreachableError, type Purpose } from "./registry-errors.js";
import { decideRetry, type RetryPolicy } from "./retry-policy.js";

export type FetchFunction = typeof fetch;

/** Counts of HTTP requests sent (every attempt, token requests included). */
export interface RequestStats {
  readonly requests: number;
  readonly byMethod: Readonly<Record<string, number>>;
  /** Of `requests`, those sent to the token service. */
  readonly tokenRequests: number;
  /** Of `requests`, those that repeated one after a 429, a 5xx or a network failure. */
  readonly retries: number;
}

/** The shared state of one client's requests: how to send, the policy, and what was seen. */
export class Transport {
  readonly host: string;
  readonly #fetch: FetchFunction;
  readonly #policy: RetryPolicy;
  readonly #timeoutMs: number;
  #requests = 0;
  #tokenRequests = 0;
  #retries = 0;
  readonly #byMethod: Record<string, number> = {};
  #lastRateLimit: RateLimit | undefined;

  constructor(options: { host: string; fetch: FetchFunction; policy: RetryPolicy; timeoutMs: number }) {
    this.host = options.host;
    this.#fetch = options.fetch;
    this.#policy = options.policy;
    this.#timeoutMs = options.timeoutMs;
  }

  get lastRateLimit(): RateLimit | undefined {
    return this.#lastRateLimit;
  }

  stats(): RequestStats {
    return { requests: this.#requests, byMethod: { ...this.#byMethod }, tokenRequests: this.#tokenRequests, retries: this.#retries };
  }

  /**
   * Sends a request, retrying 429, 5xx and network failures as the policy says. Returns the
   * first answer that is not one of those; throws REGISTRY_UNREACHABLE, REGISTRY_RATE_LIMITED
   * or REGISTRY_FAILED when retries run out.
   */
  async send(url: string, init: RequestInit, purpose: Purpose, options: { token?: boolean } = {}): Promise<Response> {
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) this.#retries += 1;
      this.#count(init.method ?? "GET", options.token === true);
      let response: Response;
      try {
        response = await this.#fetch(url, { ...init, redirect: "follow", signal: AbortSignal.timeout(this.#timeoutMs) });
      } catch (error) {
        const failure = describeNetworkFailure(error);
        const decision = decideRetry({ kind: "network", failure }, attempt, this.#policy);
        if (decision.kind !== "retry") throw unreachableError(this.host, url, failure, error);
        await sleep(decision.delayMs);
        continue;
      }
      this.#lastRateLimit = parseRateLimit(response.headers) ?? this.#lastRateLimit;
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      const decision = decideRetry({ kind: "status", status: response.status, retryAfterMs }, attempt, this.#policy);
      if (decision.kind === "done") return response;
      const body = await response.text().catch(() => "");
      if (decision.kind === "retry") {
        await sleep(decision.delayMs);
        continue;
      }
      if (response.status === 429) throw rateLimitedError(this.host, purpose, decision.retryAfterMs);
      throw failedError(this.host, purpose, response.status, registryMessage(body), "the registry failed on its side; retry later, or check its logs");
    }
  }

  #count(method: string, token: boolean): void {
    this.#requests += 1;
    if (token) this.#tokenRequests += 1;
    this.#byMethod[method] = (this.#byMethod[method] ?? 0) + 1;
  }
}
