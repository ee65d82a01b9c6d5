import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { isSlipwayError } from "../../../src/errors/index.js";
import { connectProxy, proxyPaths, startManagedProxy } from "../../../src/proxy/index.js";
import { freePort, startUpstream, waitForBody, type TestContext } from "./helpers.js";

const run = promisify(execFile);
const proxyModule = new URL("../../../src/proxy/index.js", import.meta.url).href;

function tempStateDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-proxy-state-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function answers(adminUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${adminUrl}/config/`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

test("the managed proxy outlives the process that started it, and the next start reuses it", async (t) => {
  const stateDir = tempStateDir(t);
  const adminAddress = `127.0.0.1:${await freePort()}`;
  // Whatever happens below, stop the Caddy this test started (through the child process).
  t.after(() => fetch(`http://${adminAddress}/stop`, { method: "POST" }).catch(() => undefined));
  const script = `const { startManagedProxy } = await import(${JSON.stringify(proxyModule)});
    const h = await startManagedProxy({ stateDir: process.argv[1], adminAddress: process.argv[2] });
    console.log(JSON.stringify({ pid: h.pid, started: h.started, adminUrl: h.adminUrl }));`;

  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script, "--", stateDir, adminAddress]);
  const first = JSON.parse(stdout) as { pid: number; started: boolean; adminUrl: string };

  assert.equal(first.started, true);
  assert.equal(first.adminUrl, `http://${adminAddress}`);
  assert.ok(await answers(first.adminUrl), "the proxy stopped when the process that started it exited");
  const paths = proxyPaths(stateDir);
  assert.equal(readFileSync(paths.pid, "utf8").trim(), String(first.pid));
  assert.match(readFileSync(paths.log, "utf8"), /admin endpoint started/);

  const handle = await startManagedProxy({ stateDir, adminAddress });
  assert.equal(handle.started, false);
  assert.equal(handle.pid, first.pid);

  await handle.stop();
  assert.equal(await answers(first.adminUrl), false);
  assert.equal(isRunning(first.pid), false);
  assert.equal(existsSync(paths.pid), false);
});

test("a restarted managed proxy comes back with the routes it had", async (t) => {
  const stateDir = tempStateDir(t);
  const adminAddress = `127.0.0.1:${await freePort()}`;
  const v1 = await startUpstream(t, "v1");
  const port = await freePort();
  const first = await startManagedProxy({ stateDir, adminAddress });
  t.after(() => first.stop());
  await (await connectProxy(first.adminUrl)).setRoute({ id: "api-prod", listen: { host: "127.0.0.1", port }, upstreams: [v1] });
  await first.stop();

  const second = await startManagedProxy({ stateDir, adminAddress });
  t.after(() => second.stop());

  assert.equal(second.started, true);
  assert.deepEqual(
    (await (await connectProxy(second.adminUrl)).listRoutes()).map((r) => [r.id, r.upstreams]),
    [["api-prod", [v1]]],
  );
  await waitForBody(`http://127.0.0.1:${port}/`, "v1");
});

test("a proxy that cannot start is PROXY_FAILED with Caddy's own words", async (t) => {
  const stateDir = tempStateDir(t);
  const squatter = createServer((socket) => socket.on("data", () => undefined));
  await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
  const address = squatter.address();
  assert.ok(typeof address === "object" && address !== null);

  await assert.rejects(startManagedProxy({ stateDir, adminAddress: `127.0.0.1:${address.port}`, readyTimeoutMs: 5_000 }), (error) => {
    assert.ok(isSlipwayError(error, "PROXY_FAILED"), String(error));
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${address.port}`));
    assert.match(error.details.join("\n"), /address already in use/);
    return true;
  });
  await assert.rejects(
    startManagedProxy({ stateDir, adminAddress: `127.0.0.1:${await freePort()}`, caddyBinary: join(stateDir, "no-such-caddy") }),
    (error) => {
      assert.ok(isSlipwayError(error, "PROXY_FAILED"), String(error));
      assert.match(error.message, /is not installed/);
      return true;
    },
  );
});
