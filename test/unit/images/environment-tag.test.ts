import assert from "node:assert/strict";
import { test } from "node:test";
import { pushedImages } from "../../../src/builder/environment-tags.js";
import type { BuildReport } from "../../../src/builder/execute.js";
import type { FingerprintInputs } from "../../../src/graph/fingerprint.js";
import type { Plan } from "../../../src/graph/plan.js";
import { environmentLookup, environmentTag } from "../../../src/images/index.js";

test("an environment's builds are tagged with its name", () => {
  assert.equal(environmentTag("test1"), "test1");
});

test("the environment tag decides once an environment is declared; it is required once any environment binds branches", () => {
  const simple = { environments: { prod: {}, staging: {} } };
  assert.equal(environmentLookup(simple, undefined), undefined, "no environment: the tag scheme's newest");
  assert.equal(environmentLookup(simple, "default"), undefined, "an undeclared environment has no tag");
  assert.deepEqual(
    environmentLookup(simple, "prod"),
    { environment: "prod", tag: "prod", required: false },
    "nothing binds branches: every build is the same recipe, so the scheme's newest may stand in",
  );
  const branchy = { environments: { prod: { branches: ["release"] }, staging: {} } };
  assert.deepEqual(
    environmentLookup(branchy, "staging"),
    { environment: "staging", tag: "staging", required: true },
    "builds differ by branch: another environment's build must never stand in",
  );
  assert.deepEqual(environmentLookup({ environments: { prod: { branches: [] } } }, "prod")?.required, false);
});

test("the pushed images of a run: those up to date and those built and pushed, never failed or unpushed ones", () => {
  const inputs = {} as FingerprintInputs;
  const plan: Plan = {
    toBuild: ["app", "tool", "docs", "local"],
    entries: [
      { image: "base", action: "up-to-date", fingerprint: "f0", digest: "sha256:base", inputs },
      { image: "app", action: "build", reasons: [], inputs },
      { image: "tool", action: "build", reasons: [], inputs },
      { image: "docs", action: "build", reasons: [], inputs },
      { image: "local", action: "build", reasons: [], inputs },
    ],
  };
  const built = (image: string, digest?: string) => ({
    image,
    outcome: "built" as const,
    durationMs: 1,
    built: {
      image,
      imageId: "sha256:id",
      tag: "t",
      reference: `r/${image}:t`,
      fingerprint: "f",
      inputs,
      buildId: 1,
      ...(digest === undefined ? {} : { digest }),
    },
  });
  const report: BuildReport = {
    ok: false,
    durationMs: 1,
    outcomes: [
      { image: "base", outcome: "up-to-date", reference: "r/base@sha256:base", digest: "sha256:base" },
      built("app", "sha256:app"),
      { image: "tool", outcome: "failed", error: new Error("x"), durationMs: 1 },
      { image: "docs", outcome: "skipped", because: "its parent tool failed" },
      built("local"),
    ],
  };
  assert.deepEqual(pushedImages(plan, report), [
    { image: "base", digest: "sha256:base" },
    { image: "app", digest: "sha256:app" },
  ]);
  assert.deepEqual(pushedImages(plan), [{ image: "base", digest: "sha256:base" }], "nothing built: the images up to date");
});
