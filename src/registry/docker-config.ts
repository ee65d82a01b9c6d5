import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import * as z from "zod";
import { SlipwayError } from "../errors/index.js";
import { Secret } from "../util/secret.js";
import { IDENTITY_TOKEN_USERNAME } from "./credentials.js";
import { normalizeRegistryHost } from "./registry-host.js";

/** The parts of Docker's config.json that hold credentials. Lenient: anything else is ignored. */
const authEntrySchema = z.object({
  auth: z.string().optional().catch(undefined),
  username: z.string().optional().catch(undefined),
  password: z.string().optional().catch(undefined),
  identitytoken: z.string().optional().catch(undefined),
});

const dockerConfigSchema = z.object({
  auths: z.record(z.string(), authEntrySchema.catch({})).optional().catch(undefined),
  credHelpers: z.record(z.string(), z.string()).optional().catch(undefined),
  credsStore: z.string().optional().catch(undefined),
});

export type DockerConfig = z.infer<typeof dockerConfigSchema>;
export type DockerAuthEntry = z.infer<typeof authEntrySchema>;

/** A login found in an `auths` entry. */
export interface DockerLogin {
  readonly username: string;
  readonly password: Secret;
  readonly identityToken?: Secret;
}

/** $DOCKER_CONFIG/config.json, else ~/.docker/config.json (Docker's own rule). */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG !== undefined && env.DOCKER_CONFIG !== "" ? env.DOCKER_CONFIG : join(env.HOME ?? homedir(), ".docker");
  return join(dir, "config.json");
}

/** Reads Docker's config; a missing file is an empty config. */
export async function readDockerConfig(path: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return {};
    throw new SlipwayError("REGISTRY_AUTH", `cannot read Docker's config ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      hint: "check the file's permissions, or set DOCKER_CONFIG to the directory that holds your config.json",
      cause: error,
    });
  }
  return parseDockerConfig(text, path);
}

export function parseDockerConfig(text: string, path: string): DockerConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SlipwayError("REGISTRY_AUTH", `Docker's config ${path} is not valid JSON`, {
      hint: "fix or remove the file (`docker login` writes a new one)",
      cause: error,
    });
  }
  const parsed = dockerConfigSchema.safeParse(json);
  return parsed.success ? parsed.data : {};
}

/** The `auths` entry for a registry, matching keys the way Docker does (scheme and path ignored, Hub aliases). */
export function findAuthEntry(config: DockerConfig, host: string): DockerAuthEntry | undefined {
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (sameRegistry(key, host)) return entry;
  }
  return undefined;
}

/** The credential helper for a registry: its `credHelpers` entry, else the `credsStore` default. */
export function findCredentialHelper(config: DockerConfig, host: string): string | undefined {
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (helper !== "" && sameRegistry(key, host)) return helper;
  }
  return config.credsStore === "" ? undefined : config.credsStore;
}

/** The login in an `auths` entry: base64 `auth` ("user:password"), or username and password, and an identity token. */
export function loginFromEntry(entry: DockerAuthEntry): DockerLogin | undefined {
  const decoded = entry.auth === undefined || entry.auth === "" ? undefined : decodeAuth(entry.auth);
  const username = decoded?.username ?? entry.username ?? "";
  const password = decoded?.password ?? entry.password ?? "";
  const identityToken = entry.identitytoken === undefined || entry.identitytoken === "" ? undefined : new Secret(entry.identitytoken);
  if (identityToken !== undefined) {
    return { username: username === "" ? IDENTITY_TOKEN_USERNAME : username, password: new Secret(password), identityToken };
  }
  if (username === "" && password === "") return undefined;
  return { username, password: new Secret(password) };
}

function decodeAuth(auth: string): { username: string; password: string } | undefined {
  const text = Buffer.from(auth, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon === -1) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function sameRegistry(key: string, host: string): boolean {
  try {
    return normalizeRegistryHost(key) === host;
  } catch {
    return false;
  }
}
