import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { registerConfigCommands } from "../../../src/cli/commands/config-commands.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { parseConfigText } from "../../../src/config/index.js";

/** The program as src/cli/main.ts builds it (its global options), with only the config commands. */
async function run(args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  const program = new Command("slipway").option("-c, --config <file>", "", "slipway.yml").option("--env-file <file>").exitOverride();
  registerConfigCommands(program);
  let stdout = "";
  let stderr = "";
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  // Only text is the command's: the test runner's own messages (binary) pass through while it awaits.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (typeof chunk !== "string") return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...args], { from: "user" });
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  const exitCode = typeof process.exitCode === "number" ? process.exitCode : undefined;
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("slipway init writes a starter config that validates, and refuses to overwrite it without --force", async (t) => {
  const file = join(tempDir(t), "slipway.yml");
  const first = await run(["init", "-o", file]);
  assert.match(first.stdout, /^wrote .*slipway\.yml: edit it, then run `slipway validate`/);
  parseConfigText(readFileSync(file, "utf8"), { env: {} });
  writeFileSync(file, "# mine\n");
  await assert.rejects(run(["init", "-o", file]), (error) => isSlipwayError(error, "CONFIG_EXISTS") && /--force/.test(error.hint ?? ""));
  assert.equal(readFileSync(file, "utf8"), "# mine\n");
  await run(["init", "-o", file, "--force"]);
  assert.match(readFileSync(file, "utf8"), /^# slipway\.yml/);
});

test("slipway validate counts what the config defines", async (t) => {
  const file = join(tempDir(t), "slipway.yml");
  writeFileSync(
    file,
    "registry: localhost:5000\nsources:\n  s: { repo: ./s.git }\nimages:\n  a: { context: 's:a' }\n  b: { context: 's:b', from: a }\njobs:\n  j: { image: b, schedule: '@daily', command: [run] }\n",
  );
  const { stdout } = await run(["-c", file, "validate"]);
  assert.equal(stdout, `${file} is valid: 1 source, 2 images, 0 services, 1 job\n`);
  const json = await run(["-c", file, "validate", "--json"]);
  assert.deepEqual(JSON.parse(json.stdout), {
    valid: true,
    path: file,
    sources: 1,
    images: 2,
    services: 0,
    jobs: 1,
    warnings: [],
    notChecked: ["a", "b"],
  });
});

test("slipway validate passes a compose file with Slipway's keys bare, warning that docker-compose rejects them", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "slipway.yml");
  writeFileSync(file, "compose: docker-compose.yml\n");
  writeFileSync(join(dir, "docker-compose.yml"), "services:\n  web:\n    image: busybox\n    update: { strategy: recreate }\n");
  const warning = `${join(dir, "docker-compose.yml")}:4:5: services.web.update: docker-compose rejects "update" in a service (it is Slipway's own key): move it under x-slipway: (x-slipway: { update: ... }), which docker-compose ignores`;
  const text = await run(["-c", file, "validate"]);
  // node --test's own messages to the parent share this process's stdout: read what follows them.
  assert.ok(text.stdout.endsWith(`${file} is valid: 0 sources, 0 images, 1 service, 0 jobs\n`), text.stdout);
  assert.equal(text.stderr, `warning: ${warning}\n`);
  const json = await run(["-c", file, "validate", "--json"]);
  assert.deepEqual((JSON.parse(json.stdout.slice(json.stdout.indexOf('{\n  "valid"'))) as { warnings: string[] }).warnings, [warning]);
  writeFileSync(join(dir, "docker-compose.yml"), "services:\n  web:\n    image: busybox\n    x-slipway: { update: { strategy: recreate } }\n");
  assert.equal((await run(["-c", file, "validate"])).stderr, "");
});

test("slipway validate fails with the config's error; with --json it prints the problems and sets exit code 2", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "slipway.yml");
  writeFileSync(file, "registry: localhost:5000\nimages:\n  a: { context: ./a, tag: daily }\n");
  await assert.rejects(run(["-c", file, "validate"]), (error) => isSlipwayError(error, "CONFIG_INVALID"));
  const { stdout, exitCode } = await run(["-c", file, "validate", "--json"]);
  const result = JSON.parse(stdout) as { valid: boolean; code: string; details: string[] };
  assert.equal(result.valid, false);
  assert.equal(result.code, "CONFIG_INVALID");
  assert.match(result.details[0] ?? "", /:3:27: images\.a\.tag: expected one of timestamp, version-count-sha, sha/);
  assert.equal(exitCode, 2);
  await assert.rejects(run(["-c", join(dir, "missing.yml"), "validate"]), (error) => isSlipwayError(error, "CONFIG_NOT_FOUND"));
});

test("slipway schema prints the JSON Schema, or writes it with -o", async (t) => {
  const { stdout } = await run(["schema"]);
  const schema = JSON.parse(stdout) as { title: string; properties: Record<string, unknown> };
  assert.equal(schema.title, "slipway.yml");
  assert.ok("images" in schema.properties);
  const file = join(tempDir(t), "schema.json");
  await run(["schema", "-o", file]);
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), schema);
});
