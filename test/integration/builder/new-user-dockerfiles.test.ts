import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { BuildReportJson } from "../../../src/app/index.js";
import { openProject, type Project } from "./project.js";

/**
 * Issue 12, defects 11 and 14, as a new user meets them: Dockerfiles written for another tool
 * (`ARG PARENT_IMAGE` / `FROM ${PARENT_IMAGE}`, variants named by branch: Dockerfile.test.1)
 * build unchanged with the CLI, against real git remotes, the real engine and a registry;
 * `validate` and `plan` warn about what would still go wrong, and a failing build says how to fix it.
 */
let project: Project;

const COPY_PARENT = "RUN cp /etc/upstream /etc/from-parent\n";
const HAS_PARENT = `tests: [{ name: built on the parent, command: [sh, -c, "grep -x marker-11 /etc/from-parent"] }]`;

before(async () => {
  project = await openProject("marker-11");
  await project.createRemote("app", "main", {
    "seed/Dockerfile": `# written for the seed's Jenkins\nARG PARENT_IMAGE\nFROM \${PARENT_IMAGE}\n${COPY_PARENT}`,
    "named/Dockerfile": `ARG BASE_REF\nFROM \${BASE_REF:-scratch}\n${COPY_PARENT}`,
    "orphan/Dockerfile": "ARG PARENT_IMAGE\nFROM ${PARENT_IMAGE}\nRUN true\n",
    "web/Dockerfile": `ARG PARENT\nFROM \${PARENT}\nRUN echo default > /etc/variant\n`,
    "web/Dockerfile.test.1": `ARG PARENT\nFROM \${PARENT}\nRUN echo test.1 > /etc/variant\n`,
  });
  const registry = `registry: ${project.registry.host}/new-user\nsources:\n  app: { repo: ./app.git, branch: main }\nenvironments:\n  test1: { branches: [test.1] }\n`;
  project.writeFile(
    "slipway.yml",
    `${registry}images:
  seed: { context: "app:seed", from: "${project.upstream}", labels: ${project.labels}, ${HAS_PARENT} }
  named: { context: "app:named", from: "${project.upstream}", parent_arg: BASE_REF, labels: ${project.labels}, ${HAS_PARENT} }
  web:
    context: "app:web"
    from: "${project.upstream}"
    labels: ${project.labels}
    tests: [{ name: the variant, command: [sh, -c, 'test "$(cat /etc/variant)" = "$EXPECT"'], env: { EXPECT: "\${EXPECT_VARIANT:-none}" } }]
`,
  );
  project.writeFile("orphan.yml", `${registry}images:\n  orphan: { context: "app:orphan", labels: ${project.labels} }\n`);
});
after(async () => {
  await project?.close();
});

test("11. the seed's `ARG PARENT_IMAGE` / `FROM ${PARENT_IMAGE}` builds: the parent goes in under the ARG the first FROM uses, and under parent_arg", async () => {
  const run = await project.slipway(["build", "--push", "--json", "seed", "named"]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as BuildReportJson;
  assert.deepEqual(
    report.outcomes.map((o) => [o.image, o.outcome]),
    [
      ["seed", "built"],
      ["named", "built"],
    ],
    "each image's test found the parent's file in it",
  );
  const validate = await project.slipway(["validate"]);
  assert.equal(validate.code, 0, validate.stderr);
  assert.equal(validate.stderr, "", "nothing to warn about: Slipway sets every ARG these FROMs use");
});

test("11. an image without from: whose FROM needs an ARG: validate and plan name the file, line, ARG and fix; the build's error says the same", async () => {
  const expected =
    /^warning: app:orphan\/Dockerfile:2: FROM \$\{PARENT_IMAGE\} uses the build arg PARENT_IMAGE, which Slipway does not set for image orphan; give the image `from:` in slipway\.yml .*`parent_arg: PARENT_IMAGE`/m;
  const validate = await project.slipway(["-c", "orphan.yml", "validate"]);
  assert.equal(validate.code, 0, validate.stderr);
  assert.match(validate.stdout, /orphan\.yml is valid/);
  assert.match(validate.stderr, expected);

  const json = await project.slipway(["-c", "orphan.yml", "validate", "--json"]);
  // --json: the config's and the Dockerfiles' warnings, each the line validate prints.
  const result = JSON.parse(json.stdout) as { warnings: string[]; notChecked: string[] };
  assert.equal(result.warnings.length, 1, JSON.stringify(result.warnings));
  assert.match(`warning: ${result.warnings[0] ?? ""}`, expected);
  assert.deepEqual(result.notChecked, []);

  const plan = await project.slipway(["-c", "orphan.yml", "plan"]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stderr, expected);

  const build = await project.slipway(["-c", "orphan.yml", "build", "--push"]);
  assert.equal(build.code, 2, build.stderr);
  assert.match(build.stderr, /should not be blank/);
  assert.match(build.stderr, /app:orphan\/Dockerfile:2: FROM \$\{PARENT_IMAGE\} uses the build arg PARENT_IMAGE/);
  assert.match(build.stderr, /hint: give the image `from:` in slipway\.yml/);
});

test("14. building for test1 picks Dockerfile.test.1, named by the branch test1 deploys", async () => {
  const run = await project.slipway(["build", "--push", "--env", "test1", "--json", "web"], { EXPECT_VARIANT: "test.1" });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as BuildReportJson;
  assert.deepEqual(
    report.outcomes.map((o) => [o.image, o.outcome]),
    [["web", "built"]],
  );
  const validate = await project.slipway(["validate"]);
  assert.equal(validate.stderr, "");
});

test("14. with Dockerfile.test1 beside Dockerfile.test.1 the environment's name wins, and validate and plan say so", async () => {
  await project.commit("app", { "web/Dockerfile.test1": `ARG PARENT\nFROM \${PARENT}\nRUN echo test1 > /etc/variant\n` });
  const both =
    /^warning: app:web\/Dockerfile\.test1: both Dockerfile\.test1 and Dockerfile\.test\.1 exist for environment test1; Dockerfile\.test1 is used; remove or rename/m;
  const plan = await project.slipway(["plan", "--env", "test1", "web"]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stderr, both);
  const validate = await project.slipway(["validate"]);
  assert.match(validate.stderr, both, "validate reads the mirror the plan fetched");

  const run = await project.slipway(["build", "--push", "--env", "test1", "--json", "web"], { EXPECT_VARIANT: "test1" });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as BuildReportJson;
  assert.deepEqual(
    report.outcomes.map((o) => [o.image, o.outcome]),
    [["web", "built"]],
  );
});
