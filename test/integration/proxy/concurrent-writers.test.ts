import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, get, startTestProxy, startUpstream, type TestContext } from "./helpers.js";
import type { WriterArgs } from "./route-writer.js";

const WRITER = fileURLToPath(new URL("./route-writer.js", import.meta.url));

/** Runs route-writer.js in its own Node process; resolves with the failures it printed. */
function writer(args: WriterArgs): Promise<string[]> {
  const child = spawn(process.execPath, [WRITER, JSON.stringify(args)], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      try {
        resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as string[]);
      } catch {
        reject(new Error(`the writer exited ${code ?? "?"} without a report: ${stdout} ${stderr}`));
      }
    });
  });
}

async function upstreams(t: TestContext, count: number): Promise<string[]> {
  const all: string[] = [];
  for (let i = 0; i < count; i += 1) all.push(await startUpstream(t, `u${i}`));
  return all;
}

test("two processes switching the same routes and their own at once: every change succeeds", async (t) => {
  const { proxy, handle } = await startTestProxy(t);
  const ups = await upstreams(t, 3);
  const shared = [
    { id: "shared-a", port: await freePort() },
    { id: "shared-b", port: await freePort() },
  ];
  const own = [
    [{ id: "one", port: await freePort() }, ...shared],
    [{ id: "two", port: await freePort() }, ...shared],
  ];

  const [first, second] = await Promise.all(own.map((routes) => writer({ adminUrl: handle.adminUrl, routes, upstreams: ups, rounds: 15 })));

  assert.deepEqual(first, []);
  assert.deepEqual(second, []);
  const routes = await proxy.listRoutes();
  assert.deepEqual(
    routes.map((r) => r.id),
    ["one", "shared-a", "shared-b", "two"],
  );
  for (const route of routes) {
    assert.equal(route.upstreams.length, 1);
    assert.match((await get(`http://127.0.0.1:${route.listen.port}/`, 5_000)).body, /^u[0-2]$/);
  }
});
