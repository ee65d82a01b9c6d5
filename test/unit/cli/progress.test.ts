import { test } from "node:test";
import assert from "node:assert/strict";
import { createProgressRenderer, formatBytes, formatDuration } from "../../../src/cli/progress.js";

function capture(isTTY: boolean): { out: { isTTY: boolean; write(text: string): void }; text: () => string } {
  let buffer = "";
  return { out: { isTTY, write: (text: string) => (buffer += text) }, text: () => buffer };
}

test("in a log, steps and output are plain lines and byte counts come at most every few seconds", () => {
  const { out, text } = capture(false);
  let clock = 0;
  const task = createProgressRenderer(out, { now: () => clock }).task("base", "building");
  task.event({ kind: "step", index: 1, count: 2, instruction: "FROM scratch" });
  task.event({ kind: "output", text: " ---> abc\nhello " });
  task.event({ kind: "output", text: "world\n" });
  clock = 10_000;
  task.event({ kind: "bytes", current: 1024, total: 4096 });
  clock = 10_500;
  task.event({ kind: "bytes", current: 2048, total: 4096 });
  task.done("built base in 1.2 s");
  assert.equal(text(), "building base: step 1/2: FROM scratch\n  hello world\nbuilding base: 1.0 KiB / 4.0 KiB\nbuilt base in 1.2 s\n");
  assert.ok(!text().includes("\r") && !text().includes("\u001b"), "no terminal control codes in a log");
});

test("on a terminal, byte counts rewrite one status line, cleared before the next plain line", () => {
  const { out, text } = capture(true);
  const task = createProgressRenderer(out).task("app", "pushing");
  task.event({ kind: "bytes", current: 1, total: 2 });
  task.event({ kind: "bytes", current: 2, total: 2 });
  task.done("pushed app");
  assert.equal(text(), "\r\x1b[Kpushing app: 1 B / 2 B\r\x1b[Kpushing app: 2 B / 2 B\r\x1b[Kpushed app\n");
});

test("with several tasks at once, each line names its task", () => {
  const { out, text } = capture(false);
  const renderer = createProgressRenderer(out);
  const a = renderer.task("a", "building");
  const b = renderer.task("b", "building");
  a.note("one");
  b.note("two");
  assert.equal(text(), "[a] one\n[b] two\n");
});

test("sizes and durations read as people write them", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(5 * 1024 * 1024), "5.0 MiB");
  assert.equal(formatBytes(300 * 1024 * 1024), "300 MiB");
  assert.equal(formatDuration(250), "250 ms");
  assert.equal(formatDuration(1_500), "1.5 s");
  assert.equal(formatDuration(125_000), "2 min 5 s");
});
