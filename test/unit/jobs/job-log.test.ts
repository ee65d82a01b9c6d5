import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isSlipwayError } from "../../../src/errors/index.js";
import { formatHeader, openJobLog } from "../../../src/jobs/job-log.js";
import { Secret } from "../../../src/util/secret.js";

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-job-log-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const header = {
  at: new Date("2026-01-02T03:04:05.000Z"),
  image: "localhost:5000/app:20260102T000000Z",
  version: "20260102T000000Z",
  command: ["cat", "/version"],
  trigger: "cli",
};

test("a run's header names the time, image and version, command and trigger, then its output follows", async (t) => {
  const dir = tempDir(t);
  const log = openJobLog({ dir, job: "nightly", maxSize: 1024, files: 3 });
  log.writeHeader(header);
  log.write("v2\n");
  await log.close();
  assert.equal(log.path, join(dir, "nightly.log"));
  assert.equal(
    readFileSync(log.path, "utf8"),
    "=== 2026-01-02T03:04:05.000Z job nightly (trigger: cli)\n=== image: localhost:5000/app:20260102T000000Z (version 20260102T000000Z)\n=== command: cat /version\nv2\n",
  );
});

test("the header quotes arguments with spaces and lists variable names, never their values", () => {
  const secret = new Secret("s3cr3t-token-value");
  const text = formatHeader("j", { ...header, command: ["sh", "-c", "echo hi there"], envKeys: ["TOKEN", "MODE"] });
  assert.match(text, /^=== command: sh -c "echo hi there"$/m);
  assert.match(text, /^=== env: MODE, TOKEN \(values not logged\)$/m);
  assert.doesNotMatch(text, new RegExp(secret.reveal()));
  const leaked = formatHeader("j", { ...header, command: ["run", `--token=${secret.reveal()}`] });
  assert.doesNotMatch(leaked, /s3cr3t-token-value/, "a known secret in the command is redacted");
});

test("a later run appends to the same file", async (t) => {
  const dir = tempDir(t);
  for (const line of ["first\n", "second\n"]) {
    const log = openJobLog({ dir, job: "j", maxSize: 1024, files: 2 });
    log.write(line);
    await log.close();
  }
  assert.equal(readFileSync(join(dir, "j.log"), "utf8"), "first\nsecond\n");
});

test("the log rotates before a write would pass max size; no file ever passes it", async (t) => {
  const dir = tempDir(t);
  const log = openJobLog({ dir, job: "j", maxSize: 10, files: 3 });
  log.write("aaaaaa\n"); // 7 bytes
  log.write("bbbbbb\n"); // 7 more would make 14: rotate first
  log.write("cc\n"); // fits: 10
  await log.close();
  assert.equal(readFileSync(join(dir, "j.log.1"), "utf8"), "aaaaaa\n");
  assert.equal(readFileSync(join(dir, "j.log"), "utf8"), "bbbbbb\ncc\n");
  for (const name of readdirSync(dir)) assert.ok(statSync(join(dir, name)).size <= 10, name);
});

test("at most `files` files are kept, the oldest dropped, the newest output in j.log", async (t) => {
  const dir = tempDir(t);
  const log = openJobLog({ dir, job: "j", maxSize: 8, files: 3 });
  for (let run = 1; run <= 9; run += 1) log.write(`run ${run}\n`); // 6 bytes each: one per file
  await log.close();
  assert.deepEqual(readdirSync(dir).sort(), ["j.log", "j.log.1", "j.log.2"]);
  assert.equal(readFileSync(join(dir, "j.log"), "utf8"), "run 9\n");
  assert.equal(readFileSync(join(dir, "j.log.1"), "utf8"), "run 8\n");
  assert.equal(readFileSync(join(dir, "j.log.2"), "utf8"), "run 7\n");
});

test("a chunk larger than max size is split across files without losing a byte", async (t) => {
  const dir = tempDir(t);
  const log = openJobLog({ dir, job: "j", maxSize: 4, files: 5 });
  log.write("0123456789");
  await log.close();
  const files = ["j.log.2", "j.log.1", "j.log"].map((name) => readFileSync(join(dir, name), "utf8"));
  assert.deepEqual(files, ["0123", "4567", "89"]);
});

test("a split never cuts a UTF-8 character in two", async (t) => {
  const dir = tempDir(t);
  const log = openJobLog({ dir, job: "j", maxSize: 5, files: 5 });
  log.write("aaaé€b"); // a a a (3) é (2) € (3) b (1)
  await log.close();
  assert.equal(readFileSync(join(dir, "j.log.1"), "utf8"), "aaaé");
  assert.equal(readFileSync(join(dir, "j.log"), "utf8"), "€b");
});

test("a log reopened near its limit rotates on the first write that does not fit", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "j.log"), "123456789");
  const log = openJobLog({ dir, job: "j", maxSize: 10, files: 2 });
  log.write("ab");
  await log.close();
  assert.equal(readFileSync(join(dir, "j.log.1"), "utf8"), "123456789");
  assert.equal(readFileSync(join(dir, "j.log"), "utf8"), "ab");
});

test("files: 1 keeps only the current file", async (t) => {
  const dir = tempDir(t);
  const log = openJobLog({ dir, job: "j", maxSize: 4, files: 1 });
  log.write("1234");
  log.write("5678");
  await log.close();
  assert.deepEqual(readdirSync(dir), ["j.log"]);
  assert.equal(readFileSync(join(dir, "j.log"), "utf8"), "5678");
});

test("a job name that would leave the log directory is refused", (t) => {
  const dir = tempDir(t);
  for (const job of ["../x", "a/b", ".hidden", ""]) {
    assert.throws(
      () => openJobLog({ dir, job, maxSize: 10, files: 2 }),
      (error) => isSlipwayError(error, "USAGE"),
      job,
    );
  }
});

test("a log directory that cannot be created is one clear JOB_LOG_FAILED error", (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "file"), "");
  assert.throws(
    () => openJobLog({ dir: join(dir, "file", "logs"), job: "j", maxSize: 10, files: 2 }),
    (error) => isSlipwayError(error, "JOB_LOG_FAILED") && /opening the job log .*j\.log failed/.test(error.message),
  );
});
