import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { BuildReport } from "../../../src/builder/execute.js";
import { LABELS } from "../../../src/builder/image-labels.js";
import { formatError, isSlipwayError } from "../../../src/errors/index.js";
import { fingerprintTag } from "../../../src/graph/fingerprint.js";
import { describeReason, type Reason } from "../../../src/graph/plan.js";
import { cleanupTestRun, RUN_LABEL, testLabels, testRunId } from "../../harness/labels.js";
import { fingerprintTags, IMAGES, openDataTeam, outcomeOf, pushUpstreamBusybox, versionTags, withOutcome, type DataTeam, type Pass } from "./fixture.js";

/**
 * The data team's image hierarchy (examples/data-team), built for real: git remotes, the
 * Docker engine and a registry. Scenarios run in order on one copy of the example; each
 * says which images a change rebuilds and checks it in the build report and the registry.
 */
let team: DataTeam;
/** The external base once scenario 7 switched to it: ref and current digest. */
let upstream: { ref: string; digest: string } | undefined;

before(async () => {
  team = await openDataTeam();
});
after(async () => {
  if (team) await cleanupTestRun(team.engine);
  await team?.close();
});

const APP1_DEV = "my-docker:app1-dev";

test("1. first build: all five images built, app1-prod's test ran, each pushed with its tag and fp- tag", async () => {
  const planned = await team.plan();
  assert.deepEqual(planned.plan.toBuild, [...IMAGES]);
  assert.deepEqual(reasonsOf(planned.plan.entries, "base"), [{ kind: "first-build" }]);
  for (const [child, parent] of [
    ["infra-dev", "base"],
    ["infra-prod", "infra-dev"],
    ["app1-dev", "infra-prod"],
    ["app1-prod", "app1-dev"],
  ] as const) {
    assert.deepEqual(reasonsOf(planned.plan.entries, child), [{ kind: "parent-rebuilt", parent }]);
  }

  const pass = await team.build();
  assert.deepEqual(withOutcome(pass.report, "built"), [...IMAGES]);
  assert.equal(pass.report.ok, true);
  assert.deepEqual(pass.notes, ["app1-prod: testing app1-prod: 1 test"]);
  const [record] = await team.store.listBuilds({ image: "app1-prod", limit: 1 });
  assert.equal(record?.status, "succeeded");
  assert.match(record?.log ?? "", /infra 1\.0\n[^]*app1 report v1\n[^]*did something at \d{4}-/, "the test ran the sealed pipeline script");

  const registry = await team.snapshot();
  for (const image of IMAGES) {
    const built = outcomeOf(pass.report, image, "built").built;
    assert.deepEqual(registry[image], [built.tag, fingerprintTag(built.fingerprint)].sort(), `${image}: one version tag and its fp- tag`);
    assert.equal(versionTags(registry[image] ?? []).length, 1);
  }
  await assertPushedAsReported(pass);
  await assertBuiltOnParents(pass);
});

test("2. nothing changed: the plan rebuilds nothing and the build does nothing", async () => {
  const registryBefore = await team.snapshot();
  const recordsBefore = await team.buildCount();
  const pass = await team.build();
  assert.deepEqual(pass.plan.toBuild, []);
  assert.deepEqual(withOutcome(pass.report, "up-to-date"), [...IMAGES]);
  assert.equal(pass.report.ok, true);
  assert.deepEqual(await team.snapshot(), registryBefore);
  assert.equal(await team.buildCount(), recordsBefore, "no build records");
});

