import { execFile } from "node:child_process";
import { createSign, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startRegistry, type RegistryAuth, type TestRegistry } from "./registry.js";

const run = promisify(execFile);

export const TOKEN_SERVICE = "slipway-test-registry";
export const TOKEN_ISSUER = "slipway-test-token-issuer";

/** One request the token server answered. */
export interface TokenRequestRecord {
  readonly method: "GET" | "POST";
  /** "basic" (GET with a password), "password" or "refresh_token" (POST), "anonymous". */
  readonly grant: "basic" | "password" | "refresh_token" | "anonymous";
  /** The scopes asked for, as sent: `repository:app:pull,push`. */
  readonly scopes: readonly string[];
  /** The account the token was issued to; undefined when refused or anonymous. */
  readonly account: string | undefined;
  readonly status: number;
}

export interface TokenRegistry {
  /** host:port of the registry (loopback: the engine talks plain HTTP to it). */
  readonly host: string;
  readonly url: string;
  /** The token service's URL (the realm the registry's 401s name). */
  readonly realm: string;
  readonly credentials: RegistryAuth;
  /** The refresh token (Docker's identitytoken) the token service accepts, when one was given. */
  readonly identityToken: string | undefined;
  readonly logFile: string;
  /** Every token request so far, oldest first. */
  tokenRequests(): TokenRequestRecord[];
  stop(): Promise<void>;
}

export interface StartTokenRegistryOptions {
  readonly auth: RegistryAuth;
  /** Also accept this refresh token on the OAuth2 POST (grant_type=refresh_token). */
  readonly identityToken?: string;
  /** Lifetime of the issued tokens (expires_in); default 300 s. */
  readonly tokenSeconds?: number;
}

interface Signer {
  readonly key: string;
  /** The certificate, base64 DER, for the JWT header's x5c. */
  readonly certificate: string;
}

/**
 * A real docker-registry with token authentication (`auth: token`), and the token service it
 * trusts, running in this process: RS256 JWTs whose header carries the signing certificate in
 * `x5c`; distribution verifies that chain against `rootcertbundle` (the same self-signed
 * certificate, made with openssl for this run), then the issuer, audience, expiry and access
 * claims. One user (and optionally one refresh token) gets every action it asks for; anyone
 * else gets a token with no access.
 */
