import { test } from "node:test";
import assert from "node:assert/strict";
import { checkDeployable, specHash } from "../../../src/deploy/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { webSpec } from "./spec-fixture.js";

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isSlipwayError(error) && error.code === "SERVICE_SPEC_INVALID", String(error));
    return error.message;
  }
  assert.fail("expected SERVICE_SPEC_INVALID");
}

test("a start-first strategy on a named volume is refused unless shared writers are allowed", () => {
  const volumes = [{ type: "volume" as const, source: "pgdata", target: "/var/lib/data", readOnly: false }];
  assert.match(
    refusal(() => checkDeployable(webSpec({ volumes }))),
    /both would write the named volume "pgdata"/,
  );
  assert.doesNotThrow(() => checkDeployable(webSpec({ volumes, update: { ...webSpec().update, strategy: "recreate" } })));
  assert.doesNotThrow(() => checkDeployable(webSpec({ volumes, update: { ...webSpec().update, allowSharedVolumes: true } })));
});

test("rolling needs replicas, and UDP ports need recreate", () => {
  assert.match(
    refusal(() => checkDeployable(webSpec({ update: { ...webSpec().update, strategy: "rolling" } }))),
    /replicas: 2 or more/,
  );
  assert.match(
    refusal(() => checkDeployable(webSpec({ ports: [{ target: 53, published: 53, protocol: "udp" }] }))),
    /UDP/,
  );
  assert.doesNotThrow(() => checkDeployable(webSpec({ replicas: 3, update: { ...webSpec().update, strategy: "rolling" } })));
});

test("the spec hash changes with what the user wrote and not with key order", () => {
  const a = webSpec();
  const reordered = Object.fromEntries(Object.entries(a).reverse()) as unknown as typeof a;
  assert.equal(specHash(a), specHash(reordered));
  assert.notEqual(specHash(a), specHash(webSpec({ env: { GREETING: "bye" } })));
});
