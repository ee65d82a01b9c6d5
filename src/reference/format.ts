import { looksLikeDomain } from "./grammar.js";
import { digestProblem, domainProblem, pathProblem, tagProblem } from "./part-problems.js";
import { invalidReference } from "./reference-error.js";
import type { ImageReference, Problem } from "./types.js";

/** What keeps ref from being written as text that parses back to the same parts. */
function referenceProblem(ref: ImageReference): Problem | undefined {
  if (ref.domain !== undefined) {
    const problem = domainProblem(ref.domain);
    if (problem) return problem;
    if (!looksLikeDomain(ref.domain)) {
      return {
        what: `the registry host ${JSON.stringify(ref.domain)} has no \`.\` or port and is not localhost, so it would be read as a Docker Hub namespace`,
        hint: "name the registry with its domain or port (e.g. registry.example.com or registry:5000), or make it part of the path",
      };
    }
  }
  const problem = pathProblem(ref.path);
  if (problem) return problem;
  const first = ref.path.split("/")[0] ?? "";
  if (ref.domain === undefined && ref.path.includes("/") && looksLikeDomain(first)) {
    return {
      what: `the repository path starts with ${JSON.stringify(first)}, which would be read as a registry host`,
      hint: "put the registry in the domain, not in the path",
    };
  }
  return (ref.tag === undefined ? undefined : tagProblem(ref.tag)) ?? (ref.digest === undefined ? undefined : digestProblem(ref.digest));
}

function join(ref: ImageReference): string {
  const name = ref.domain === undefined ? ref.path : `${ref.domain}/${ref.path}`;
  return name + (ref.tag === undefined ? "" : `:${ref.tag}`) + (ref.digest === undefined ? "" : `@${ref.digest}`);
}

function checked(ref: ImageReference): ImageReference {
  const problem = referenceProblem(ref);
  if (problem) throw invalidReference(join(ref), "image reference", problem);
  return ref;
}

/** `[domain/]path[:tag][@digest]`; parseReference reads it back to the same parts. */
export function formatReference(ref: ImageReference): string {
  return join(checked(ref));
}

/** The repository without tag or digest: `domain/path`, or `path` when there is no domain. */
export function repositoryOf(ref: ImageReference): string {
  const { domain, path } = checked(ref);
  return domain === undefined ? path : `${domain}/${path}`;
}

/** The same reference with this tag (any digest is kept, as distribution's WithTag does). */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  const problem = tagProblem(tag);
  if (problem) throw invalidReference(tag, "tag", problem);
  return checked({ ...ref, tag });
}

/** The same reference with this digest (any tag is kept, as distribution's WithDigest does). */
export function withDigest(ref: ImageReference, digest: string): ImageReference {
  const problem = digestProblem(digest);
  if (problem) throw invalidReference(digest, "digest", problem);
  return checked({ ...ref, digest });
}
