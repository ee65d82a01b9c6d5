import { execFile } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { openBuildSession } from "../../src/builder/session.js";
import { loadConfig } from "../../src/config/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import type { BenchContext } from "./bench-context.js";
import { commitTo, GIT_ENV, type Files } from "./git-repos.js";

const run = promisify(execFile);
const EXAMPLE = join(dirname(new URL(import.meta.url).pathname), "../../../examples/data-team");
export const DATA_TEAM_IMAGES = ["base", "infra-dev", "infra-prod", "app1-dev", "app1-prod"] as const;
type Repo = "my-docker" | "infra" | "app1";

/** One change to the example's repositories. */
interface Change {
  readonly name: string;
  readonly repo: Repo;
  readonly files: Files;
  readonly executable?: readonly string[];
}

export interface RebuildRow {
  readonly change: string;
  readonly slipway: readonly string[];
  readonly seed: readonly string[];
}

export interface RebuildResult {
  readonly initial: readonly string[];
  readonly rows: readonly RebuildRow[];
}

const CHANGES: readonly Change[] = [
  {
    name: "commit to infra (infra/version.sh)",
    repo: "infra",
    files: { "infra/version.sh": '#!/bin/sh\necho "infra 1.1"\n' },
    executable: ["infra/version.sh"],
  },
  {
    name: "commit to app1 inside paths (app1/report.sh)",
    repo: "app1",
    files: { "app1/report.sh": '#!/bin/sh\necho "app1 report v2"\n' },
    executable: ["app1/report.sh"],
  },
  { name: "commit to app1 outside paths (docs/index.md)", repo: "app1", files: { "docs/index.md": "# app1 docs\nRun the report with do-something.sh.\n" } },
  {
    name: "my-docker app1-dev/Dockerfile",
    repo: "my-docker",
    files: { "app1-dev/Dockerfile": 'ARG PARENT\nFROM ${PARENT}\nRUN mkdir -p /opt/deps && echo "boto3==1.28 pyarrow==14" > /opt/deps/app1.txt\n' },
  },
  {
    name: "my-docker base/Dockerfile",
    repo: "my-docker",
    files: {
      "base/Dockerfile": [
        "FROM scratch",
        "COPY busybox /bin/busybox",
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
        'RUN mkdir -p /tmp /var/log /etc && chmod 1777 /tmp && echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd',
        "ENV PATH=/usr/local/bin:/usr/bin:/bin TZ=UTC",
        'CMD ["sh"]',
        "",
      ].join("\n"),
    },
  },
];

/**
 * The seed's rule (seeds/000, auto-build.sh, run by cron): it compares each branch's newest
 * commit date with the newest image tag. my-docker moved -> rebuild everything; else infra
 * moved -> infra-prod and every app image; else app1 moved (any commit, paths are not
 * considered) -> app1-prod.
 */
export function seedRebuilds(moved: Repo): readonly string[] {
  if (moved === "my-docker") return DATA_TEAM_IMAGES;
  if (moved === "infra") return ["infra-prod", "app1-dev", "app1-prod"];
  return ["app1-prod"];
}

/** Part (b): which images each change of examples/data-team rebuilds, against the seed's rule. */
export async function benchRebuildCounts(context: BenchContext, log: (line: string) => void): Promise<RebuildResult> {
  const dir = join(context.root, "data-team");
  mkdirSync(dir, { recursive: true });
  cpSync(EXAMPLE, dir, { recursive: true, filter: (path) => !path.startsWith(join(EXAMPLE, "work")) });
  await run("bash", ["--", join(dir, "prepare.sh")], { env: GIT_ENV });
  const stateDir = join(context.root, "data-team-state");
  const store = openStore({ stateDir });
  try {
    const pass = (): Promise<string[]> => buildPass(context, dir, stateDir, store);
    log("data-team: initial build and push");
    const initial = await pass();
    const rows: RebuildRow[] = [];
    for (const change of CHANGES) {
      await commitTo(join(dir, "work", "remotes", `${change.repo}.git`), change.name, change.files, change.executable);
      const built = await pass();
      log(`data-team: ${change.name}: rebuilt ${built.join(", ") || "nothing"}`);
      rows.push({ change: change.name, slipway: built, seed: seedRebuilds(change.repo) });
    }
    return { initial, rows };
  } finally {
    await store.close();
  }
}

/** A new session (as a CLI run would open), plan, build and push; returns the images built. */
async function buildPass(context: BenchContext, dir: string, stateDir: string, store: Store): Promise<string[]> {
  const loaded = await loadConfig({ path: join(dir, "slipway.yml"), env: { ...process.env, SLIPWAY_REGISTRY: context.registry.host } });
  const session = openBuildSession({ config: loaded.config, configDir: loaded.dir, stateDir, store });
  const plan = await session.plan([]);
  const report = await session.build(plan, context.engine, { jobs: 2, push: true, noCache: false });
  if (!report.ok) {
    const failed = report.outcomes.filter((o) => o.outcome === "failed" || o.outcome === "skipped").map((o) => o.image);
    throw new Error(`the data-team build failed for ${failed.join(", ")}`);
  }
  return report.outcomes.filter((o) => o.outcome === "built").map((o) => o.image);
}
