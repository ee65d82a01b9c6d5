import { test } from "node:test";
import assert from "node:assert/strict";
import { serviceSchema, type ServiceConfig } from "../../../src/config/service-schema.js";
import { defaultStrategy } from "../../../src/config/service-update.js";

function update(value: Record<string, unknown>): ServiceConfig["update"] {
  const result = serviceSchema.safeParse({ image: "app", ...value });
  assert.ok(result.success, `expected ${JSON.stringify(value)} to parse: ${JSON.stringify(result.error?.issues ?? [])}`);
  return result.data.update;
}

function problems(value: Record<string, unknown>): { path: string; message: string }[] {
  const result = serviceSchema.safeParse({ image: "app", ...value });
  assert.ok(!result.success, `expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

test("defaultStrategy: a named volume means recreate, several replicas rolling, else blue-green", () => {
  assert.equal(defaultStrategy({ volumes: [{ type: "volume" }], replicas: 3 }), "recreate");
  assert.equal(defaultStrategy({ volumes: [{ type: "bind" }, { type: "tmpfs" }], replicas: 3 }), "rolling");
  assert.equal(defaultStrategy({ volumes: [{ type: "bind" }], replicas: 1 }), "blue-green");
  assert.equal(defaultStrategy({ volumes: [], replicas: 0 }), "blue-green");
});

test("the service applies the default strategy when none is written", () => {
  assert.equal(update({ volumes: ["data:/data"], ports: ["80"] }).strategy, "recreate");
  assert.equal(update({ replicas: 3, ports: ["8080:80"] }).strategy, "rolling");
  assert.equal(update({ ports: ["8080:80"] }).strategy, "blue-green");
});

test("update: every key, and its defaults", () => {
  assert.deepEqual(update({ replicas: 4, update: { strategy: "rolling", batch: 2, drain: "30s", keep: 10, allow_shared_volumes: true, hosts_parallel: 2 } }), {
    strategy: "rolling",
    batch: 2,
    drain: 30_000,
    keep: 10,
    allowSharedVolumes: true,
    hostsParallel: 2,
  });
  assert.deepEqual(update({ update: { strategy: "recreate" } }), {
    strategy: "recreate",
    batch: 1,
    drain: 10_000,
    keep: 5,
    allowSharedVolumes: false,
    hostsParallel: 1,
  });
  assert.match(problems({ update: { strategy: "canary" } })[0]?.message ?? "", /./);
  assert.equal(problems({ update: { keep: 0 } })[0]?.path, "update.keep");
  assert.equal(problems({ update: { batch: 0 } })[0]?.path, "update.batch");
});

test("a named volume with blue-green or rolling needs allow_shared_volumes: two writers on one volume", () => {
  for (const strategy of ["blue-green", "rolling"]) {
    const found = problems({ volumes: ["./conf:/conf", "data:/data"], replicas: 2, update: { strategy } });
    assert.deepEqual(
      found.map((problem) => problem.path),
      ["volumes.1"],
    );
    assert.match(found[0]?.message ?? "", new RegExp(`${strategy} runs the old and the new revision at once.*"data".*two writers.*allow_shared_volumes`));
  }
  assert.equal(update({ volumes: ["data:/data"], update: { strategy: "blue-green", allow_shared_volumes: true } }).strategy, "blue-green");
  assert.equal(update({ volumes: ["./site:/www", "/srv/x:/x"], update: { strategy: "blue-green" } }).strategy, "blue-green");
  assert.equal(update({ volumes: ["data:/data"], update: { strategy: "recreate" } }).strategy, "recreate");
});

test("blue-green and rolling route through the proxy: each port needs a published TCP port, or no ports at all", () => {
  const unpublished = problems({ ports: ["8080:80", "9000"], update: { strategy: "blue-green" } });
  assert.deepEqual(
    unpublished.map((problem) => problem.path),
    ["ports.1"],
  );
  assert.match(unpublished[0]?.message ?? "", /proxy.*"HOST:9000".*recreate/);
  assert.match(problems({ ports: ["53:53/udp"], replicas: 2, update: { strategy: "rolling" } })[0]?.message ?? "", /TCP only/);
  assert.equal(update({ update: { strategy: "blue-green" } }).strategy, "blue-green");
  assert.equal(update({ ports: ["9000", "53/udp"], update: { strategy: "recreate" } }).strategy, "recreate");
  const defaulted = problems({ ports: ["9000"] });
  assert.deepEqual(
    defaulted.map((problem) => problem.path),
    ["ports.0"],
  );
});

test("rolling needs two replicas or more (the rule deploy applies too), and a batch no larger than the replicas", () => {
  assert.match(problems({ replicas: 1, update: { strategy: "rolling" } }).find((p) => p.path === "update.strategy")?.message ?? "", /replicas: 2 or more/);
  assert.equal(update({ replicas: 0, update: { strategy: "rolling" } }).strategy, "rolling");
  assert.match(
    problems({ replicas: 2, update: { strategy: "rolling", batch: 3 } }).find((p) => p.path === "update.batch")?.message ?? "",
    /more than replicas/,
  );
  assert.equal(update({ replicas: 2, update: { strategy: "rolling" } }).strategy, "rolling");
});

test("update.auto: approve and update.windows parse; windows without auto are refused with the place to put them", () => {
  const parsed = update({ update: { auto: "approve", windows: [{ allow: "0 2 * * *", duration: "2h", timezone: "Europe/Berlin" }] } });
  assert.equal(parsed.auto, "approve");
  assert.deepEqual(parsed.windows, [{ kind: "allow", schedule: "0 2 * * *", durationMs: 7_200_000, timezone: "Europe/Berlin" }]);
  assert.deepEqual(problems({ update: { windows: [{ deny: "0 0 * * *", duration: "1h" }] } }), [
    {
      path: "update.windows",
      message: "update.windows say when auto-updates run: set auto: true (or approve) with it, or put windows on the environment",
    },
  ]);
});

test("a window names its schedule, a duration and a time zone this machine knows", () => {
  const messages = (window: Record<string, unknown>) => problems({ update: { auto: true, windows: [window] } }).map((p) => `${p.path}: ${p.message}`);
  assert.deepEqual(messages({ allow: "0 2 * * *", deny: "0 3 * * *", duration: "1h" }), [
    "update.windows.0: a window is either allow: CRON or deny: CRON, with a duration",
  ]);
  assert.deepEqual(messages({ allow: "0 25 * * *", duration: "1h" }), ['update.windows.0.allow: not a cron schedule: hour field "25" must be within 0-23']);
  assert.deepEqual(messages({ allow: "0 2 * * *", duration: "1h", timezone: "Mars/Olympus" }), [
    'update.windows.0.timezone: "Mars/Olympus" is not a time zone this machine knows (use an IANA name such as Europe/Berlin, America/New_York or UTC)',
  ]);
  assert.deepEqual(messages({ allow: "0 2 * * *", duration: 0 }), ["update.windows.0.duration: a window must last longer than 0"]);
});
