import { test } from "node:test";
import assert from "node:assert/strict";
import { parseComposeText } from "../../../src/config/compose.js";
import { composeServices, readComposeServices } from "../../../src/config/compose-services.js";
import { SLIPWAY_SERVICE_KEYS } from "../../../src/config/compose-extension.js";
import { serviceFieldsSchema } from "../../../src/config/service-fields.js";
import { serviceSchema } from "../../../src/config/service-schema.js";
import { isSlipwayError } from "../../../src/errors/index.js";

function read(lines: readonly string[]): ReturnType<typeof readComposeServices> {
  return readComposeServices(parseComposeText(lines.join("\n"), { path: "compose.yml" }));
}

function problems(lines: readonly string[]): string[] {
  try {
    read(lines);
  } catch (error) {
    assert.ok(isSlipwayError(error, "CONFIG_INVALID"), String(error));
    return [...error.details];
  }
  assert.fail("expected the compose file to be refused");
}

const WEB = ["services:", "  web:", "    image: busybox", '    ports: ["8080:80"]'];

test("Slipway's keys under a service's x-slipway are read, and the file has no warnings", () => {
  const { services, warnings } = read([
    ...WEB,
    "    x-slipway:",
    "      update: { strategy: recreate, drain: 2s }",
    "      health: { http: /ready, interval: 1s }",
    "      environments: [prod]",
    "environments: {}".replace(/.*/, ""),
  ]);
  const web = services["web"];
  assert.ok(web);
  assert.equal(web.update.strategy, "recreate");
  assert.equal(web.update.drain, 2_000);
  assert.deepEqual([web.health.kind, web.health.interval], ["http", 1_000]);
  assert.deepEqual(web.environments, ["prod"]);
  assert.deepEqual(warnings, []);
});

test("x-slipway gives the same service as the bare keys, which still work with a warning each", () => {
  const bare = read([...WEB, "    update: { strategy: recreate }", "    health: { tcp: 80 }", "    environments: [prod]"]);
  const extended = read([...WEB, "    x-slipway: { update: { strategy: recreate }, health: { tcp: 80 }, environments: [prod] }"]);
  assert.deepEqual(extended.services, bare.services);
  assert.deepEqual(bare.warnings, [
    'compose.yml:5:5: services.web.update: docker-compose rejects "update" in a service (it is Slipway\'s own key): move it under x-slipway: (x-slipway: { update: ... }), which docker-compose ignores',
    'compose.yml:6:5: services.web.health: docker-compose rejects "health" in a service (it is Slipway\'s own key): move it under x-slipway: (x-slipway: { health: ... }), which docker-compose ignores',
    'compose.yml:7:5: services.web.environments: docker-compose rejects "environments" in a service (it is Slipway\'s own key): move it under x-slipway: (x-slipway: { environments: ... }), which docker-compose ignores',
  ]);
});

