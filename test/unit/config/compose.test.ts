import { test } from "node:test";
import assert from "node:assert/strict";
import { parseComposeText } from "../../../src/config/compose.js";
import { composeServices } from "../../../src/config/compose-services.js";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";

function refused(text: string, options: { env?: Record<string, string> } = {}): SlipwayError {
  try {
    composeServices(parseComposeText(text, { path: "compose.yml", ...options }));
  } catch (error) {
    assert.ok(isSlipwayError(error), String(error));
    return error;
  }
  assert.fail("expected the compose file to be refused");
}

test("services are read as written, with the volumes and networks declared at the top", () => {
  const file = parseComposeText(
    [
      'version: "2.4"',
      "services:",
      "  web:",
      "    image: busybox",
      "    volumes: [data:/data]",
      "volumes:",
      "  data:",
      "networks:",
      "  front:",
      "    driver: bridge",
      "x-notes: anything",
    ].join("\n"),
  );
  assert.deepEqual(file.services, { web: { image: "busybox", volumes: ["data:/data"] } });
  assert.deepEqual(file.volumes, ["data"]);
  assert.deepEqual(file.networks, ["front"]);
  assert.deepEqual(file.position(["services", "web", "volumes", 0]), { line: 5, col: 15 });
});

test("a compose-spec file without version is read too, and YAML merge keys work", () => {
  const file = parseComposeText(
    ["x-base: &base", "  image: busybox", "  restart: always", "services:", "  a:", "    <<: *base", "  b:", "    <<: *base", '    restart: "no"'].join("\n"),
  );
  assert.deepEqual(composeServices(file), {
    a: composeServices(parseComposeText("services:\n  a:\n    image: busybox\n    restart: always\n"))["a"],
    b: composeServices(parseComposeText('services:\n  b:\n    image: busybox\n    restart: "no"\n'))["b"],
  });
  assert.deepEqual(composeServices(file)["b"]?.restart, { policy: "no" });
});

test("top-level keys other than services, volumes, networks, version, name and x- are refused with a message", () => {
  const error = refused(
    ["name: shop", "services:", "  web: {image: busybox}", "secrets:", "  token: {file: ./token}", "include: [other.yml]", "sevices: {}"].join("\n"),
  );
  assert.equal(error.code, "CONFIG_INVALID");
  const details = error.details.join("\n");
  assert.doesNotMatch(details, /compose\.yml:1:1: name/);
  assert.match(details, /compose\.yml:4:1: secrets: .*env_file/);
  assert.match(details, /compose\.yml:6:1: include: .*list every file under compose:/);
  assert.match(details, /compose\.yml:7:1: sevices: unknown top-level key "sevices"/);
});

test("a file without services, or with services that are not a mapping, is refused", () => {
  assert.match(refused("volumes: {}").details.join("\n"), /no services: mapping/);
  assert.match(refused("services: [web]").details.join("\n"), /services: must be a mapping/);
  assert.match(refused("- a\n- b").details.join("\n"), /a compose file is a mapping/);
});

test("top-level volumes and networks accept only external and the default driver", () => {
  const details = refused(
    [
      "services:",
      "  web: {image: busybox}",
      "volumes:",
      "  data:",
      "    driver: nfs",
      "  logs:",
      "    driver_opts: {type: tmpfs}",
      "networks:",
      "  front:",
      "    ipam: {}",
      "  back:",
      "    external: true",
    ].join("\n"),
  ).details.join("\n");
  assert.match(details, /volumes\.data\.driver: Slipway creates volumes with the local driver only/);
  assert.match(details, /volumes\.logs\.driver_opts: Slipway cannot reproduce "driver_opts"/);
  assert.match(details, /networks\.front\.ipam: Slipway cannot reproduce "ipam"/);
  assert.doesNotMatch(details, /back/);
});

test("service problems point at their line in the compose file, all at once", () => {
  const text = [
    "services:",
    "  web:",
    "    image: busybox",
    "    container_name: web",
    "    ports:",
    '      - "8000-8010:80"',
    "  db:",
    "    image: postgres:16",
    "    privileged: true",
  ].join("\n");
  const error = refused(text);
  assert.equal(error.code, "CONFIG_INVALID");
  assert.equal(error.message, "compose.yml has 3 problems");
  assert.match(error.details[0] ?? "", /^compose\.yml:4:21: services\.web\.container_name: Slipway cannot reproduce "container_name"/);
  assert.match(error.details[1] ?? "", /^compose\.yml:6:9: services\.web\.ports\[0\]: .*port ranges are not supported/);
  assert.match(error.details[2] ?? "", /^compose\.yml:9:17: services\.db\.privileged: Slipway cannot reproduce "privileged"/);
});

test("a service using an undeclared volume or network is refused, as compose does", () => {
  const details = refused(["services:", "  web:", "    image: busybox", "    volumes: [data:/data]", "    networks: [front, default]"].join("\n")).details.join(
    "\n",
  );
  assert.match(details, /compose\.yml:4:15: services\.web\.volumes\[0\]: the volume "data" is not declared/);
  assert.match(details, /services\.web\.networks\[0\]: the network "front" is not declared/);
  assert.doesNotMatch(details, /"default"/);
});

test("${VAR} is interpolated when variables are given, and an unset one is CONFIG_VARIABLE", () => {
  const text = "services:\n  web:\n    image: busybox:${TAG}\n    environment:\n      MODE: ${MODE:-prod}\n";
  const services = composeServices(parseComposeText(text, { env: { TAG: "1.36" } }));
  assert.equal(services["web"]?.image, "busybox:1.36");
  assert.deepEqual(services["web"]?.environment, { MODE: "prod" });
  assert.equal(parseComposeText(text).services["web"] !== undefined, true);
  const error = (() => {
    try {
      parseComposeText(text, { path: "compose.yml", env: {} });
    } catch (caught) {
      return caught;
    }
    return undefined;
  })();
  assert.ok(isSlipwayError(error, "CONFIG_VARIABLE"));
  assert.match(error.message, /^compose\.yml:3:20: variable TAG is not set/);
});

test("malformed YAML is CONFIG_SYNTAX with the line", () => {
  try {
    parseComposeText("services:\n  web:\n    image: [busybox\n", { path: "compose.yml" });
    assert.fail("expected a syntax error");
  } catch (error) {
    assert.ok(isSlipwayError(error, "CONFIG_SYNTAX"));
    assert.match(error.message, /^compose\.yml:\d+:\d+: /);
  }
});
