import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { httpdCommand } from "../../test/harness/base-image.js";
import { testName } from "../../test/harness/labels.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import { docker, exec } from "./docker-cli.js";
import type { Images, Method } from "./method.js";
import type { SlipwayOptions } from "./slipway-methods.js";

const BIN = fileURLToPath(new URL("../../../bin/slipway.js", import.meta.url));

/**
 * `slipway deploy` as users run it: a process (`node bin/slipway.js deploy SERVICE --image V2`),
 * start-up included, on a slipway.yml of one blue-green service behind the bench's Caddy.
 */
export function cliMethod(images: Images, adminAddress: string, options: SlipwayOptions): Method {
  const dir = mkdtempSync(join(tmpdir(), "slipway-bench-cli-"));
  const service = testName("bench-cli");
  let published = 0;
  const deploy = (image: string, force: boolean): Promise<string> =>
    exec(process.execPath, [BIN, "--state-dir", join(dir, "state"), "deploy", service, "--image", image, ...(force ? ["--force"] : [])], { cwd: dir });
  return {
    id: "cli",
    label: `slipway deploy as a process (blue-green, drain ${options.drainMs} ms)`,
    async serveV1() {
      if (published === 0) {
        published = await freePort();
        const interval = options.healthIntervalMs ?? 200;
        writeFileSync(
          join(dir, "slipway.yml"),
          [
            `proxy: { admin: "http://${adminAddress}" }`,
            "services:",
            `  ${service}:`,
            `    image: ${images.v1}`,
            // $${ is Slipway's literal ${ (the command reads HTTP_BODY inside the container).
            `    command: ${JSON.stringify(httpdCommand(8080)).replaceAll("${", () => "$${")}`,
            `    ports: ["${published}:8080"]`,
            `    health: { http: /, interval: ${interval}ms, deadline: 30s }`,
            `    update: { strategy: blue-green, drain: ${options.drainMs}ms }`,
            "",
          ].join("\n"),
        );
      }
      await deploy(images.v1, false);
      return `http://127.0.0.1:${published}/`;
    },
    async updateToV2() {
      await deploy(images.v2, false);
    },
    async close() {
      const ids = (await docker(["ps", "-aq", "--filter", `label=dev.slipway.service=${service}`])).split("\n").filter((id) => id !== "");
      if (ids.length > 0) await docker(["rm", "-f", "--", ...ids]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
