import * as z from "zod";
import { branchProblem } from "../sources/branch.js";
import type { GitHint } from "./types.js";

/** Lenient readers for what remote systems send: a field of the wrong type is dropped, never fatal. */
export const optionalText = z.string().min(1).optional().catch(undefined);
export const optionalFlag = z.boolean().optional().catch(undefined);

const ZERO_COMMIT = /^0+$/;
const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const BRANCH_REF = "refs/heads/";

export interface PushFacts {
  readonly ref: string;
  /** The new head; all zeros (or missing, with deleted) when the branch was deleted. */
  readonly after?: string | undefined;
  readonly deleted?: boolean | undefined;
  readonly urls: readonly (string | undefined)[];
}

export interface PushReading {
  readonly hints: GitHint[];
  readonly notes: string[];
}

/** A push as a hint: only a branch that still exists gives one (tags and deletions are noted). */
export function readPush(facts: PushFacts): PushReading {
  if (!facts.ref.startsWith(BRANCH_REF)) return noHint(`a push to ${facts.ref}, which is not a branch`);
  const branch = facts.ref.slice(BRANCH_REF.length);
  const problem = branchProblem(branch);
  if (problem !== undefined) return noHint(`a push to a branch whose name ${problem}`);
  if (facts.deleted === true || (facts.after !== undefined && ZERO_COMMIT.test(facts.after))) return noHint(`branch ${branch} was deleted`);
  const repo = uniqueUrls(facts.urls);
  if (repo.length === 0) return noHint(`a push to ${branch} that names no repository URL`);
  const commit = facts.after !== undefined && COMMIT.test(facts.after) ? facts.after : undefined;
  return { hints: [{ kind: "git", repo, branch, ...(commit === undefined ? {} : { commit }) }], notes: [] };
}

function noHint(note: string): PushReading {
  return { hints: [], notes: [note] };
}

function uniqueUrls(urls: readonly (string | undefined)[]): string[] {
  return [...new Set(urls.filter((url): url is string => url !== undefined && url.trim() !== "" && !/\s/.test(url)))];
}
