import { existsSync, readdirSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { SlipwayError } from "../errors/index.js";

/** Directories never sent to the engine, whatever .dockerignore says. */
const ALWAYS_EXCLUDED = new Set([".git"]);

export interface BuildContext {
  readonly contextDir: string;
  /** The Dockerfile's path relative to the context, with forward slashes. */
  readonly dockerfile: string;
  /** Files (and empty directories) to send, relative to the context. */
  readonly entries: string[];
}

/**
 * Checks the context and Dockerfile exist before anything is sent, and lists what to send.
 * dockerode applies the context's .dockerignore to this list when it packs the tar.
 */
export function prepareBuildContext(contextDir: string, dockerfile = "Dockerfile"): BuildContext {
  const context = resolve(contextDir);
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new SlipwayError("BUILD_FAILED", `the build context ${context} is not a directory`, {
      hint: "point the image's context at the directory that holds its Dockerfile and files",
    });
  }
  const dockerfilePath = isAbsolute(dockerfile) ? dockerfile : join(context, dockerfile);
  const inside = relative(context, dockerfilePath);
  if (inside.startsWith("..") || isAbsolute(inside)) {
    throw new SlipwayError("BUILD_FAILED", `the Dockerfile ${dockerfilePath} is outside the build context ${context}`, {
      hint: "move the Dockerfile into the context directory, or widen the context",
    });
  }
  if (!existsSync(dockerfilePath) || !statSync(dockerfilePath).isFile()) {
    throw new SlipwayError("BUILD_FAILED", `there is no Dockerfile at ${dockerfilePath}`, {
      hint: `create ${inside.split(sep).join("/")} in ${context}, or name the right file with the image's dockerfile setting`,
    });
  }
  return { contextDir: context, dockerfile: inside.split(sep).join("/"), entries: listEntries(context, "") };
}

function listEntries(root: string, prefix: string): string[] {
  const entries: string[] = [];
  const children = readdirSync(join(root, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  if (children.length === 0 && prefix !== "") return [prefix];
  for (const child of children) {
    const path = prefix === "" ? child.name : `${prefix}/${child.name}`;
    if (child.isDirectory()) {
      if (ALWAYS_EXCLUDED.has(child.name)) continue;
      entries.push(...listEntries(root, path));
    } else {
      entries.push(path);
    }
  }
  return entries;
}
