import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { Engine } from "../../../src/engine/index.js";
import { runSlipway, type CliRun } from "../../harness/cli.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, RUN_LABEL, TEST_LABEL, testRunId } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { GIT_ENV, pushUpstreamBusybox } from "./fixture.js";

const run = promisify(execFile);

/**
 * A new user's project, as the CLI sees it: a directory with slipway.yml, a state directory,
 * bare git remotes beside it, a real registry holding an upstream busybox, the real engine.
 */
export interface Project {
  readonly dir: string;
  readonly registry: TestRegistry;
  readonly engine: Engine;
  /** The upstream busybox in the registry (with `marker` in /etc/upstream), by tag. */
  readonly upstream: string;
  /** YAML for an image's labels: this run's test labels, so cleanup finds every image built. */
  readonly labels: string;
  /** Creates a bare remote `name.git` with one commit of `files` on `branch`. */
  createRemote(name: string, branch: string, files: Readonly<Record<string, string>>): Promise<string>;
  /** Commits `files` (null deletes) to a branch of a remote, optionally creating the branch from `from` and tagging the commit. */
  commit(name: string, files: Readonly<Record<string, string | null>>, options?: { branch?: string; from?: string; tag?: string }): Promise<string>;
  writeFile(name: string, text: string): void;
  slipway(args: readonly string[], env?: Record<string, string>): Promise<CliRun>;
  close(): Promise<void>;
}

export async function openProject(marker: string): Promise<Project> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-new-user-"));
  const engine = await ensureEngine();
  const registry = await startRegistry();
  const upstream = `${registry.host}/upstream/busybox:1`;
  await pushUpstreamBusybox(engine, upstream, marker);
  const remote = (name: string): string => join(dir, `${name}.git`);
  const git = async (cwd: string, ...args: string[]): Promise<string> => (await run("git", args, { cwd, env: GIT_ENV })).stdout.trim();
  const write = (root: string, files: Readonly<Record<string, string | null>>): void => {
    for (const [path, content] of Object.entries(files)) {
      const file = join(root, path);
      if (content === null) rmSync(file, { force: true });
      else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
  };
  return {
    dir,
    registry,
    engine,
    upstream,
    labels: `{ "${TEST_LABEL}": "1", "${RUN_LABEL}": "${testRunId}" }`,
    async createRemote(name, branch, files) {
      const work = mkdtempSync(join(tmpdir(), "slipway-work-"));
      try {
        await git(work, "init", "--quiet", "-b", branch);
        write(work, files);
        await git(work, "add", "--all");
        await git(work, "commit", "--quiet", "-m", `Initial ${name}`);
        await git(dir, "init", "--quiet", "--bare", "-b", branch, remote(name));
        await git(work, "push", "--quiet", remote(name), branch);
        return await git(work, "rev-parse", "HEAD");
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    async commit(name, files, options = {}) {
      const work = mkdtempSync(join(tmpdir(), "slipway-work-"));
      try {
        await git(work, "clone", "--quiet", "--", remote(name), ".");
        if (options.branch !== undefined) await git(work, "checkout", "--quiet", "-B", options.branch, `origin/${options.from ?? options.branch}`);
        write(work, files);
        await git(work, "add", "--all");
        await git(work, "commit", "--quiet", "-m", `Change ${Object.keys(files).join(", ")}`);
        if (options.tag !== undefined) await git(work, "tag", options.tag);
        const branch = options.branch ?? (await git(work, "rev-parse", "--abbrev-ref", "HEAD"));
        await git(work, "push", "--quiet", "origin", `HEAD:refs/heads/${branch}`, ...(options.tag === undefined ? [] : [`refs/tags/${options.tag}`]));
        return await git(work, "rev-parse", "HEAD");
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    writeFile: (name, text) => writeFileSync(join(dir, name), text),
    slipway: (args, env = {}) => runSlipway(["--state-dir", join(dir, "state"), ...args], { cwd: dir, env: { SLIPWAY_URL: undefined, ...env } }),
    async close() {
      await cleanupTestRun(engine);
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