test("3. a commit to the infra framework repo rebuilds exactly infra-prod, app1-dev and app1-prod", async () => {
  const commit = await team.commit("infra", "infra 1.1", { "infra/version.sh": '#!/bin/sh\necho "infra 1.1"\n' });
  const planned = await team.plan();
  assert.deepEqual(planned.plan.toBuild, ["infra-prod", "app1-dev", "app1-prod"]);
  const reasons = reasonsOf(planned.plan.entries, "infra-prod");
  assert.deepEqual(
    reasons.map((r) => r.kind),
    ["source-moved"],
  );
  assert.match(describeReason(reasons[0] as Reason), new RegExp(`^source infra moved [0-9a-f]{7} -> ${commit.slice(0, 7)}: infra/version\\.sh$`));
  assert.deepEqual(reasonsOf(planned.plan.entries, "app1-dev"), [{ kind: "parent-rebuilt", parent: "infra-prod" }]);

  const registryBefore = await team.snapshot();
  const pass = await team.build();
  assertOutcomes(pass.report, { built: ["infra-prod", "app1-dev", "app1-prod"], upToDate: ["base", "infra-dev"] });
  await assertRegistryGrew(registryBefore, pass);
  await assertBuiltOnParents(pass);
  const [record] = await team.store.listBuilds({ image: "app1-prod", limit: 1 });
  assert.match(record?.log ?? "", /infra 1\.1\n/, "app1-prod's test sees the new infra code");
});

test("4. a change to my-docker's app1-dev/Dockerfile rebuilds exactly app1-dev and app1-prod", async () => {
  await team.commit("my-docker", "app1-dev: add pyarrow", {
    "app1-dev/Dockerfile":
      '# app1\'s third-party dependencies on top of infra.\nARG PARENT\nFROM ${PARENT}\nRUN mkdir -p /opt/deps && echo "boto3==1.28 pyarrow==14" > /opt/deps/app1.txt\n',
  });
  const planned = await team.plan();
  assert.deepEqual(planned.plan.toBuild, ["app1-dev", "app1-prod"]);
  const [reason] = reasonsOf(planned.plan.entries, "app1-dev");
  assert.equal(reason?.kind, "definition-changed");
  assert.deepEqual(reason?.kind === "definition-changed" ? [reason.source, reason.files] : [], ["my-docker", ["app1-dev/Dockerfile"]], APP1_DEV);

  const registryBefore = await team.snapshot();
  const pass = await team.build();
  assertOutcomes(pass.report, { built: ["app1-dev", "app1-prod"], upToDate: ["base", "infra-dev", "infra-prod"] });
  await assertRegistryGrew(registryBefore, pass);
  await assertBuiltOnParents(pass);
});

test("5. a commit to app1 outside its paths (docs/index.md) rebuilds nothing", async () => {
  await team.commit("app1", "docs: how to run the report", { "docs/index.md": "# app1 docs\nRun the report with do-something.sh.\n" });
  const registryBefore = await team.snapshot();
  const recordsBefore = await team.buildCount();
  const pass = await team.build();
  assert.deepEqual(pass.plan.toBuild, []);
  assert.deepEqual(withOutcome(pass.report, "up-to-date"), [...IMAGES]);
  assert.deepEqual(await team.snapshot(), registryBefore);
  assert.equal(await team.buildCount(), recordsBefore);
});

test("6. a commit to app1 inside its paths rebuilds exactly app1-prod", async () => {
  await team.commit("app1", "report v2", { "app1/report.sh": '#!/bin/sh\n# app1: builds the daily report.\necho "app1 report v2"\n' });
  const planned = await team.plan();
  assert.deepEqual(planned.plan.toBuild, ["app1-prod"]);
  const [reason] = reasonsOf(planned.plan.entries, "app1-prod");
  assert.deepEqual(reason?.kind === "source-moved" ? [reason.source, reason.mount, reason.files] : reason, ["app1", "app1", ["app1/report.sh"]]);

  const registryBefore = await team.snapshot();
  const pass = await team.build();
  assertOutcomes(pass.report, { built: ["app1-prod"], upToDate: ["base", "infra-dev", "infra-prod", "app1-dev"] });
  await assertRegistryGrew(registryBefore, pass);
  await assertBuiltOnParents(pass);
  const [record] = await team.store.listBuilds({ image: "app1-prod", limit: 1 });
  assert.match(record?.log ?? "", /app1 report v2\n/);
});

