import * as z from "zod";
import { parseBytes } from "./units.js";
import { formsError } from "./service-forms.js";

/** A mount of a service: a named volume, a host directory (bind), or a tmpfs. */
export type ServiceVolume =
  | { readonly type: "volume" | "bind"; readonly source: string; readonly target: string; readonly readOnly: boolean }
  | { readonly type: "tmpfs"; readonly target: string; readonly readOnly: boolean; readonly sizeBytes?: number };

type Issue = { readonly message: string };

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Parses compose's short syntax: "data:/var/lib/data", "./conf:/etc/app:ro", "/srv/www:/www:rw". */
export function parseVolumeText(text: string): ServiceVolume | Issue {
  const parts = text.split(":");
  if (parts.length === 1) {
    return {
      message: `"${text}" is an anonymous volume: Slipway starts a new container per revision, so its data would be lost at each update; name it ("data:${text}")`,
    };
  }
  if (parts.length > 3) return { message: `"${text}" is not a volume: write "name:/path", "./dir:/path" or "/dir:/path", with ":ro" to mount it read-only` };
  const [source = "", target = "", mode] = parts;
  const readOnly = parseMode(text, mode);
  if (typeof readOnly !== "boolean") return readOnly;
  const targetIssue = checkTarget(text, target);
  if (targetIssue) return targetIssue;
  return sourceVolume(text, source, target, readOnly);
}

function parseMode(text: string, mode: string | undefined): boolean | Issue {
  if (mode === undefined) return false;
  const options = mode.split(",");
  const unknown = options.filter((option) => option !== "ro" && option !== "rw");
  if (unknown.length > 0) {
    return { message: `"${text}": Slipway supports only the mount options ro and rw, not ${unknown.map((o) => `"${o}"`).join(", ")}; remove them` };
  }
  return options.includes("ro");
}

function checkTarget(text: string, target: string): Issue | undefined {
  if (!target.startsWith("/")) return { message: `"${text}": the path inside the container must be absolute (start with /), not "${target}"` };
  if (target === "/") return { message: `"${text}": a volume cannot be mounted over the container's root directory` };
  return undefined;
}

function sourceVolume(text: string, source: string, target: string, readOnly: boolean): ServiceVolume | Issue {
  if (source.startsWith("~")) {
    return { message: `"${text}": "~" depends on who runs the container on which host; write the host path in full (/home/...)` };
  }
  if (source.startsWith("/") || source.startsWith(".")) return { type: "bind", source, target, readOnly };
  if (!VOLUME_NAME.test(source)) {
    return { message: `"${text}": "${source}" is neither a path (/abs, ./rel) nor a volume name (letters, digits, _ . -, at least two characters)` };
  }
  return { type: "volume", source, target, readOnly };
}

/** Parses a tmpfs entry: "/run" or "/run:size=64m". */
export function parseTmpfsText(text: string): ServiceVolume | Issue {
  const colon = text.indexOf(":");
  const target = colon === -1 ? text : text.slice(0, colon);
  const targetIssue = checkTarget(text, target);
  if (targetIssue) return targetIssue;
  if (colon === -1) return { type: "tmpfs", target, readOnly: false };
  let sizeBytes: number | undefined;
  for (const option of text.slice(colon + 1).split(",")) {
    const [key, value = ""] = option.split("=");
    if (key !== "size") return { message: `"${text}": Slipway supports only the tmpfs option size=, not "${option}"` };
    sizeBytes = parseBytes(value);
    if (sizeBytes === undefined) return { message: `"${text}": "${value}" is not a size such as 64m` };
  }
  return sizeBytes === undefined ? { type: "tmpfs", target, readOnly: false } : { type: "tmpfs", target, readOnly: false, sizeBytes };
}

function fromText(parse: (text: string) => ServiceVolume | Issue) {
  return (value: string, ctx: z.core.$RefinementCtx<string>): ServiceVolume => {
    const parsed = parse(value);
    if ("message" in parsed) {
      ctx.addIssue({ code: "custom", message: parsed.message, input: value, continue: true });
      return { type: "tmpfs", target: "/", readOnly: false };
    }
    return parsed;
  };
}

const longFormSchema = z
  .strictObject({
    type: z.enum(["volume", "bind", "tmpfs"]).describe("volume (a named volume), bind (a host directory) or tmpfs."),
    source: z.string().min(1).optional().describe("The volume's name, or the host path of a bind mount; none for tmpfs."),
    target: z.string().describe("The absolute path inside the container."),
    read_only: z.boolean().default(false).describe("Mount read-only."),
    tmpfs: z
      .strictObject({ size: z.union([z.number().int().positive(), z.string()]).describe("The size limit, e.g. 64m.") })
      .optional()
      .describe("tmpfs options."),
  })
  .transform((value, ctx): ServiceVolume => {
    const issue = (message: string): ServiceVolume => {
      ctx.addIssue({ code: "custom", message, input: value, continue: true });
      return { type: "tmpfs", target: "/", readOnly: false };
    };
    const targetIssue = checkTarget(value.target, value.target);
    if (targetIssue) return issue(targetIssue.message);
    if (value.type === "tmpfs") return tmpfsLongForm(value.target, value.source, value.tmpfs?.size, value.read_only, issue);
    if (value.tmpfs !== undefined) return issue(`tmpfs options apply only to type: tmpfs, not ${value.type}`);
    if (value.source === undefined) return issue(`a ${value.type} mount needs a source`);
    const parsed = sourceVolume(`${value.source}:${value.target}`, value.source, value.target, value.read_only);
    if ("message" in parsed) return issue(parsed.message);
    if (parsed.type !== value.type) return issue(`"${value.source}" is a ${parsed.type === "bind" ? "path" : "volume name"}, but type is ${value.type}`);
    return parsed;
  });

function tmpfsLongForm(
  target: string,
  source: string | undefined,
  size: number | string | undefined,
  readOnly: boolean,
  issue: (message: string) => ServiceVolume,
): ServiceVolume {
  if (source !== undefined) return issue("a tmpfs mount has no source; remove it");
  if (size === undefined) return { type: "tmpfs", target, readOnly };
  const sizeBytes = typeof size === "number" ? size : parseBytes(size);
  if (sizeBytes === undefined) return issue(`"${size}" is not a size such as 64m`);
  return { type: "tmpfs", target, readOnly, sizeBytes };
}

export const volumeSchema = z
  .union([z.string().transform(fromText(parseVolumeText)), longFormSchema], {
    error: formsError('expected a volume: "name:/path", "./dir:/path[:ro]", "/dir:/path", or {type, source, target, read_only}'),
  })
  .describe(
    'A mount: "NAME:/path" (a named volume), "./dir:/path" or "/dir:/path" (a host directory; relative to the config file), ' +
      'with ":ro" for read-only; or {type: volume|bind|tmpfs, source, target, read_only}.',
  );

export const volumesSchema = z.array(volumeSchema).describe("Volumes and host directories mounted into the container. Named volumes outlive every update.");

export const tmpfsSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === "string" ? [value] : value))
  .pipe(z.array(z.string().transform(fromText(parseTmpfsText))))
  .describe('tmpfs mounts: "/run" or "/run:size=64m" (one, or a list).');
