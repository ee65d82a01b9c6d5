import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { ProxyImageInputs } from "./image.js";

/** This machine's proxy image: what goes in, and the tag that names it. */
export interface ProxyImage {
  readonly inputs: ProxyImageInputs;
  readonly tag: string;
}

/**
 * Where the proxy image's inputs and tag are kept between processes, beside the CLI's code
 * cache: $XDG_CACHE_HOME/slipway (default ~/.cache/slipway).
 */
export function proxyImageCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== "" ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(base, "slipway", "proxy-image.json");
}

/**
 * The proxy image from the cache file when every file that goes in (Caddy, its libraries,
 * busybox) is the one it was made from (same path, size, modification and change time, inode)
 * and `caddy`/`busybox` still resolve to those paths; else found and hashed again (`find`,
 * about 100 ms on an idle machine, several times that under load: `ldd`, `caddy version` and a
 * SHA-256 of Caddy's tens of MB) and written back. A cache that cannot be read or written only
 * costs the search.
 */
export async function cachedProxyImage(
  file: string | undefined,
  resolved: { readonly caddy: string; readonly busybox: string },
  find: () => Promise<ProxyImage>,
): Promise<ProxyImage> {
  const cached = file === undefined ? undefined : readCache(file);
  if (cached !== undefined && cached.image.inputs.caddy === resolved.caddy && cached.image.inputs.busybox === resolved.busybox) {
    const signature = signatureOf(cached.image.inputs);
    if (signature !== undefined && signature === cached.signature) return cached.image;
  }
  const image = await find();
  const signature = signatureOf(image.inputs);
  if (file !== undefined && signature !== undefined) writeCache(file, { signature, image });
  return image;
}

/** What identifies the files that go in: for each, its path, size, times and inode; undefined when one is missing. */
export function signatureOf(inputs: ProxyImageInputs): string | undefined {
  const parts: string[] = [];
  for (const path of [inputs.caddy, ...inputs.libraries, inputs.busybox]) {
    try {
      const stat = statSync(path);
      parts.push(`${path}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`);
    } catch {
      return undefined;
    }
  }
  return parts.join("|");
}

interface CacheEntry {
  readonly signature: string;
  readonly image: ProxyImage;
}

function readCache(file: string): CacheEntry | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return isEntry(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, entry: CacheEntry): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(entry));
    renameSync(partial, file);
  } catch {
    // a cache that cannot be written is searched again next time
  }
}

function isEntry(value: unknown): value is CacheEntry {
  if (typeof value !== "object" || value === null) return false;
  const { signature, image } = value as Record<string, unknown>;
  if (typeof signature !== "string" || typeof image !== "object" || image === null) return false;
  const { inputs, tag } = image as Record<string, unknown>;
  if (typeof tag !== "string" || typeof inputs !== "object" || inputs === null) return false;
  const { caddy, libraries, busybox, version, arch } = inputs as Record<string, unknown>;
  return (
    typeof caddy === "string" &&
    typeof busybox === "string" &&
    typeof version === "string" &&
    typeof arch === "string" &&
    Array.isArray(libraries) &&
    libraries.every((library) => typeof library === "string")
  );
}