test("7. a changed external base (same tag, new image) rebuilds everything below it", async () => {
  const ref = `${team.registry.host}/upstream/busybox:1`;
  upstream = { ref, digest: await pushUpstreamBusybox(team.engine, ref, "upstream v1") };
  team.writeConfig(team.readConfig().replace('base:       { context: "my-docker:base" }', `base:       { context: "my-docker:base", from: "${ref}" }`));
  await team.commit("my-docker", "base: FROM the team's upstream busybox", {
    "base/Dockerfile": [
      "# The base of every image: the upstream busybox.",
      "ARG PARENT",
      "FROM ${PARENT}",
      'RUN mkdir -p /tmp /var/log /etc && chmod 1777 /tmp && echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd',
      "ENV PATH=/usr/local/bin:/usr/bin:/bin",
      'CMD ["sh"]',
      "",
    ].join("\n"),
    "base/busybox": null,
  });
  const switched = await team.build();
  assertOutcomes(switched.report, { built: [...IMAGES], upToDate: [] });
  await assertBuiltOnParents(switched);
  assert.equal(await catInImage("app1-prod", "/etc/upstream"), "upstream v1\n");

  // The same tag now names a different image: everything below it is rebuilt.
  const first = upstream.digest;
  upstream = { ref, digest: await pushUpstreamBusybox(team.engine, ref, "upstream v2") };
  assert.notEqual(upstream.digest, first);
  const planned = await team.plan();
  assert.deepEqual(planned.plan.toBuild, [...IMAGES]);
  assert.deepEqual(reasonsOf(planned.plan.entries, "base"), [{ kind: "base-changed", ref, from: first, to: upstream.digest }]);

  const registryBefore = await team.snapshot();
  const pass = await team.build();
  assertOutcomes(pass.report, { built: [...IMAGES], upToDate: [] });
  await assertRegistryGrew(registryBefore, pass);
  await assertBuiltOnParents(pass);
  assert.equal(await catInImage("app1-prod", "/etc/upstream"), "upstream v2\n", "app1-prod runs on the new upstream");
});

test("8. each image's newest tag is built on its parent's newest digest (dev.slipway.parent.digest)", async () => {
  const base = upstream;
  assert.ok(base, "scenario 7 ran");
  for (const image of IMAGES) {
    const newest = versionTags(await team.tags(image)).at(-1) ?? "";
    const labels = (await team.client.getImageConfig(`data-team/${image}`, newest)).config.Labels;
    const parent = image === "base" ? undefined : IMAGES[IMAGES.indexOf(image) - 1];
    const expected: string | undefined =
      parent === undefined ? base.digest : await team.client.manifestDigest(`data-team/${parent}`, versionTags(await team.tags(parent)).at(-1) ?? "");
    assert.equal(labels[LABELS.parentDigest], expected, `${image}:${newest} names its parent's digest`);
    const parentRepository: string = parent === undefined ? base.ref : `${team.registry.host}/data-team/${parent}`;
    assert.equal(labels[LABELS.parent], `${parentRepository}@${expected}`);
  }
});

