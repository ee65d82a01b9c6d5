import { httpdCommand } from "../../test/harness/base-image.js";
import { testName } from "../../test/harness/labels.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import { docker } from "./docker-cli.js";
import { runArgs } from "./manual-method.js";
import type { Images, Method } from "./method.js";

/**
 * What a skilled user scripts for blue-green without Slipway: `docker pull` the new image,
 * `docker run` it beside the old on a new port, poll it until it answers, repoint Caddy at it
 * through the admin API (one PATCH of the upstream), wait the drain, remove the old container.
 */
export function scriptMethod(images: Images, adminAddress: string, drainMs: number): Method {
  const server = `bench-script-${testName("s").split("-").slice(-2).join("-")}`;
  let published = 0;
  let current: string | undefined;
  const admin = (method: string, path: string, body: unknown): Promise<void> =>
    fetch(`http://${adminAddress}${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (answer) => {
      if (!answer.ok) throw new Error(`Caddy admin ${method} ${path}: HTTP ${answer.status} ${await answer.text()}`);
    });
  const start = async (image: string): Promise<{ name: string; port: number }> => {
    const name = testName("bench-script");
    const port = await freePort();
    await docker(runArgs(name, image, port));
    return { name, port };
  };
  return {
    id: "script",
    label: "hand-written blue-green (docker run, poll, repoint Caddy, stop old)",
    async serveV1() {
      if (published === 0) published = await freePort();
      if (current !== undefined) await docker(["rm", "-f", "--", current]);
      const v1 = await start(images.v1);
      current = v1.name;
      await waitForAnswer(v1.port, "v1");
      await admin("PUT", `/config/apps/http/servers/${server}`, {
        listen: [`127.0.0.1:${published}`],
        routes: [{ handle: [{ handler: "reverse_proxy", upstreams: [{ dial: `127.0.0.1:${v1.port}` }] }] }],
      }).catch(() => admin("PATCH", `/config/apps/http/servers/${server}/routes/0/handle/0/upstreams`, [{ dial: `127.0.0.1:${v1.port}` }]));
      return `http://127.0.0.1:${published}/`;
    },
    async updateToV2() {
      await docker(["pull", "--quiet", images.v2]).catch(() => undefined); // local-only image: the check is what a script pays
      const v2 = await start(images.v2);
      await waitForAnswer(v2.port, "v2");
      await admin("PATCH", `/config/apps/http/servers/${server}/routes/0/handle/0/upstreams`, [{ dial: `127.0.0.1:${v2.port}` }]);
      const old = current;
      current = v2.name;
      // Requests already on their way to the old container finish first, as a careful script lets them.
      await new Promise((resolve) => setTimeout(resolve, drainMs));
      if (old !== undefined) await docker(["rm", "-f", "--", old]);
    },
    async close() {
      if (current !== undefined) await docker(["rm", "-f", "--", current]).catch(() => undefined);
      await fetch(`http://${adminAddress}/config/apps/http/servers/${server}`, { method: "DELETE" }).catch(() => undefined);
    },
  };
}

/** Polls GET / every 10 ms until it answers `version` (what `until curl ...; do sleep 0.01; done` does). */
async function waitForAnswer(port: number, version: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const body = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) })
      .then((answer) => answer.text())
      .catch(() => "");
    if (body.includes(version)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`127.0.0.1:${port} did not answer ${version} in 30 s (${httpdCommand(8080).join(" ")})`);
}
