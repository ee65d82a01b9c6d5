import { createHash } from "node:crypto";
import type { Authenticator } from "./authenticator.js";
import { sendAuthenticated, type RegistryRequest } from "./http.js";
import { checkRepositoryName } from "./names.js";
import { apiRepository } from "./registry-host.js";
import type { Transport } from "./transport.js";

/** What every registry operation needs: where the registry is, and how to talk to it. */
export interface RegistryContext {
  /** Normalized host[:port] (docker.io for Docker Hub). */
  readonly host: string;
  /** http(s)://host[:port], without a trailing slash. */
  readonly baseUrl: string;
  readonly transport: Transport;
  readonly auth: Authenticator;
}

export type Action = "pull" | "push" | "delete";

/** A checked repository as the API names it (Docker Hub's official images live under library/). */
export function apiName(context: RegistryContext, repository: string): string {
  return apiRepository(context.host, checkRepositoryName(repository));
}

export function repositoryScope(name: string, ...actions: [Action, ...Action[]]): string {
  return `repository:${name}:${actions.join(",")}`;
}

/** An absolute URL for /v2/<path>; every part of `path` comes from checked names. */
export function apiUrl(context: RegistryContext, path: string): string {
  return `${context.baseUrl}/v2/${path}`;
}

export function send(context: RegistryContext, request: RegistryRequest): Promise<Response> {
  return sendAuthenticated(context.transport, context.auth, request);
}

/** `sha256:<hex>` of some bytes: a manifest's or blob's digest. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