test("replicas and memory in a compose service warn with compose's own spelling, and are refused under x-slipway", () => {
  const { services, warnings } = read([...WEB, "    replicas: 2", "    memory: 64m", "    x-slipway: { update: { strategy: rolling } }"]);
  assert.equal(services["web"]?.replicas, 2);
  assert.match(
    warnings[0] ?? "",
    /^compose\.yml:5:5: services\.web\.replicas: docker-compose rejects "replicas" in a service: write compose's own deploy\.replicas/,
  );
  assert.match(warnings[1] ?? "", /^compose\.yml:6:5: services\.web\.memory: .* write compose's own mem_limit/);
  assert.match(
    problems([...WEB, "    x-slipway: { replicas: 2 }"])[0] ?? "",
    /^compose\.yml:5:18: services\.web\.x-slipway\.replicas: "replicas" does not go under x-slipway: write compose's own deploy\.replicas/,
  );
});

test("x-slipway is strict: an unknown key is an error at its line, with the key meant", () => {
  const found = problems([...WEB, "    x-slipway:", "      updte: { strategy: recreate }", "      ports: []", "      update: { stratgy: recreate }"]);
  assert.deepEqual(found, [
    'compose.yml:6:7: services.web.x-slipway.updte: unknown key "updte" — did you mean "update"? (x-slipway holds Slipway\'s own service keys: environments, hosts, health, update; compose\'s keys go in the service itself)',
    'compose.yml:7:7: services.web.x-slipway.ports: unknown key "ports" — did you mean "hosts"? (x-slipway holds Slipway\'s own service keys: environments, hosts, health, update; compose\'s keys go in the service itself)',
    'compose.yml:8:17: services.web.x-slipway.update.stratgy: unknown key "stratgy" — did you mean "strategy"?',
  ]);
});

test("problems with a value under x-slipway, and the rules it feeds, point into x-slipway", () => {
  const found = problems([...WEB, "    volumes: [data:/data]", "    x-slipway:", "      update: { strategy: sideways, keep: 0 }", "volumes:", "  data:"]);
  assert.match(found[0] ?? "", /^compose\.yml:7:27: services\.web\.x-slipway\.update\.strategy: expected one of .*, got "sideways"/);
  assert.match(found[1] ?? "", /^compose\.yml:7:43: services\.web\.x-slipway\.update\.keep: /);
  const shared = problems([...WEB, "    volumes: [data:/data]", "    x-slipway: { update: { strategy: blue-green } }", "volumes:", "  data:"]);
  assert.match(shared.join("\n"), /compose\.yml:5:15: services\.web\.volumes\[0\]: blue-green runs the old and the new revision at once/);
});

test("a key both bare and under x-slipway is an error; x-slipway must be a mapping", () => {
  assert.deepEqual(problems([...WEB, "    update: { strategy: recreate }", "    x-slipway: { update: { strategy: recreate } }"]), [
    'compose.yml:5:5: services.web.update: "update" is written both here and under x-slipway: keep only the one under x-slipway',
  ]);
  assert.match(problems([...WEB, "    x-slipway: [update]"])[0] ?? "", /^compose\.yml:5:16: services\.web\.x-slipway: expected a mapping of Slipway's keys/);
  assert.deepEqual(read([...WEB, "    x-slipway:"]).warnings, []);
});

test("other x- keys of a service stay the user's own, and x-slipway is refused in a slipway.yml service", () => {
  assert.equal(composeServices(parseComposeText([...WEB, "    x-notes: anything"].join("\n")))["web"]?.image, "busybox");
  const result = serviceSchema.safeParse({ image: "busybox", "x-slipway": { update: { strategy: "recreate" } }, "x-notes": 1 });
  assert.equal(result.success, false);
  assert.match(
    result.error?.issues[0]?.message ?? "",
    /x-slipway is for compose files .* in slipway\.yml write its keys \(environments, hosts, health, update\) in the service itself/,
  );
});

test("the keys x-slipway takes are service keys of Slipway's schema", () => {
  for (const key of SLIPWAY_SERVICE_KEYS) assert.ok(key in serviceFieldsSchema.shape, key);
});

test("without a project, named volumes keep the names written; with one, they are PROJECT_<volume>, external ones excepted", () => {
  const lines = [
    "services:",
    "  db:",
    "    image: postgres:16",
    "    volumes: [data:/var/lib/postgresql/data, shared:/shared, ./conf:/conf]",
    "volumes:",
    "  data:",
    "  shared: { external: true }",
  ];
  const sources = (text: readonly string[]): string[] =>
    (composeServices(parseComposeText(text.join("\n")))["db"]?.volumes ?? []).map((volume) => (volume.type === "tmpfs" ? "" : volume.source));
  assert.deepEqual(sources(lines), ["data", "shared", "./conf"]);
  assert.deepEqual(sources([...lines, "x-slipway: { project: shop }"]), ["shop_data", "shared", "./conf"]);
  assert.deepEqual(sources(["name: shop", ...lines]), ["shop_data", "shared", "./conf"]);
  assert.deepEqual(sources(["name: shop", ...lines, "x-slipway: { project: shop }"]), ["shop_data", "shared", "./conf"]);
  assert.equal(parseComposeText([...lines, "x-slipway: { project: shop }"].join("\n")).project, "shop");
});

test("the project is checked: a compose project name, written once, in a strict x-slipway", () => {
  const service = ["services:", "  web: {image: busybox}"];
  assert.deepEqual(problems(["name: shop", ...service, "x-slipway: { project: shop2 }"]), [
    'compose.yml:4:23: x-slipway.project: the project "shop2" disagrees with name: "shop": write the project once',
  ]);
  assert.match(
    problems([...service, "x-slipway: { project: My Shop }"])[0] ?? "",
    /^compose\.yml:3:23: x-slipway\.project: "My Shop" is not a project name: .*lowercase/,
  );
  assert.match(problems(["name: [shop]", ...service])[0] ?? "", /^compose\.yml:1:7: name: expected a project name, got a list/);
  assert.deepEqual(problems([...service, "x-slipway: { projet: shop }"]), [
    'compose.yml:3:14: x-slipway.projet: unknown key "projet" — did you mean "project"?',
  ]);
  assert.match(problems([...service, "x-slipway: shop"])[0] ?? "", /^compose\.yml:3:12: x-slipway: expected a mapping such as \{ project: NAME \}/);
});
