import { isRecord, isUnset, recordOf, sameJson, stringOf, stringsOf, type ContainerInspect, type ImageConfig, type Json } from "./inspect-json.js";

/**
 * Config keys of API 1.41 and how a recreate treats each:
 * - user: what the person wrote, copied as inspected;
 * - image: merged in from the image at create time: kept only where it differs from the OLD
 *   image's value, so the new image's own defaults apply (Watchtower freezes them instead);
 * - engine: filled in by the engine or the CLI (the new container gets its own);
 * Keys not listed here are refused when set (a newer engine's field we cannot vouch for).
 */
const CONFIG_KEYS = {
  Hostname: "special",
  Domainname: "user",
  User: "image",
  AttachStdin: "user",
  AttachStdout: "user",
  AttachStderr: "user",
  ExposedPorts: "special",
  Tty: "user",
  OpenStdin: "user",
  StdinOnce: "user",
  Env: "special",
  Cmd: "special",
  Healthcheck: "image",
  ArgsEscaped: "engine",
  Image: "engine",
  Volumes: "engine",
  WorkingDir: "image",
  Entrypoint: "special",
  NetworkDisabled: "user",
  MacAddress: "user",
  OnBuild: "engine",
  Labels: "special",
  StopSignal: "image",
  StopTimeout: "user",
  Shell: "image",
} as const;

export interface UserConfig {
  /** The Config part of the create body: only what the user set. */
  readonly config: Record<string, unknown>;
  /** What was left to the new image, for people: "Env PATH", "Cmd", "Labels maintainer". */
  readonly fromImage: readonly string[];
  /** Config keys this version does not know, set to something: refused. */
  readonly unknown: readonly string[];
}

/** The container's Config minus what its old image provided. */
export function userConfig(container: ContainerInspect, oldImage: ImageConfig, options: { hostNetwork: boolean }): UserConfig {
  const config: Record<string, unknown> = {};
  const fromImage: string[] = [];
  const unknown: string[] = [];
  const inspected = container.Config;
  for (const [key, value] of Object.entries(inspected)) {
    const kind = (CONFIG_KEYS as Readonly<Record<string, string>>)[key];
    if (kind === undefined) {
      if (!isUnset(value)) unknown.push(key);
      continue;
    }
    if (kind === "user") {
      if (!isUnset(value)) config[key] = value;
    } else if (kind === "image") {
      if (isUnset(value)) continue;
      if (sameJson(value, oldImage[key])) fromImage.push(key);
      else config[key] = value;
    }
  }
  const hostname = explicitHostname(container, options.hostNetwork);
  if (hostname !== undefined) config.Hostname = hostname;
  Object.assign(config, commandOf(inspected, oldImage, fromImage));
  const env = userEntries(stringsOf(inspected.Env), new Set(stringsOf(oldImage.Env)));
  if (env.kept.length > 0) config.Env = env.kept;
  fromImage.push(...env.dropped.map((entry) => `Env ${entry.split("=")[0] ?? entry}`));
  const labels = userRecord(recordOf(inspected.Labels), recordOf(oldImage.Labels));
  if (Object.keys(labels.kept).length > 0) config.Labels = labels.kept;
  fromImage.push(...labels.dropped.map((key) => `Labels ${key}`));
  const exposed = userRecord(recordOf(inspected.ExposedPorts), recordOf(oldImage.ExposedPorts));
  if (Object.keys(exposed.kept).length > 0) config.ExposedPorts = exposed.kept;
  return { config, fromImage, unknown };
}

/**
 * The engine names a container after its short ID when no hostname was given, and gives it
 * the host's name on the host network: only a name set by the user is kept.
 */
function explicitHostname(container: ContainerInspect, hostNetwork: boolean): string | undefined {
  const hostname = stringOf(container.Config.Hostname);
  if (hostname === "" || hostNetwork || container.Id.startsWith(hostname)) return undefined;
  return hostname;
}

/**
 * An --entrypoint given by the user makes the engine drop the image's Cmd, so: a user
 * entrypoint is kept with the Cmd as it is; else a Cmd equal to the old image's is left to
 * the new image.
 */
function commandOf(inspected: Json, oldImage: ImageConfig, fromImage: string[]): Record<string, unknown> {
  const entrypoint = inspected.Entrypoint ?? null;
  const cmd = inspected.Cmd ?? null;
  if (!sameJson(entrypoint, oldImage.Entrypoint ?? null)) {
    return { Entrypoint: entrypoint === null ? [] : entrypoint, ...(cmd === null ? {} : { Cmd: cmd }) };
  }
  if (!isUnset(entrypoint)) fromImage.push("Entrypoint");
  if (sameJson(cmd, oldImage.Cmd ?? null)) {
    if (!isUnset(cmd)) fromImage.push("Cmd");
    return {};
  }
  return cmd === null ? {} : { Cmd: cmd };
}

/** KEY=VALUE entries not exactly provided by the image. */
function userEntries(entries: readonly string[], image: ReadonlySet<string>): { kept: string[]; dropped: string[] } {
  return { kept: entries.filter((entry) => !image.has(entry)), dropped: entries.filter((entry) => image.has(entry)) };
}

function userRecord(values: Json, image: Json): { kept: Record<string, unknown>; dropped: string[] } {
  const kept: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (key in image && sameJson(image[key], value)) dropped.push(key);
    else kept[key] = isRecord(value) ? { ...value } : value;
  }
  return { kept, dropped };
}
