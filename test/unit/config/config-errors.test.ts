import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfigText } from "../../../src/config/parse-config-text.js";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";
import { details } from "./config-problems.js";

function errorOf(text: string): SlipwayError {
  try {
    parseConfigText(text, { path: "slipway.yml", env: {} });
  } catch (error) {
    if (isSlipwayError(error)) return error;
    throw error;
  }
  assert.fail("expected the config to be refused");
}

const base = `registry: localhost:5000/my-org
sources:
  my-docker: { repo: ./work/remotes/my-docker.git, branch: master }
  infra: { repo: ./work/remotes/infra.git }
`;

test("YAML that does not parse is CONFIG_SYNTAX with line:col, the line and a caret under the place", () => {
  const error = errorOf("registry: localhost:5000\nsources:\n  app: { repo: ./x\nimages: {}\n");
  assert.equal(error.code, "CONFIG_SYNTAX");
  assert.match(error.message, /^slipway\.yml:\d+:\d+: /);
  const [line, caret] = error.details;
  assert.ok(line !== undefined && caret !== undefined);
  const [, row, col] = /^slipway\.yml:(\d+):(\d+)/.exec(error.message) ?? [];
  assert.equal(line, "registry: localhost:5000\nsources:\n  app: { repo: ./x\nimages: {}".split("\n")[Number(row) - 1]);
  assert.equal(caret, `${" ".repeat(Number(col) - 1)}^`);
});

test("a duplicate key and a tab-indented block are syntax errors at their place", () => {
  const duplicate = errorOf("registry: a.example.com\nregistry: b.example.com\n");
  assert.equal(duplicate.code, "CONFIG_SYNTAX");
  assert.match(duplicate.message, /^slipway\.yml:2:1: .*unique/i);
  assert.equal(errorOf("sources:\n\tapp: { repo: x }\n").code, "CONFIG_SYNTAX");
});

test("an unknown key is CONFIG_INVALID at the key, naming the key meant", () => {
  const error = errorOf(`${base}images:\n  app1-dev:\n    context: "my-docker:app1-dev"\n    form: infra-dev\n`);
  assert.equal(error.code, "CONFIG_INVALID");
  assert.equal(error.message, "slipway.yml has 1 problem");
  assert.deepEqual(error.details, ['slipway.yml:8:5: images.app1-dev.form: unknown key "form" — did you mean "from"?']);
  assert.match(error.hint ?? "", /slipway schema/);
});

test("a wrong type says what was expected and what was written", () => {
  const error = errorOf(`${base}images:\n  base:\n    context: "my-docker:base"\n    dockerfile: [a, b]\n`);
  assert.deepEqual(error.details, ["slipway.yml:8:17: images.base.dockerfile: expected a string, got a list"]);
});

test("a value outside a set lists the allowed values and the one meant", () => {
  const error = errorOf(`${base}images:\n  base:\n    context: "my-docker:base"\n    tag: timestmp\n`);
  assert.deepEqual(error.details, [
    'slipway.yml:8:10: images.base.tag: expected one of timestamp, version-count-sha, sha, got "timestmp" — did you mean "timestamp"?',
  ]);
});

test("a missing required key points at the mapping that lacks it", () => {
  const error = errorOf(`${base}images:\n  base:\n    dockerfile: Dockerfile\n`);
  assert.deepEqual(error.details, ['slipway.yml:6:3: images.base.context: missing required key "context"']);
});

test("a command written as a shell string is refused with how to write it as a list", () => {
  const error = errorOf(`${base}images:\n  base:\n    context: "my-docker:base"\n    tests:\n      - name: runs\n        command: echo hello && true\n`);
  assert.deepEqual(error.details, [
    "slipway.yml:10:18: images.base.tests[0].command: expected a list of arguments, e.g. [python, -u, app.py] (a command is never run through a shell)",
  ]);
});

