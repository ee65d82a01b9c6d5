import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfigText } from "../../../src/config/index.js";
import { parseComposeText } from "../../../src/config/compose.js";
import { composeServices } from "../../../src/config/compose-services.js";
import { SlipwayError, isSlipwayError } from "../../../src/errors/index.js";
import { checkImageReference } from "../../../src/reference/index.js";

/** The CONFIG_INVALID details of a config, or [] when it is valid. */
function configProblems(yaml: string): string[] {
  try {
    parseConfigText(yaml, { path: "slipway.yml", dir: "/tmp", env: {} });
    return [];
  } catch (error) {
    assert.ok(isSlipwayError(error, "CONFIG_INVALID"), String(error));
    return [...error.details];
  }
}

function composeProblems(yaml: string): string[] {
  try {
    composeServices(parseComposeText(yaml, { path: "docker-compose.yml", env: {} }));
    return [];
  } catch (error) {
    assert.ok(isSlipwayError(error, "CONFIG_INVALID"), String(error));
    return [...error.details];
  }
}

function deployAccepts(image: string): boolean {
  try {
    checkImageReference(image);
    return true;
  } catch (error) {
    assert.ok(error instanceof SlipwayError && error.code === "REFERENCE_INVALID", String(error));
    return false;
  }
}

const LONG_TAG = "a".repeat(300);
const IMAGES: readonly string[] = [
  "busybox@sha256:$(id)",
  `busybox:${LONG_TAG}`,
  `busybox:${"a".repeat(128)}`,
  "busybox:1.36",
  "Busybox:1.36",
  "busybox:-bad",
  "ghcr.io/org/app@sha256:" + "a".repeat(64),
  "ghcr.io/org/app@sha256:" + "a".repeat(63),
  "a".repeat(64),
  `127.0.0.1:5000/${"x".repeat(250)}`,
  `${"x".repeat(250)}/y`,
  "registry:5000/org/app:1.0",
  "localhost/app",
  "app//x",
];

test("validate refuses the image references deploy refuses, and accepts the ones it accepts", () => {
  for (const image of IMAGES) {
    const problems = configProblems(`services:\n  web:\n    image: "${image}"\n`);
    const imageProblems = problems.filter((line) => line.includes("services.web.image"));
    assert.equal(imageProblems.length === 0, deployAccepts(image), `${image.slice(0, 60)}: config says ${JSON.stringify(problems)}`);
  }
  const [digest] = configProblems('services:\n  web:\n    image: "busybox@sha256:$(id)"\n');
  assert.match(digest ?? "", /^slipway\.yml:3:12: services\.web\.image: expected an image name or reference: .*is not a digest/);
  const [tag] = configProblems(`services:\n  web:\n    image: busybox:${LONG_TAG}\n`);
  assert.match(tag ?? "", /tag too long \(300 characters, at most 128\)/);
  assert.ok((tag ?? "").length < 400, "the message does not repeat the whole tag");
});

test("an image's from: gets the same check", () => {
  const yaml = (from: string): string => `registry: localhost:5000/org\nimages:\n  app:\n    context: ./app\n    from: "${from}"\n`;
  assert.deepEqual(configProblems(yaml("busybox:1.36")), []);
  assert.match(configProblems(yaml("busybox@sha256:$(id)"))[0] ?? "", /images\.app\.from: expected an image name or reference/);
  assert.match(configProblems(yaml(`busybox:${LONG_TAG}`))[0] ?? "", /tag too long/);
});

test("names of services, sources, images, environments and jobs are at most 63 characters (a DNS label)", () => {
  const ok = "s".repeat(63);
  const long = "s".repeat(1_000); // YAML takes a plain key of at most 1024 characters
  assert.deepEqual(configProblems(`services:\n  ${ok}:\n    image: busybox:1.36\n`), []);
  for (const section of ["services", "sources", "images", "environments", "jobs"]) {
    const problems = configProblems(`${section}:\n  ${long}: {}\n`);
    const named = problems.find((line) => line.includes("invalid name"));
    assert.ok(named, `${section}: ${JSON.stringify(problems.map((line) => line.slice(0, 200)))}`);
    assert.match(named, /^slipway\.yml:2:3: .*invalid name "s{40}… \(1000 characters\)": expected a name of at most 63 characters/);
    assert.ok(named.length < 300, `the message does not repeat the whole name: ${named.slice(0, 300)}`);
  }
  const listed = configProblems(`environments:\n  prod: {}\nservices:\n  web:\n    image: busybox:1.36\n    environments: [${"e".repeat(64)}]\n`);
  assert.match(listed.join("\n"), /services\.web\.environments\[0\]: expected an environment name of at most 63 characters/);
});

test("a compose file's service names follow the same rule", () => {
  assert.deepEqual(composeProblems(`services:\n  ${"w".repeat(63)}:\n    image: busybox:1.36\n`), []);
  const [long] = composeProblems(`services:\n  ? ${"w".repeat(10_000)}\n  : image: busybox:1.36\n`);
  assert.ok((long ?? "").length < 300, (long ?? "").slice(0, 300));
  assert.match(long ?? "", /^docker-compose\.yml:2:5: .*invalid service name "w{40}… \(10000 characters\)": expected a name of at most 63 characters/);
  const [upper] = composeProblems("services:\n  Web:\n    image: busybox:1.36\n");
  assert.match(upper ?? "", /invalid service name "Web": expected a name of lowercase letters/);
});
