import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runSlipway, type CliRun } from "../../harness/cli.js";

function project(t: { after(fn: () => void): void }, yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-hostile-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "slipway.yml"), yaml);
  return dir;
}

function slipway(dir: string, args: readonly string[]): Promise<CliRun> {
  return runSlipway(["--state-dir", join(dir, "state"), ...args], { cwd: dir, timeoutMs: 60_000 });
}

/** Exit 2, stderr's lines all Slipway's (error, details, hint), no control character, no stack trace. */
function assertClearError(run: CliRun, code: string): string[] {
  assert.equal(run.code, 2, run.stderr);
  const lines = run.stderr.trimEnd().split("\n");
  assert.match(lines[0] ?? "", new RegExp(`^error\\[${code}\\]: `), run.stderr);
  for (const line of lines.slice(1)) assert.match(line, /^( {2}|hint: )/, `a line that is not Slipway's: ${JSON.stringify(line)}`);
  assert.ok(
    [...run.stderr].every((char) => char === "\n" || (char >= " " && char !== "\u007f")),
    JSON.stringify(run.stderr),
  );
  assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
  return lines;
}

test("validate: a service name with a newline and an escape sequence prints on one line, escaped", async (t) => {
  const dir = project(t, 'services:\n  "web\\nerror[OK]: fine\\e[2K":\n    image: busybox:latest\n');
  const lines = assertClearError(await slipway(dir, ["validate"]), "CONFIG_INVALID");
  const problem = lines.find((line) => line.includes("web"));
  assert.ok(problem?.includes("web\\nerror[OK]: fine\\x1b[2K"), lines.join("\n"));
  assert.equal(lines.filter((line) => line.includes("error[")).length, 2, "the name's fake error[ stays inside the problem line");
});

test("job run with a name holding a newline names it on one line", async (t) => {
  const dir = project(t, "services: {}\n");
  const lines = assertClearError(await slipway(dir, ["job", "run", "night\nly"]), "JOB_NOT_FOUND");
  assert.match(lines[0] ?? "", /"night\\nly"/);
});

test("validate: 100 000 nested brackets are reported as nesting too deep, with the place and the limit", async (t) => {
  const dir = project(t, `services: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`);
  const lines = assertClearError(await slipway(dir, ["validate"]), "CONFIG_SYNTAX");
  assert.equal(lines[0], "error[CONFIG_SYNTAX]: slipway.yml:1:74: nested too deep: more than 64 levels of mappings and lists");
  assert.match(lines.at(-1) ?? "", /^hint: Slipway reads at most 64 levels/);
  assert.doesNotMatch(lines.join("\n"), /call stack/i);
});
