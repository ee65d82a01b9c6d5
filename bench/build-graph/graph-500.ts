import { join } from "node:path";
import type { Files } from "./git-repos.js";

/**
 * The 500-image graph of part (a): 100 sources (tiny bare git repositories) and 100 groups
 * of five images. Group i is a small tree over five different sources:
 *
 *     gNNN-root (from the external base) -> gNNN-a -> gNNN-b
 *                                                  -> gNNN-c -> gNNN-d (seals source sNNN)
 *
 * Image j of group i has its context in source s((i + j) mod 100), directory imgJ, so every
 * source holds five image definitions. Even-numbered sources are narrowed to `paths: [code/]`.
 */
export const SOURCES = 100;
export const IMAGES_PER_GROUP = ["root", "a", "b", "c", "d"] as const;
export const BRANCH = "main";

const PARENTS: Readonly<Record<(typeof IMAGES_PER_GROUP)[number], string | undefined>> = { root: undefined, a: "root", b: "a", c: "a", d: "c" };

export function sourceName(index: number): string {
  return `s${String(index % SOURCES).padStart(3, "0")}`;
}

export function groupImage(group: number, member: string): string {
  return `g${String(group).padStart(3, "0")}-${member}`;
}

/** The files of source `index`: five image definitions, some code and docs. */
export function sourceFiles(index: number): Files {
  const files: Record<string, string> = {
    "code/lib.txt": `library of ${sourceName(index)}\n`,
    "docs/index.md": `# ${sourceName(index)}\n`,
  };
  IMAGES_PER_GROUP.forEach((_, j) => {
    files[`img${j}/Dockerfile`] = `ARG PARENT\nFROM \${PARENT}\nRUN echo ${sourceName(index)} img${j} > /built-from\n`;
  });
  return files;
}

export function remoteOf(remotesDir: string, index: number): string {
  return join(remotesDir, `${sourceName(index)}.git`);
}

/** slipway.yml for the whole graph. */
export function graphConfig(input: { registry: string; remotesDir: string; base: string }): string {
  const lines = [`registry: ${input.registry}`, "", "sources:"];
  for (let i = 0; i < SOURCES; i += 1) {
    const paths = i % 2 === 0 ? ", paths: [code/]" : "";
    lines.push(`  ${sourceName(i)}: { repo: "${remoteOf(input.remotesDir, i)}", branch: ${BRANCH}${paths} }`);
  }
  lines.push("", "images:");
  for (let i = 0; i < SOURCES; i += 1) {
    IMAGES_PER_GROUP.forEach((member, j) => {
      const parent = PARENTS[member];
      const from = parent === undefined ? `"${input.base}"` : groupImage(i, parent);
      const seal = member === "d" ? `, seal: { code: ${sourceName(i)} }` : "";
      lines.push(`  ${groupImage(i, member)}: { context: "${sourceName(i + j)}:img${j}", from: ${from}${seal} }`);
    });
  }
  return `${lines.join("\n")}\n`;
}
