import { digestProblem, tagProblem, textProblem } from "./part-problems.js";
import { readName } from "./read-reference.js";
import { invalidReference } from "./reference-error.js";

/** Returns the tag when it follows the grammar; throws REFERENCE_INVALID otherwise. */
export function validateTag(tag: string): string {
  const problem = textProblem(tag) ?? tagProblem(tag);
  if (problem) throw invalidReference(tag, "tag", problem);
  return tag;
}

/** Returns the digest when it is algorithm:hex of a supported algorithm and length. */
export function validateDigest(digest: string): string {
  const problem = textProblem(digest) ?? digestProblem(digest);
  if (problem) throw invalidReference(digest, "digest", problem);
  return digest;
}

/** Returns a repository name ([domain/]path, no tag or digest) when it follows the grammar. */
export function validateRepositoryName(name: string): string {
  const unsafe = textProblem(name);
  if (unsafe) throw invalidReference(name, "repository name", unsafe);
  if (name.includes("@") || name.lastIndexOf(":") > name.lastIndexOf("/")) {
    throw invalidReference(name, "repository name", {
      what: "it has a tag or digest",
      hint: "give the repository alone, e.g. registry.example.com:5000/my-org/app1-prod, and the tag separately",
    });
  }
  const reading = readName(name);
  if (!reading.ok) throw invalidReference(name, "repository name", reading.problem);
  return name;
}
