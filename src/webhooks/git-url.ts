import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const SCP = /^(?:[^@/:\s]+@)?([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\]):(.+)$/;

/**
 * One key per repository, whatever form names it: https://host/org/repo.git,
 * ssh://git@host:2222/org/repo, git@host:org/repo.git, git://host/org/repo and the web page
 * https://host/org/repo all become `host/org/repo` (host and path lower-cased, as the big
 * forges treat them; credentials, port and `.git` dropped). file:// URLs and paths become
 * `file:<absolute path>`, relative paths resolved against baseDir. Undefined for text that is
 * no repository address.
 */
export function gitRepoKey(repo: string, baseDir: string): string | undefined {
  const text = repo.trim();
  if (text === "" || /\s/.test(text)) return undefined;
  const scheme = URL_SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === "file") return fileKey(text);
  if (scheme !== undefined) return urlKey(text);
  const colon = text.indexOf(":");
  const slash = text.indexOf("/");
  if (colon > 0 && (slash === -1 || colon < slash)) return scpKey(text);
  return `file:${trimSlashes(isAbsolute(text) ? resolve(text) : resolve(baseDir, text))}`;
}

function urlKey(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.hostname === "") return undefined;
  return remoteKey(url.hostname, decodeURIComponent(url.pathname));
}

function scpKey(text: string): string | undefined {
  const match = SCP.exec(text);
  if (!match) return undefined;
  return remoteKey((match[1] ?? "").replace(/^\[(.*)\]$/, "$1"), match[2] ?? "");
}

function fileKey(text: string): string | undefined {
  try {
    return `file:${trimSlashes(fileURLToPath(new URL(text)))}`;
  } catch {
    return undefined;
  }
}

function remoteKey(host: string, path: string): string | undefined {
  const cleanPath = trimSlashes(path.replace(/^\/*~?/, "/"))
    .replace(/\.git$/i, "")
    .toLowerCase();
  if (cleanPath === "" || cleanPath === "/") return undefined;
  return `${host.toLowerCase()}${cleanPath.startsWith("/") ? "" : "/"}${cleanPath}`;
}

function trimSlashes(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}
