import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SlipwayError } from "../errors/index.js";

export type RemoteKind = "https" | "ssh" | "scp" | "file" | "local";

/** A git remote that passed validation: safe to give to git as one argv element. */
export interface Remote {
  /** What git is given; local paths are made absolute. */
  readonly url: string;
  readonly kind: RemoteKind;
  /** The remote as messages show it: without credentials. */
  readonly display: string;
}

export interface RemoteOptions {
  /** Relative local paths are resolved against this directory (the config file's). */
  readonly baseDir: string;
}

const HINT = "use an ssh remote (git@host:org/repo.git or ssh://host/org/repo.git), https://host/org/repo.git, file:///path or a local path";
const TRANSPORT_HELPER = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const SCP = /^(?:([^@/:\s]+)@)?([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\]):(.+)$/;

/**
 * Checks a source's `repo:` and says how git will reach it. Accepted: https://, ssh://,
 * scp-like `user@host:path`, file:// and local paths. Everything else (remote helpers such as
 * `ext::`, `fd::`, plain http://, git://, values that git would read as options) is refused
 * with GIT_REMOTE_INVALID before git ever sees it.
 */
export function validateRemote(repo: string, options: RemoteOptions): Remote {
  const shown = redactUserinfo(repo);
  const refuse = (why: string, hint = HINT): never => {
    throw new SlipwayError("GIT_REMOTE_INVALID", `the git remote "${shown}" ${why}`, { hint });
  };
  if (repo.trim() === "") refuse("is empty");
  if (hasControlCharacter(repo)) refuse("contains a control character (a newline or tab?)");
  if (repo.startsWith("-")) refuse("starts with '-', so git would read it as an option");
  if (TRANSPORT_HELPER.test(repo)) refuse("uses a git remote helper (`transport::address`), which could run programs; it is not allowed");
  const scheme = URL_SCHEME.exec(repo)?.[1]?.toLowerCase();
  if (scheme !== undefined) return urlRemote(repo, scheme, refuse);
  const colon = repo.indexOf(":");
  const slash = repo.indexOf("/");
  if (colon > 0 && (slash === -1 || colon < slash)) return scpRemote(repo, refuse);
  const path = isAbsolute(repo) ? resolve(repo) : resolve(options.baseDir, repo);
  return { url: path, kind: "local", display: path };
}

type Refuse = (why: string, hint?: string) => never;

function urlRemote(repo: string, scheme: string, refuse: Refuse): Remote {
  if (/\s/.test(repo)) refuse("contains whitespace");
  if (scheme === "http") refuse("uses plain http, which sends code and credentials unencrypted", "use the https:// address of the repository");
  if (scheme === "git") refuse("uses the unauthenticated git:// protocol", "use the https:// or ssh address of the repository");
  if (scheme !== "https" && scheme !== "ssh" && scheme !== "file") refuse(`uses the "${scheme}" protocol, which is not supported`);
  let url: URL;
  try {
    url = new URL(repo);
  } catch {
    return refuse("is not a well-formed URL");
  }
  if (scheme === "file") return fileRemote(repo, url, refuse);
  if (url.hostname === "" || repo.slice(scheme.length + 3).startsWith("/")) refuse("has no host name");
  if (url.hostname.startsWith("-") || url.username.startsWith("-")) refuse("has a host or user name starting with '-', which ssh would read as an option");
  if (url.pathname === "" || url.pathname === "/") refuse("names no repository path on the host");
  return { url: repo, kind: scheme, display: redactUserinfo(repo) };
}

function fileRemote(repo: string, url: URL, refuse: Refuse): Remote {
  if (url.hostname !== "" && url.hostname !== "localhost") refuse("names a host; file:// remotes must be on this machine (file:///path)");
  const path = fileURLToPath(url);
  return { url: repo, kind: "file", display: path };
}

function scpRemote(repo: string, refuse: Refuse): Remote {
  const match = SCP.exec(repo);
  if (!match) return refuse("is not a valid scp-like ssh remote (user@host:path)");
  const [, user = "", , path = ""] = match;
  if (/\s/.test(repo)) refuse("contains whitespace");
  if (user.startsWith("-")) refuse("has a user name starting with '-', which ssh would read as an option");
  if (path.startsWith("-") || path.startsWith(":")) refuse("has a repository path starting with '-' or ':'");
  return { url: repo, kind: "scp", display: repo };
}

/** `https://user:token@host/x` -> `https://host/x`: messages never carry credentials. */
export function redactUserinfo(text: string): string {
  return text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@\s]*@/g, "$1");
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
