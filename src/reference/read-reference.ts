import { looksLikeDomain } from "./grammar.js";
import { digestProblem, domainProblem, pathProblem, tagProblem, textProblem, traversalProblem } from "./part-problems.js";
import type { ImageReference, Problem } from "./types.js";

export type Reading<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

type Name = Pick<ImageReference, "domain" | "path">;

function failed(problem: Problem): { readonly ok: false; readonly problem: Problem } {
  return { ok: false, problem };
}

/**
 * Splits text into [domain/]path[:tag][@digest] and checks each part. Neither a name nor a
 * tag may hold `@`, so the digest follows the first `@`; a tag holds no `:` or `/`, so it
 * follows a last `:` that comes after the last `/` (a port's `:` always comes before a `/`).
 */
export function readReference(text: string): Reading<ImageReference> {
  if (typeof text !== "string") return failed({ what: "it is not text", hint: "pass the reference as a string" });
  const unsafe = textProblem(text);
  if (unsafe) return failed(unsafe);
  const at = text.indexOf("@");
  const nameAndTag = at === -1 ? text : text.slice(0, at);
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > nameAndTag.lastIndexOf("/");
  if (hasTag && nameAndTag.startsWith("[") && !nameAndTag.includes("/")) {
    return failed({ what: "it names a registry host but no repository", hint: "add the repository after a `/`, e.g. [::1]:5000/my-org/app1-prod" });
  }
  const name = readName(hasTag ? nameAndTag.slice(0, colon) : nameAndTag);
  if (!name.ok) return name;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  const wrongTag = tag === undefined ? undefined : tagProblem(tag);
  if (wrongTag) return failed(wrongTag);
  const digest = at === -1 ? undefined : text.slice(at + 1);
  const wrongDigest = digest === undefined ? undefined : digestProblem(digest);
  if (wrongDigest) return failed(wrongDigest);
  return { ok: true, value: { ...name.value, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) } };
}

/**
 * Reads [domain/]path. As Docker does, the first component is a registry host only when
 * more components follow and it contains `.` or `:` or is `localhost`; otherwise the whole
 * name is the repository path (on Docker Hub).
 */
export function readName(text: string): Reading<Name> {
  const traversal = traversalProblem(text.split("/"));
  if (traversal) return failed(traversal);
  const slash = text.indexOf("/");
  const first = text.slice(0, slash);
  if (slash === -1 || !looksLikeDomain(first)) {
    const problem = pathProblem(text);
    return problem ? failed(problem) : { ok: true, value: { path: text } };
  }
  const path = text.slice(slash + 1);
  const problem = domainProblem(first) ?? pathProblem(path);
  return problem ? failed(problem) : { ok: true, value: { domain: first, path } };
}
