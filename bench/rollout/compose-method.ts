import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { httpdCommand } from "../../test/harness/base-image.js";
import { testLabels, testRunId } from "../../test/harness/labels.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import { exec } from "./docker-cli.js";
import type { Images, Method } from "./method.js";

/** Debian's docker-compose (1.29): change the image in the compose file, then `up -d`. */
export function composeMethod(images: Images): Method {
  const dir = mkdtempSync(join(tmpdir(), "slipway-bench-compose-"));
  const file = join(dir, "docker-compose.yml");
  const project = `slipwaybench${testRunId}`;
  let port = 0;
  const write = (image: string): void => {
    // Compose interpolates ${VAR} in the file; $$ is a literal $ for the container's shell.
    const web = { image, command: httpdCommand(8080).map((arg) => arg.replaceAll("$", "$$$$")), labels: testLabels(), ports: [`127.0.0.1:${port}:8080`] };
    writeFileSync(file, stringify({ version: "3.8", services: { web } }));
  };
  const compose = (args: readonly string[]): Promise<string> => exec("docker-compose", ["--project-name", project, "--file", file, ...args], { cwd: dir });
  return {
    id: "compose",
    label: "docker-compose up -d (1.29)",
    async serveV1() {
      if (port === 0) port = await freePort();
      write(images.v1);
      await compose(["up", "-d", "--no-color"]);
      return `http://127.0.0.1:${port}/`;
    },
    async updateToV2() {
      write(images.v2);
      await compose(["up", "-d", "--no-color"]);
    },
    async close() {
      if (port !== 0) await compose(["down", "--remove-orphans"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
