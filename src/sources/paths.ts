import { SlipwayError } from "../errors/index.js";

/**
 * Included paths, as a source's `paths:` and an image's context name them. A pattern names a
 * file or a directory and everything under it:
 * - "" (or ".") is the whole tree;
 * - a plain path ("src/app", "setup.py") matches itself and everything under it;
 * - wildcards follow git's glob pathspecs: `*` and `?` stay within one directory level, `**`
 *   crosses levels, `[a-z]` is a class; a pattern matching a directory matches its contents.
 * `matchesPaths` and `pathspecs` (what git is given) agree; an integration test checks it
 * against git itself.
 */
export function matchesPaths(file: string, paths: readonly string[]): boolean {
  if (paths.length === 0) return true;
  return paths.some((path) => matchesPath(file, normalizeSourcePath(path)));
}

/** The git pathspecs for included paths: explicit glob magic, so no other magic applies. */
export function pathspecs(paths: readonly string[]): string[] {
  return paths.flatMap((raw) => {
    const path = normalizeSourcePath(raw);
    if (path === "") return [":(top)."];
    return hasWildcard(path) ? [`:(top,glob)${path}`, `:(top,glob)${path}/**`] : [`:(top,literal)${path}`];
  });
}

/** "./app/", "app//x", "/app" -> "app", "app/x", "app"; refuses `..` and control characters. */
export function normalizeSourcePath(path: string): string {
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  const control = [...path].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
  if (parts.includes("..") || control) {
    const shown = [...path].map((char) => (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f ? "?" : char)).join("");
    throw new SlipwayError("CONFIG_INVALID", `the path "${shown}" leaves its repository or contains a control character`, {
      hint: "paths in a source are relative to the repository's top directory and cannot use '..'",
    });
  }
  return parts.join("/");
}

export function hasWildcard(path: string): boolean {
  return /[*?[\\]/.test(path);
}

function matchesPath(file: string, path: string): boolean {
  if (path === "") return true;
  if (!hasWildcard(path)) return file === path || file.startsWith(`${path}/`);
  const pattern = globToRegExp(path);
  const parts = file.split("/");
  for (let i = 1; i <= parts.length; i++) {
    if (pattern.test(parts.slice(0, i).join("/"))) return true;
  }
  return false;
}

/** git's wildmatch with WM_PATHNAME, as `:(glob)` uses it. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  let i = 0;
  while (i < glob.length) {
    const char = glob[i] ?? "";
    if (char === "*" && glob[i + 1] === "*") {
      const atStart = i === 0 || glob[i - 1] === "/";
      const atEnd = i + 2 === glob.length || glob[i + 2] === "/";
      if (atStart && glob[i + 2] === "/") {
        out += "(?:.*/)?";
        i += 3;
        continue;
      }
      if (atStart && atEnd) {
        out += ".*";
        i += 2;
        continue;
      }
      out += "[^/]*";
      i += 2;
      continue;
    }
    if (char === "*") out += "[^/]*";
    else if (char === "?") out += "[^/]";
    else if (char === "[") {
      const end = classEnd(glob, i);
      if (end === -1) out += "\\[";
      else {
        out += classToRegExp(glob.slice(i + 1, end));
        i = end;
      }
    } else if (char === "\\" && i + 1 < glob.length) {
      out += escapeRegExp(glob[i + 1] ?? "");
      i++;
    } else out += escapeRegExp(char);
    i++;
  }
  return new RegExp(`^${out}$`, "s");
}

function classEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === "!" || glob[i] === "^") i++;
  if (glob[i] === "]") i++;
  while (i < glob.length && glob[i] !== "]") i++;
  return i < glob.length ? i : -1;
}

function classToRegExp(body: string): string {
  const negated = body.startsWith("!") || body.startsWith("^");
  const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, (c) => `\\${c}`);
  return negated ? `(?!/)[^${members}]` : `(?!/)[${members}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
