import { test } from "node:test";
import assert from "node:assert/strict";
import { serviceSchema } from "../../../src/config/service-schema.js";
import { REFUSED_SERVICE_KEYS } from "../../../src/config/service-refused.js";
import { configJsonSchema } from "../../../src/config/index.js";

function refusal(key: string, value: unknown = true): string {
  const result = serviceSchema.safeParse({ image: "app", [key]: value });
  assert.ok(!result.success, `expected ${key} to be refused`);
  const issues = result.error.issues.filter((issue) => issue.path.join(".") === key);
  assert.equal(issues.length, 1, `expected one problem at ${key}, got ${JSON.stringify(result.error.issues)}`);
  return issues[0]?.message ?? "";
}

test("every refused compose key gets its own message: what Slipway cannot reproduce, and what to do", () => {
  assert.ok(REFUSED_SERVICE_KEYS.length >= 40);
  for (const key of REFUSED_SERVICE_KEYS) {
    const message = refusal(key);
    assert.match(message, new RegExp(`^Slipway cannot reproduce "${key}": .+; .+`), key);
    assert.doesNotMatch(message, /Unrecognized|expected never/, key);
  }
});

test("the keys the brief names are refused with advice that fits them", () => {
  const expectations: Record<string, RegExp> = {
    privileged: /full access to the host; remove it, or run this container outside Slipway/,
    network_mode: /own networks.*use networks: instead/,
    pid: /namespace/,
    ipc: /namespace/,
    devices: /host devices/,
    cap_add: /security profile/,
    cap_drop: /security profile/,
    security_opt: /security profile/,
    sysctls: /kernel settings/,
    ulimits: /kernel limits/,
    extends: /copy the settings into this service/,
    build: /declare the image under images:/,
    links: /reach each other by service name/,
    external_links: /reach each other by name/,
    profiles: /environments:/,
    secrets: /env_file/,
    configs: /bind-mount the file read-only/,
    container_name: /names containers per revision.*two revisions at once.*collide; remove it/,
  };
  for (const [key, pattern] of Object.entries(expectations)) assert.match(refusal(key, key === "container_name" ? "web" : ["x"]), pattern, key);
});

test("a refused key is reported beside the other problems of the service, all at once", () => {
  const result = serviceSchema.safeParse({ image: "app", privileged: true, ports: ["8000-8010:80"], bogus: 1 });
  assert.ok(!result.success);
  const paths = result.error.issues.map((issue) => issue.path.join(".") || issue.message);
  assert.deepEqual(paths.sort(), ['Unrecognized key: "bogus"', "ports.0", "privileged"].sort());
});

test("the JSON Schema marks refused keys as not allowed, with the reason as their description", () => {
  const schema = JSON.stringify(configJsonSchema());
  assert.match(schema, /"privileged":\{[^}]*"not":\{\}/);
  assert.match(schema, /Not supported: Slipway cannot reproduce \\"container_name\\"/);
});
