import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { connectEngine, type ConnectOptions } from "../../../src/engine/index.js";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";
import { ensureEngine } from "../../harness/engine.js";

async function unreachable(options: ConnectOptions): Promise<SlipwayError> {
  const error = await connectEngine(options).then(
    () => assert.fail("connecting should fail"),
    (e: unknown) => e,
  );
  assert.ok(isSlipwayError(error, "ENGINE_UNREACHABLE"), String(error));
  return error;
}

test("the running engine answers with its version and swarm state", async () => {
  const engine = await ensureEngine();
  assert.equal(engine.address, process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock");
  const version = await engine.version();
  assert.match(version.apiVersion, /^1\.\d+$/);
  assert.match(version.version, /^\d+\.\d+/);
  const info = await engine.info();
  assert.ok(["inactive", "pending", "active", "error", "locked"].includes(info.swarm.state), info.swarm.state);
  assert.ok(info.cpus > 0);
});

test("DOCKER_HOST naming a socket that does not exist gives ENGINE_UNREACHABLE naming it, with how to start the engine", async (t) => {
  const saved = process.env.DOCKER_HOST;
  t.after(() => (saved === undefined ? delete process.env.DOCKER_HOST : (process.env.DOCKER_HOST = saved)));
  process.env.DOCKER_HOST = "unix:///tmp/nope.sock";
  const error = await unreachable({});
  assert.equal(error.message, "the Docker engine at unix:///tmp/nope.sock does not answer (there is no socket at /tmp/nope.sock)");
  assert.equal(error.hint, "start it with `dockerd &` as root, or `systemctl start docker`; or set DOCKER_HOST to the address of a running engine");
});

test("a socket file nobody listens on, a closed TCP port and a malformed address are all ENGINE_UNREACHABLE", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-sock-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "docker.sock"), "");
  assert.match(
    (await unreachable({ host: `unix://${dir}/docker.sock` })).message,
    /^the Docker engine at unix:\/\/.*docker\.sock does not answer \(ECONNREFUSED/,
  );
  assert.match((await unreachable({ host: "tcp://127.0.0.1:1" })).message, /^the Docker engine at tcp:\/\/127\.0\.0\.1:1 does not answer \(ECONNREFUSED/);
  const malformed = await unreachable({ host: "npipe:////./pipe/docker_engine" });
  assert.match(malformed.message, /"npipe:\/\/\/\/\.\/pipe\/docker_engine" cannot be used: only unix:\/\/, tcp:\/\/ and ssh:\/\//);
  assert.match(malformed.hint ?? "", /unset it for the default socket/);
});

test("an ssh:// engine whose host refuses the connection is ENGINE_UNREACHABLE with ssh's own words", async () => {
  const error = await unreachable({ host: "ssh://nobody@127.0.0.1:1" });
  assert.match(error.message, /^the Docker engine at ssh:\/\/nobody@127\.0\.0\.1:1 does not answer \(ESSH: ssh exited with 255: .*Connection refused/);
});

test("a TLS engine whose certificates are missing says which file, before dialling anything", async () => {
  const error = await unreachable({ host: "tcp://127.0.0.1:1", certPath: "/nonexistent-certs" });
  assert.equal(error.message, "cannot use TLS with the Docker engine at tcp://127.0.0.1:1: /nonexistent-certs/ca.pem cannot be read (ENOENT)");
  assert.match(error.hint ?? "", /docker_cert_path/);
});

test(
  "a user without access to the socket is told to join the docker group",
  { skip: process.getuid?.() !== 0 && "needs root to run a child as nobody" },
  async () => {
    const module = new URL("../../../src/engine/index.js", import.meta.url).href;
    const script = `import { connectEngine } from ${JSON.stringify(module)};
    connectEngine({ host: "unix:///var/run/docker.sock" }).then(
      () => console.log(JSON.stringify({ connected: true })),
      (e) => console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { uid: 65534, gid: 65534, cwd: "/" });
    assert.deepEqual(JSON.parse(stdout), {
      code: "ENGINE_UNREACHABLE",
      message: "permission denied on the Docker engine socket unix:///var/run/docker.sock",
      hint: "add your user to the docker group (`usermod -aG docker $USER`, then log in again), or run as root",
    });
  },
);