test("9. a failing test: app1-prod fails with the test's output, nothing of it is pushed", async () => {
  await team.commit("app1", "check the report", {
    "scripts/do-something.sh": '#!/bin/sh\necho "checking yesterday\'s report"\necho "report check failed: 0 rows in daily_sales" >&2\nexit 1\n',
  });
  const registryBefore = await team.snapshot();
  const pass = await team.build();
  assertOutcomes(pass.report, { built: [], failed: ["app1-prod"], upToDate: ["base", "infra-dev", "infra-prod", "app1-dev"] });
  assert.equal(pass.report.ok, false);
  const { error } = outcomeOf(pass.report, "app1-prod", "failed");
  assert.ok(isSlipwayError(error, "TEST_FAILED"), String(error));
  assert.match(error.message, /test "pipeline script runs" of app1-prod failed with exit code 1/);
  const shown = formatError(error, { debug: false });
  assert.match(shown, /checking yesterday's report\n[^]*report check failed: 0 rows in daily_sales/, shown);
  assert.deepEqual(await team.snapshot(), registryBefore, "no tag of app1-prod was pushed or moved");

  const [record] = await team.store.listBuilds({ image: "app1-prod", limit: 1 });
  assert.equal(record?.status, "failed");
  assert.match(record?.log ?? "", /report check failed: 0 rows in daily_sales/);
  const leftOver = await team.engine.listContainers({ labels: { [RUN_LABEL]: testRunId }, all: true });
  assert.deepEqual(
    leftOver.map((c) => c.name),
    [],
    "test containers are removed",
  );
  assert.deepEqual((await team.plan()).plan.toBuild, ["app1-prod"], "the next plan tries again");
});

test("10. a failing build step in infra-dev: it fails, its subtree is skipped, no tag of the four changes", async () => {
  await team.commit("my-docker", "infra-dev: a broken step", {
    "infra-dev/Dockerfile": '# infra\'s third-party dependencies.\nARG PARENT\nFROM ${PARENT}\nRUN echo "resolving infra deps" && false\n',
  });
  const registryBefore = await team.snapshot();
  const pass = await team.build();
  assertOutcomes(pass.report, { built: [], failed: ["infra-dev"], skipped: ["infra-prod", "app1-dev", "app1-prod"], upToDate: ["base"] });
  const { error } = outcomeOf(pass.report, "infra-dev", "failed");
  assert.ok(isSlipwayError(error, "BUILD_FAILED"), String(error));
  assert.match(formatError(error, { debug: false }), /resolving infra deps/);
  assert.equal(outcomeOf(pass.report, "infra-prod", "skipped").because, "its parent infra-dev failed");
  assert.equal(outcomeOf(pass.report, "app1-dev", "skipped").because, "its parent infra-prod was skipped");
  assert.deepEqual(await team.snapshot(), registryBefore);
  for (const image of ["infra-prod", "app1-dev", "app1-prod"]) {
    const [record] = await team.store.listBuilds({ image, limit: 1 });
    assert.equal(record?.status, "skipped", image);
  }
});

test("11. clear errors before anything is built: cycle, unknown parent, missing Dockerfile, missing branch", async () => {
  const config = team.readConfig();
  const variants: Array<{ name: string; text: string; code: string; message: RegExp; hint?: RegExp }> = [
    {
      name: "cycle",
      text: replaceOnce(config, "from: base }", "from: app1-prod }"),
      code: "CONFIG_INVALID",
      message:
        /slipway-cycle\.yml:\d+:\d+: images\.infra-dev\.from: images build on each other in a cycle: infra-dev -> app1-prod -> app1-dev -> infra-prod -> infra-dev/,
    },
    {
      name: "unknown-parent",
      text: replaceOnce(config, '"my-docker:app1-dev", from: infra-prod }', '"my-docker:app1-dev", from: infra-prd }'),
      code: "CONFIG_INVALID",
      message: /slipway-unknown-parent\.yml:\d+:\d+: images\.app1-dev\.from: no image named "infra-prd" in images.*infra-prod/,
    },
    {
      name: "missing-dockerfile",
      text: replaceOnce(config, "images:\n", 'images:\n  docs:       { context: "app1:docs", from: base }\n'),
      code: "DOCKERFILE_NOT_FOUND",
      message: /image docs has no Dockerfile: app1:docs\/Dockerfile/,
    },
    {
      name: "missing-branch",
      text: replaceOnce(config, "infra.git, branch: develop }", "infra.git, branch: devlop }"),
      code: "GIT_BRANCH_NOT_FOUND",
      message: /the branch "devlop" does not exist in .*infra\.git/,
      hint: /did you mean "develop"\?/,
    },
  ];
  const registryBefore = await team.snapshot();
  const recordsBefore = await team.buildCount();
  const imagesBefore = (await team.engine.listImages({ labels: testLabels() })).length;
  for (const variant of variants) {
    const file = `slipway-${variant.name}.yml`;
    team.writeConfig(variant.text, file);
    const error = await team.build(file).then(
      () => assert.fail(`${variant.name}: the build should have been refused`),
      (e: unknown) => e,
    );
    assert.ok(isSlipwayError(error), `${variant.name}: ${String(error)}`);
    assert.equal(error.code, variant.code, `${variant.name}: ${error.message}`);
    assert.match(formatError(error, { debug: false }), variant.message, variant.name);
    if (variant.hint) assert.match(error.hint ?? "", variant.hint, variant.name);
  }
  assert.equal(await team.buildCount(), recordsBefore, "no build records");
  assert.deepEqual(await team.snapshot(), registryBefore);
  assert.equal((await team.engine.listImages({ labels: testLabels() })).length, imagesBefore, "no images built");
});

function replaceOnce(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `the config has ${from}`);
  return text.replace(from, to);
}

