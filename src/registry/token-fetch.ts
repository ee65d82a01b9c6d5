import * as z from "zod";
import { Secret } from "../util/secret.js";
import type { ResolvedCredentials } from "./credentials.js";
import { deniedError, failedError, needsCredentialsError, refusedCredentialsError, registryMessage, type Purpose } from "./registry-errors.js";
import type { Transport } from "./transport.js";

/** Where and for what to ask for a token: the Bearer challenge's realm and service, and a scope. */
export interface TokenRequest {
  readonly realm: string;
  readonly service: string | undefined;
  /** Space-separated scopes (`repository:app:pull repository:base:pull`); empty for none. */
  readonly scope: string;
  readonly credentials: ResolvedCredentials | undefined;
  readonly purpose: Purpose;
}

export interface IssuedToken {
  readonly token: Secret;
  readonly expiresInSeconds: number | undefined;
}

const tokenResponseSchema = z.object({
  token: z.string().optional().catch(undefined),
  access_token: z.string().optional().catch(undefined),
  expires_in: z.number().optional().catch(undefined),
});

const CLIENT_ID = "slipway";

/**
 * Gets a bearer token from a registry's token service (the distribution token spec): GET with
 * Basic credentials (or none, for anonymous access); with an identity token, the OAuth2 form
 * POST (grant_type=refresh_token) instead.
 */
export async function fetchToken(transport: Transport, request: TokenRequest): Promise<IssuedToken> {
  const response =
    request.credentials?.identityToken === undefined
      ? await transport.send(tokenUrl(request), { method: "GET", headers: basicHeader(request.credentials) }, request.purpose, { token: true })
      : await transport.send(request.realm, oauthInit(request, request.credentials.identityToken), request.purpose, { token: true });
  const body = await response.text();
  if (response.status === 401) {
    if (request.credentials === undefined) throw needsCredentialsError(transport.host, request.purpose);
    throw refusedCredentialsError(transport.host, request.credentials, request.purpose, registryMessage(body));
  }
  if (response.status === 403) throw deniedError(transport.host, request.credentials, request.purpose, registryMessage(body));
  if (!response.ok) {
    throw failedError(transport.host, `get a token from ${request.realm} to ${request.purpose}`, response.status, registryMessage(body));
  }
  return readToken(transport.host, request, body);
}

function readToken(host: string, request: TokenRequest, body: string): IssuedToken {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const parsed = tokenResponseSchema.safeParse(json);
  const token = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
  if (token === undefined || token === "") {
    throw failedError(host, `get a token from ${request.realm} to ${request.purpose}`, 200, "the token service answered without a token");
  }
  return { token: new Secret(token), expiresInSeconds: parsed.success ? parsed.data.expires_in : undefined };
}

function tokenUrl(request: TokenRequest): string {
  const url = new URL(request.realm);
  if (request.service !== undefined) url.searchParams.set("service", request.service);
  for (const scope of splitScopes(request.scope)) url.searchParams.append("scope", scope);
  return url.toString();
}

function oauthInit(request: TokenRequest, identityToken: Secret): RequestInit {
  const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: identityToken.reveal(), client_id: CLIENT_ID });
  if (request.service !== undefined) form.set("service", request.service);
  const scopes = splitScopes(request.scope);
  if (scopes.length > 0) form.set("scope", scopes.join(" "));
  return { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() };
}

function basicHeader(credentials: ResolvedCredentials | undefined): Record<string, string> {
  if (credentials === undefined) return {};
  return { authorization: basicAuthorization(credentials.username, credentials.password) };
}

export function basicAuthorization(username: string, password: Secret): string {
  return `Basic ${Buffer.from(`${username}:${password.reveal()}`).toString("base64")}`;
}

function splitScopes(scope: string): string[] {
  return scope.split(" ").filter((part) => part !== "");
}
