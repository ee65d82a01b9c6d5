import type { Authenticator } from "./authenticator.js";
import type { Purpose } from "./registry-errors.js";
import type { Transport } from "./transport.js";

export interface RegistryRequest {
  readonly method: "GET" | "HEAD" | "DELETE" | "PUT";
  /** An absolute URL on the registry (built from checked names, or a Link the registry sent). */
  readonly url: string;
  /** The token scope the request needs: `repository:my-org/app:pull`; "" for /v2/ itself. */
  readonly scope: string;
  /** What the request is for, in words, for messages: "list the tags of my-org/app". */
  readonly purpose: Purpose;
  readonly accept?: readonly string[];
  /** What a PUT sends, and its media type. */
  readonly body?: { readonly bytes: Uint8Array; readonly contentType: string };
}

/**
 * Sends registry requests with authentication: the header the known scheme gives up front,
 * and after a 401 the challenge's answer, once. 401 and 403 never come back from here: they
 * end as REGISTRY_AUTH. Every other answer is the caller's to read.
 */
export async function sendAuthenticated(transport: Transport, auth: Authenticator, request: RegistryRequest): Promise<Response> {
  const sent = await auth.authorization(request.scope, request.purpose);
  let response = await transport.send(request.url, init(request, sent), request.purpose);
  if (response.status === 401) {
    const retryWith = await auth.afterUnauthorized(response, request.scope, request.purpose, sent);
    await discardBody(response);
    response = await transport.send(request.url, init(request, retryWith), request.purpose);
    if (response.status === 401) throw await auth.refused(response, request.purpose);
  }
  if (response.status === 403) throw await auth.refused(response, request.purpose);
  return response;
}

function init(request: RegistryRequest, authorization: string | undefined): RequestInit {
  const headers: Record<string, string> = { "user-agent": "slipway" };
  if (authorization !== undefined) headers.authorization = authorization;
  if (request.accept !== undefined && request.accept.length > 0) headers.accept = request.accept.join(", ");
  if (request.body === undefined) return { method: request.method, headers };
  headers["content-type"] = request.body.contentType;
  return { method: request.method, headers, body: request.body.bytes };
}

/**
 * Reads what is left of a body nobody needs, so its connection can be reused. (Node's fetch
 * closes the connection after every HEAD whatever is done here: undici does not trust servers
 * to end HEAD answers, nodejs/undici#262. Each tag check over HTTPS is then one TLS handshake.)
 */
export async function discardBody(response: Response): Promise<void> {
  if (response.bodyUsed || response.body === null) return;
  await response.body.cancel().catch(() => undefined);
}