function reasonsOf(entries: Pass["plan"]["entries"], image: string): readonly Reason[] {
  const entry = entries.find((e) => e.image === image);
  return entry?.action === "build" ? entry.reasons : [];
}

function assertOutcomes(report: BuildReport, expected: { built: string[]; upToDate: string[]; failed?: string[]; skipped?: string[] }): void {
  assert.deepEqual(
    {
      built: withOutcome(report, "built"),
      upToDate: withOutcome(report, "up-to-date"),
      failed: withOutcome(report, "failed"),
      skipped: withOutcome(report, "skipped"),
    },
    { failed: [], skipped: [], ...expected },
    report.outcomes.map((o) => (o.outcome === "failed" ? `${o.image}: ${String(o.error)}` : `${o.image}: ${o.outcome}`)).join("\n"),
  );
}

/** Each built image's version tag and fp- tag name the digest the report says was pushed. */
async function assertPushedAsReported(pass: Pass): Promise<void> {
  for (const image of withOutcome(pass.report, "built")) {
    const { built } = outcomeOf(pass.report, image, "built");
    assert.match(built.digest ?? "", /^sha256:[0-9a-f]{64}$/);
    assert.equal(await team.client.manifestDigest(`data-team/${image}`, built.tag), built.digest, `${image}:${built.tag}`);
    assert.equal(await team.client.manifestDigest(`data-team/${image}`, fingerprintTag(built.fingerprint)), built.digest, `${image} fp tag`);
  }
}

/** Rebuilt images gained exactly one version tag and one fp- tag; all others are unchanged. */
async function assertRegistryGrew(before: Record<string, string[]>, pass: Pass): Promise<void> {
  const now = await team.snapshot();
  for (const image of IMAGES) {
    const was = before[image] ?? [];
    const is = now[image] ?? [];
    if (!withOutcome(pass.report, "built").includes(image)) {
      assert.deepEqual(is, was, `${image} was not rebuilt: its tags are unchanged`);
      continue;
    }
    const { built } = outcomeOf(pass.report, image, "built");
    assert.deepEqual(is, [...was, built.tag, fingerprintTag(built.fingerprint)].sort(), `${image} gained its new tags`);
    assert.equal(versionTags(is).at(-1), built.tag, `${image}: the new tag sorts newest`);
    assert.equal(fingerprintTags(is).length, versionTags(is).length);
  }
  await assertPushedAsReported(pass);
}

/** Every built image carries the digest of the parent it was built on, read back from the registry. */
async function assertBuiltOnParents(pass: Pass): Promise<void> {
  for (const image of withOutcome(pass.report, "built")) {
    const { built } = outcomeOf(pass.report, image, "built");
    const labels = (await team.client.getImageConfig(`data-team/${image}`, built.tag)).config.Labels;
    assert.equal(labels[LABELS.fingerprint], built.fingerprint, `${image} fingerprint label`);
    const parent = pass.graph.parentOf(image);
    if (parent.kind === "none") {
      assert.equal(labels[LABELS.parentDigest], undefined, `${image} has no parent`);
      continue;
    }
    const expected = parent.kind === "external" ? upstream?.digest : parentDigestIn(pass.report, parent.name);
    assert.match(expected ?? "", /^sha256:/);
    assert.equal(labels[LABELS.parentDigest], expected, `${image} names the digest of the parent just built`);
  }
}

function parentDigestIn(report: BuildReport, parent: string): string | undefined {
  const outcome = report.outcomes.find((o) => o.image === parent);
  if (outcome?.outcome === "built") return outcome.built.digest;
  if (outcome?.outcome === "up-to-date") return outcome.digest;
  return undefined;
}

/** A file's content in the newest pushed image, read by running the image. */
async function catInImage(image: string, path: string): Promise<string> {
  const newest = versionTags(await team.tags(image)).at(-1) ?? "";
  const id = await team.engine.createContainer({ image: `${team.registry.host}/data-team/${image}:${newest}`, command: ["cat", path], labels: testLabels() });
  try {
    await team.engine.startContainer(id);
    assert.equal(await team.engine.wait(id), 0);
    return (await team.engine.logs(id)).stdout;
  } finally {
    await team.engine.removeContainer(id, { force: true });
  }
}
