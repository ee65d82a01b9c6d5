import { familiarName, normalizeReference } from "../reference/index.js";

/** The watch_state key of a source's branch head: `source:<name>:<branch>` (git forbids ':' in branch names). */
export function sourceWatchKey(source: string, branch: string): string {
  return `source:${source}:${branch}`;
}

/** The watch_state key of a tag's digest: `tag:<repository>:<tag>`, the repository by its familiar name (myorg/foo, localhost:5000/app). */
export function tagWatchKey(repository: string, tag: string): string {
  return `tag:${familiarName(normalizeReference(repository))}:${tag}`;
}