export async function startTokenRegistry(options: StartTokenRegistryOptions): Promise<TokenRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-token-registry-"));
  try {
    const signer = await makeSigner(dir);
    const records: TokenRequestRecord[] = [];
    const server = createServer((request, response) => {
      handleToken(request, response, { signer, options, records }).catch(() =>
        reply(response, 500, { errors: [{ code: "UNKNOWN", message: "token server failed" }] }),
      );
    });
    const port = await listen(server);
    const realm = `http://127.0.0.1:${port}/token`;
    const registry = await startRegistry({ extraConfig: tokenAuthBlock(realm, join(dir, "cert.pem")) }).catch(async (error: unknown) => {
      await close(server);
      throw error;
    });
    return tokenRegistry(registry, realm, options, records, async () => {
      await registry.stop();
      await close(server);
      rmSync(dir, { recursive: true, force: true });
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function tokenRegistry(
  registry: TestRegistry,
  realm: string,
  options: StartTokenRegistryOptions,
  records: TokenRequestRecord[],
  stop: () => Promise<void>,
): TokenRegistry {
  return {
    host: registry.host,
    url: registry.url,
    realm,
    credentials: options.auth,
    identityToken: options.identityToken,
    logFile: registry.logFile,
    tokenRequests: () => [...records],
    stop,
  };
}

function tokenAuthBlock(realm: string, certFile: string): string {
  return [
    "auth:",
    "  token:",
    `    realm: ${realm}`,
    `    service: ${TOKEN_SERVICE}`,
    `    issuer: ${TOKEN_ISSUER}`,
    `    rootcertbundle: ${certFile}`,
    "",
  ].join("\n");
}

/** A 2048-bit RSA key and a self-signed certificate for it, valid for two days. */
async function makeSigner(dir: string): Promise<Signer> {
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-sha256",
    "-days",
    "2",
    "-subj",
    "/CN=slipway-test-token-issuer",
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ]);
  const pem = readFileSync(certFile, "utf8");
  const certificate = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return { key: readFileSync(keyFile, "utf8"), certificate };
}

interface TokenContext {
  readonly signer: Signer;
  readonly options: StartTokenRegistryOptions;
  readonly records: TokenRequestRecord[];
}

async function handleToken(request: IncomingMessage, response: ServerResponse, context: TokenContext): Promise<void> {
  const url = new URL(request.url ?? "/", "http://token.invalid");
  if (url.pathname !== "/token") return reply(response, 404, { errors: [{ code: "NOT_FOUND", message: "no such endpoint" }] });
  if (request.method === "POST") return handleOAuth(new URLSearchParams(await readBody(request)), response, context);
  if (request.method !== "GET") return reply(response, 405, {});
  const scopes = url.searchParams.getAll("scope");
  const basic = parseBasic(request.headers.authorization);
  if (basic === undefined) {
    context.records.push({ method: "GET", grant: "anonymous", scopes, account: undefined, status: 200 });
    return reply(response, 200, issue(context, undefined, scopes));
  }
  if (!matches(basic, context.options.auth)) {
    context.records.push({ method: "GET", grant: "basic", scopes, account: undefined, status: 401 });
    response.setHeader("www-authenticate", 'Basic realm="slipway-test-token"');
    return reply(response, 401, { errors: [{ code: "UNAUTHORIZED", message: "authentication required: incorrect username or password" }] });
  }
  context.records.push({ method: "GET", grant: "basic", scopes, account: basic.username, status: 200 });
  return reply(response, 200, issue(context, basic.username, scopes));
}

function handleOAuth(form: URLSearchParams, response: ServerResponse, context: TokenContext): void {
  const grant = form.get("grant_type");
  const scopes = (form.get("scope") ?? "").split(" ").filter((scope) => scope !== "");
  const username = context.options.auth.username;
  const accepted =
    grant === "password"
      ? matches({ username: form.get("username") ?? "", password: form.get("password") ?? "" }, context.options.auth)
      : grant === "refresh_token" && context.options.identityToken !== undefined && equal(form.get("refresh_token") ?? "", context.options.identityToken);
  const recordGrant = grant === "password" ? "password" : "refresh_token";
  if (!accepted) {
    context.records.push({ method: "POST", grant: recordGrant, scopes, account: undefined, status: 401 });
    return reply(response, 401, { error: "invalid_grant", error_description: "the grant is not valid" });
  }
  context.records.push({ method: "POST", grant: recordGrant, scopes, account: username, status: 200 });
  const { token, expires_in: expiresIn, issued_at: issuedAt } = issue(context, username, scopes);
  return reply(response, 200, { access_token: token, expires_in: expiresIn, issued_at: issuedAt, scope: scopes.join(" ") });
}

function issue(context: TokenContext, account: string | undefined, scopes: readonly string[]): { token: string; expires_in: number; issued_at: string } {
  const now = Math.floor(Date.now() / 1000);
  const seconds = context.options.tokenSeconds ?? 300;
  const claims = {
    iss: TOKEN_ISSUER,
    sub: account ?? "",
    aud: TOKEN_SERVICE,
    exp: now + seconds,
    nbf: now - 10,
    iat: now,
    jti: randomBytes(12).toString("hex"),
    access: account === undefined ? [] : scopes.flatMap(parseScope),
  };
  return { token: signJwt(context.signer, claims), expires_in: seconds, issued_at: new Date(now * 1000).toISOString() };
}

/** `repository:my-org/app:pull,push` → {type, name, actions}. */
function parseScope(scope: string): Array<{ type: string; name: string; actions: string[] }> {
  const parts = scope.split(":");
  if (parts.length < 3) return [];
  const type = parts[0] ?? "";
  const actions = (parts.at(-1) ?? "").split(",").filter((action) => action !== "");
  return [{ type, name: parts.slice(1, -1).join(":"), actions }];
}

function signJwt(signer: Signer, claims: object): string {
  const header = { typ: "JWT", alg: "RS256", x5c: [signer.certificate] };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign("RSA-SHA256").update(signingInput).sign(signer.key);
  return `${signingInput}.${base64url(signature)}`;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

function parseBasic(header: string | undefined): RegistryAuth | undefined {
  if (header === undefined || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon === -1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function matches(given: RegistryAuth, expected: RegistryAuth): boolean {
  return equal(given.username, expected.username) && equal(given.password, expected.password);
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
