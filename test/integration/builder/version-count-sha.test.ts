import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { BuildReportJson } from "../../../src/app/index.js";
import { openProject, type Project } from "./project.js";

/**
 * Issue 12, defect 16: `tag: version-count-sha` as seed 003 builds it,
 * `${version}-$(git rev-list --count HEAD)-$(git rev-parse --short HEAD)`: the count is every
 * commit of the branch, so it keeps growing across a version tag, and the tags sort in build
 * order. The version comes from a release branch's name, else a VERSION file, else the last
 * version tag. Real git remote, engine and registry, through the CLI.
 */
let project: Project;

const dockerfile = (n: number): string => `ARG PARENT\nFROM \${PARENT}\nRUN echo ${n} > /etc/build\n`;

before(async () => {
  project = await openProject("marker-16");
  await project.createRemote("svc", "main", { Dockerfile: dockerfile(1) });
  config("main");
});
after(async () => {
  await project?.close();
});

function config(branch: string): void {
  project.writeFile(
    "slipway.yml",
    `registry: ${project.registry.host}/versions
sources:
  svc: { repo: ./svc.git, branch: ${branch} }
images:
  svc: { context: "svc:", from: "${project.upstream}", tag: version-count-sha, labels: ${project.labels} }
`,
  );
}

async function buildTag(): Promise<string> {
  const run = await project.slipway(["build", "--push", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const [outcome] = (JSON.parse(run.stdout) as BuildReportJson).outcomes;
  assert.equal(outcome?.outcome, "built", run.stdout);
  return outcome?.outcome === "built" ? outcome.tag : "";
}

async function latest(): Promise<string> {
  const run = await project.slipway(["images", "latest", "svc", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as { tag: string }).tag;
}

test("16. the count is rev-list --count of the commit: it grows across a tag; the version follows the tag, then VERSION, then a release branch", async () => {
  const tags: string[] = [];
  const short = (sha: string): string => sha.slice(0, 7);

  tags.push(await buildTag());
  const c2 = await project.commit("svc", { Dockerfile: dockerfile(2) }, { tag: "v1.0.0" });
  tags.push(await buildTag());
  const c3 = await project.commit("svc", { Dockerfile: dockerfile(3) });
  tags.push(await buildTag());
  const c4 = await project.commit("svc", { VERSION: "1.1.0\n" });
  tags.push(await buildTag());
  const c5 = await project.commit("svc", { Dockerfile: dockerfile(5) }, { branch: "release/2.0.0", from: "main" });
  config("release/2.0.0");
  tags.push(await buildTag());

  assert.match(tags[0] ?? "", /^0\.0\.0-1-[0-9a-f]{7}$/, "before any tag: 0.0.0 and the one commit");
  assert.deepEqual(tags.slice(1), [
    `1.0.0-2-${short(c2)}`, // git describe said 1.0.0-0: the count restarted at the tag
    `1.0.0-3-${short(c3)}`,
    `1.1.0-4-${short(c4)}`,
    `2.0.0-5-${short(c5)}`,
  ]);
  assert.equal(await latest(), tags[4], "the newest build is the latest tag: tags sort in build order");
});
