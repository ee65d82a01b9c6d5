import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkpoint, createWorkQueue, WorkCancelled, type WorkItem } from "../../../src/util/work-queue.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("work queue", () => {
  it("runs work of one key in order, one at a time, and coalesces waiting work to the newest", async () => {
    const queue = createWorkQueue({ concurrency: 4, onError: () => undefined });
    const gate = deferred();
    const ran: string[] = [];
    const item = (label: string, wait?: Promise<void>): WorkItem => ({
      key: "pipeline:test1",
      label,
      run: async () => {
        ran.push(label);
        await wait;
      },
    });
    assert.equal(queue.submit(item("c1", gate.promise)), "started");
    assert.equal(queue.submit(item("c2")), "queued");
    assert.equal(queue.submit(item("c3")), "replaced-waiting");
    assert.equal(queue.submit(item("c4")), "replaced-waiting");
    assert.deepEqual(
      queue.snapshot().waiting.map((w) => w.label),
      ["c4"],
    );
    gate.resolve();
    await queue.idle();
    assert.deepEqual(ran, ["c1", "c4"]);
  });

  it("runs different keys side by side, bounded by the concurrency", async () => {
    const queue = createWorkQueue({ concurrency: 2, onError: () => undefined });
    const gate = deferred();
    let active = 0;
    let most = 0;
    for (const key of ["a", "b", "c", "d"]) {
      queue.submit({
        key,
        label: key,
        run: async () => {
          active += 1;
          most = Math.max(most, active);
          await gate.promise;
          active -= 1;
        },
      });
    }
    assert.equal(queue.snapshot().running.length, 2);
    gate.resolve();
    await queue.idle();
    assert.equal(most, 2);
  });

  it("asks the running work to stop at its next safe point when superseded", async () => {
    const errors: unknown[] = [];
    const queue = createWorkQueue({ concurrency: 1, onError: (_item, error) => errors.push(error) });
    const gate = deferred();
    const ran: string[] = [];
    queue.submit({
      key: "k",
      label: "old",
      run: async (signal) => {
        await gate.promise;
        checkpoint(signal);
        ran.push("old finished");
      },
    });
    queue.submit({ key: "k", label: "new", run: async () => void ran.push("new") }, { supersede: true });
    gate.resolve();
    await queue.idle();
    assert.deepEqual(ran, ["new"]);
    assert.ok(errors[0] instanceof WorkCancelled);
    assert.equal((errors[0] as WorkCancelled).reason, "superseded");
  });

  it("on close drops waiting work, refuses new work and waits for the running", async () => {
    const queue = createWorkQueue({ concurrency: 1, onError: () => undefined });
    const gate = deferred();
    const ran: string[] = [];
    queue.submit({
      key: "a",
      label: "a",
      run: async () => {
        await gate.promise;
        ran.push("a");
      },
    });
    queue.submit({ key: "b", label: "b", run: async () => void ran.push("b") });
    const closing = queue.close();
    assert.equal(queue.submit({ key: "c", label: "c", run: async () => void ran.push("c") }), "refused-closed");
    gate.resolve();
    await closing;
    assert.deepEqual(ran, ["a"]);
  });
});

describe("work queue: dropped work", () => {
  it("tells replaced and closed-over work that it will not run", async () => {
    const queue = createWorkQueue({ concurrency: 1, onError: () => undefined });
    const gate = deferred();
    const dropped: string[] = [];
    const item = (label: string, key = "k"): WorkItem => ({
      key,
      label,
      run: async () => gate.promise,
      dropped: (reason) => void dropped.push(`${label}:${reason}`),
    });
    queue.submit(item("running"));
    queue.submit(item("first"));
    queue.submit(item("second"));
    queue.submit(item("other", "k2"));
    assert.deepEqual(dropped, ["first:replaced"]);
    const closing = queue.close();
    assert.deepEqual(dropped, ["first:replaced", "second:closed", "other:closed"]);
    gate.resolve();
    await closing;
  });
});