test("every problem is listed at once, top to bottom", () => {
  const error = errorOf(
    `registry: 5\nsources:\n  Bad_Name: { repo: ./x }\n  ok: { repo: ./y, poll: soon }\nimages:\n  base: { context: nowhere }\nversion: 2\n`,
  );
  assert.equal(error.message, "slipway.yml has 5 problems");
  assert.deepEqual(error.details, [
    "slipway.yml:1:11: registry: expected a registry address (host[:port][/namespace]) or a mapping with url",
    'slipway.yml:3:3: sources.Bad_Name: invalid name "Bad_Name": expected a name of lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit',
    "slipway.yml:4:26: sources.ok.poll: expected a duration such as 30s, 5m, 1h30m",
    'slipway.yml:6:20: images.base.context: expected source:path (e.g. my-docker:base) or a local directory starting with ./ or /, got "nowhere"',
    "slipway.yml:7:10: version: expected 1 (the only config version)",
  ]);
});

test("a notify entry is checked as the kind it looks like", () => {
  const error = errorOf("notify:\n  - slak: https://hooks.slack.com/x\n  - webhook: https://example.com/hook\n    events: [deploy, rolback]\n");
  assert.deepEqual(error.details, [
    'slipway.yml:2:5: notify[0].slack: missing required key "slack"',
    'slipway.yml:2:5: notify[0].slak: unknown key "slak" — did you mean "slack"?',
    'slipway.yml:4:22: notify[1].events[1]: expected one of build, deploy, rollback, job-failure, update-available, held, got "rolback" — did you mean "rollback"?',
  ]);
});

test("a job's cron schedule is checked field by field", () => {
  const error = errorOf(`${base}images:\n  app: { context: "my-docker:app" }\njobs:\n  nightly: { image: app, schedule: "0 25 * * *", command: [run] }\n`);
  assert.deepEqual(error.details, ['slipway.yml:8:36: jobs.nightly.schedule: expected a cron schedule: hour field "25" must be within 0-23']);
});

test("a top level that is not a mapping is refused at line 1", () => {
  assert.deepEqual(errorOf("- a\n- b\n").details, ["slipway.yml:1:1: (top level): expected a mapping, got a list"]);
});

test("an empty file is a valid, empty config", () => {
  const { config } = parseConfigText("", {});
  assert.deepEqual(Object.keys(config.images), []);
  assert.deepEqual(config.notify, []);
});

test("an alias bomb is refused as CONFIG_SYNTAX instead of exhausting memory", () => {
  const layers = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 8; i += 1)
    layers.push(
      `${"abcdefgh"[i]}: &${"abcdefgh"[i]} [${Array(10)
        .fill(`*${"abcdefgh"[i - 1]}`)
        .join(", ")}]`,
    );
  assert.equal(errorOf(layers.join("\n")).code, "CONFIG_SYNTAX");
});

test("environments.<env>.docker_host is refused by validation exactly where connecting would refuse it, with the reason", () => {
  const withHost = (host: string) => `environments:\n  prod:\n    docker_host: ${JSON.stringify(host)}\n`;
  for (const [host, reason] of [
    ["ssh://-oProxyCommand=x@h", /cannot start with '-'/],
    ["ssh://user:secret@host", /no password/],
    ["tcp://", /names no host/],
    ["tcp://user@host:2375", /takes no user/],
    ["unix://relative.sock", /must be absolute/],
    ["http://host:2375", /only unix:\/\/, tcp:\/\/ and ssh:\/\//],
    ["", /it is empty/],
  ] as const) {
    const error = errorOf(withHost(host));
    assert.equal(error.code, "CONFIG_INVALID", host);
    const text = [error.message, ...error.details].join("\n");
    assert.match(text, /environments\.prod\.docker_host/, host);
    assert.match(text, reason, host);
  }
  for (const host of ["unix:///var/run/docker.sock", "tcp://10.0.0.2:2376", "ssh://deploy@web-1.example.com:2222", "tcp://[::1]:2375"])
    parseConfigText(withHost(host), { path: "slipway.yml", env: {} });
});

test("a store.url that is not a URL is refused at validate, without echoing it (it may hold the password)", () => {
  const problems = details("store: { url: 'postgres://app:s3cret@db:notaport/slipway' }\n");
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? "", /store\.url: expected a valid URL: postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE/);
  assert.ok(!(problems[0] ?? "").includes("s3cret"));
});
