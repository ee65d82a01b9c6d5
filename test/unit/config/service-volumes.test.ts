import { test } from "node:test";
import assert from "node:assert/strict";
import { tmpfsSchema, volumesSchema } from "../../../src/config/service-volumes.js";

function parsed(schema: typeof volumesSchema | typeof tmpfsSchema, value: unknown): unknown {
  const result = schema.safeParse(value);
  assert.ok(result.success, `expected ${JSON.stringify(value)} to parse: ${result.error?.message ?? ""}`);
  return result.data;
}

function message(schema: typeof volumesSchema | typeof tmpfsSchema, value: unknown): string {
  const result = schema.safeParse(value);
  assert.ok(!result.success, `expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => issue.message).join("\n");
}

test("short forms: a named volume, a relative or absolute host directory, :ro and :rw", () => {
  assert.deepEqual(parsed(volumesSchema, ["data:/var/lib/data", "./conf:/etc/app:ro", "/srv/www:/www:rw", "../shared:/shared"]), [
    { type: "volume", source: "data", target: "/var/lib/data", readOnly: false },
    { type: "bind", source: "./conf", target: "/etc/app", readOnly: true },
    { type: "bind", source: "/srv/www", target: "/www", readOnly: false },
    { type: "bind", source: "../shared", target: "/shared", readOnly: false },
  ]);
});

test("long form: volume, bind and tmpfs with read_only and a tmpfs size", () => {
  const value = [
    { type: "volume", source: "data", target: "/data", read_only: true },
    { type: "bind", source: "./site", target: "/www" },
    { type: "tmpfs", target: "/tmp", tmpfs: { size: "64m" } },
    { type: "tmpfs", target: "/cache", tmpfs: { size: 1024 } },
  ];
  assert.deepEqual(parsed(volumesSchema, value), [
    { type: "volume", source: "data", target: "/data", readOnly: true },
    { type: "bind", source: "./site", target: "/www", readOnly: false },
    { type: "tmpfs", target: "/tmp", readOnly: false, sizeBytes: 64 * 1024 * 1024 },
    { type: "tmpfs", target: "/cache", readOnly: false, sizeBytes: 1024 },
  ]);
});

test("an anonymous volume is refused: its data would be lost at each update", () => {
  assert.match(message(volumesSchema, ["/var/lib/data"]), /anonymous volume.*lost at each update.*"data:\/var\/lib\/data"/);
});

test("mount options other than ro and rw, relative targets, ~ and bad names are refused", () => {
  assert.match(message(volumesSchema, ["data:/d:z"]), /only the mount options ro and rw, not "z"/);
  assert.match(message(volumesSchema, ["data:relative"]), /must be absolute/);
  assert.match(message(volumesSchema, ["data:/"]), /root directory/);
  assert.match(message(volumesSchema, ["~/data:/d"]), /write the host path in full/);
  assert.match(message(volumesSchema, ["x:/d"]), /neither a path.*nor a volume name/);
  assert.match(message(volumesSchema, ["a:/b:ro:extra"]), /is not a volume/);
});

test("long forms that contradict themselves are refused", () => {
  assert.match(message(volumesSchema, [{ type: "bind", source: "data", target: "/d" }]), /"data" is a volume name, but type is bind/);
  assert.match(message(volumesSchema, [{ type: "volume", source: "./d", target: "/d" }]), /is a path, but type is volume/);
  assert.match(message(volumesSchema, [{ type: "volume", target: "/d" }]), /needs a source/);
  assert.match(message(volumesSchema, [{ type: "tmpfs", source: "x", target: "/d" }]), /tmpfs mount has no source/);
  assert.match(message(volumesSchema, [{ type: "volume", source: "data", target: "/d", bind: { propagation: "shared" } }]), /Unrecognized key: "bind"/);
});

test("tmpfs: one path or a list, with an optional size", () => {
  assert.deepEqual(parsed(tmpfsSchema, "/run"), [{ type: "tmpfs", target: "/run", readOnly: false }]);
  assert.deepEqual(parsed(tmpfsSchema, ["/run:size=16m", "/tmp"]), [
    { type: "tmpfs", target: "/run", readOnly: false, sizeBytes: 16 * 1024 * 1024 },
    { type: "tmpfs", target: "/tmp", readOnly: false },
  ]);
  assert.match(message(tmpfsSchema, ["/run:mode=1777"]), /only the tmpfs option size=/);
  assert.match(message(tmpfsSchema, ["/run:size=lots"]), /not a size/);
});
