import { execFile, type ExecFileException } from "node:child_process";
import * as z from "zod";
import { SlipwayError } from "../errors/index.js";
import { redactText, Secret } from "../util/secret.js";
import { IDENTITY_TOKEN_USERNAME, type RegistryCredentials, type ResolvedCredentials } from "./credentials.js";
import {
  dockerConfigPath as defaultDockerConfigPath,
  findAuthEntry,
  findCredentialHelper,
  loginFromEntry,
  readDockerConfig,
  type DockerLogin,
} from "./docker-config.js";
import { credentialServerUrl } from "./registry-host.js";

export const SLIPWAY_CONFIG_SOURCE = "Slipway's config";

const HELPER_TIMEOUT_MS = 30_000;
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NOT_FOUND = /credentials not found/i;

const helperOutputSchema = z.object({
  Username: z.string().catch(""),
  Secret: z.string().catch(""),
});

export interface ResolveCredentialsOptions {
  /** The registry, normalized (normalizeRegistryHost). */
  readonly host: string;
  /** Credentials from Slipway's config: they win over everything Docker knows. */
  readonly credentials?: RegistryCredentials;
  /** Docker's config.json; default $DOCKER_CONFIG/config.json or ~/.docker/config.json. */
  readonly dockerConfigPath?: string;
  /** The environment for DOCKER_CONFIG, HOME and the credential helper's PATH. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The credentials for a registry, in Docker's order after Slipway's own: the credentials
 * Slipway's config gives; else the credential helper config.json names for the host
 * (`credHelpers`, else `credsStore`); else its `auths` entry. Undefined when none has any.
 */
export async function resolveCredentials(options: ResolveCredentialsOptions): Promise<ResolvedCredentials | undefined> {
  if (options.credentials !== undefined) return { ...options.credentials, source: SLIPWAY_CONFIG_SOURCE };
  const env = options.env ?? process.env;
  const path = options.dockerConfigPath ?? defaultDockerConfigPath(env);
  const config = await readDockerConfig(path);
  const helper = findCredentialHelper(config, options.host);
  if (helper !== undefined) {
    const login = await runCredentialHelper(helper, credentialServerUrl(options.host), env, path);
    if (login !== undefined) return { ...login, source: `docker-credential-${helper} (named in ${path})` };
  }
  const entry = findAuthEntry(config, options.host);
  const login = entry === undefined ? undefined : loginFromEntry(entry);
  return login === undefined ? undefined : { ...login, source: path };
}

/**
 * Asks a Docker credential helper (`docker-credential-<name> get`, the server URL on stdin)
 * for a login. "credentials not found" is undefined; a helper that is missing or fails is
 * REGISTRY_AUTH. The helper's output is never put in a message unredacted.
 */
export async function runCredentialHelper(helper: string, serverUrl: string, env: NodeJS.ProcessEnv, configPath: string): Promise<DockerLogin | undefined> {
  if (!HELPER_NAME.test(helper)) {
    throw new SlipwayError("REGISTRY_AUTH", `${configPath} names the credential helper "${helper}", which is not a helper name`, {
      hint: 'a helper is named by the part after docker-credential- (e.g. "pass", "ecr-login"); fix credHelpers or credsStore',
    });
  }
  const program = `docker-credential-${helper}`;
  const result = await runHelper(program, serverUrl, env);
  if (result.error !== undefined) {
    const output = `${result.stdout}\n${result.stderr}`;
    if (NOT_FOUND.test(output)) return undefined;
    throw helperError(program, configPath, result.error, output);
  }
  return parseHelperOutput(program, result.stdout);
}

function parseHelperOutput(program: string, stdout: string): DockerLogin | undefined {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (error) {
    throw new SlipwayError("REGISTRY_AUTH", `the credential helper ${program} did not print JSON`, {
      hint: `check the helper by hand: echo <registry> | ${program} get`,
      cause: error,
    });
  }
  const parsed = helperOutputSchema.safeParse(json);
  if (!parsed.success || parsed.data.Secret === "") return undefined;
  const { Username: username, Secret: secret } = parsed.data;
  if (username === IDENTITY_TOKEN_USERNAME) return { username, password: new Secret(""), identityToken: new Secret(secret) };
  return { username, password: new Secret(secret) };
}

function helperError(program: string, configPath: string, error: ExecFileException, output: string): SlipwayError {
  if (error.code === "ENOENT") {
    return new SlipwayError("REGISTRY_AUTH", `the credential helper ${program} named in ${configPath} is not installed`, {
      hint: `install ${program}, or remove it from credHelpers/credsStore in ${configPath}`,
      cause: error,
    });
  }
  const said = redactText(output.trim()) || error.message;
  return new SlipwayError("REGISTRY_AUTH", `the credential helper ${program} failed: ${said}`, {
    hint: `check the helper by hand: echo <registry> | ${program} get`,
    cause: error,
  });
}

interface HelperResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly error: ExecFileException | undefined;
}

function runHelper(program: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<HelperResult> {
  return new Promise((resolve) => {
    const child = execFile(program, ["get"], { env, timeout: HELPER_TIMEOUT_MS, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, error: error ?? undefined });
    });
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(serverUrl);
  });
}
