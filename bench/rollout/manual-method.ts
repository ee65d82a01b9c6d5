import { httpdCommand } from "../../test/harness/base-image.js";
import { testLabels, testName } from "../../test/harness/labels.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import { docker } from "./docker-cli.js";
import type { Images, Method } from "./method.js";

/** `docker run -d` argv for the web image on 127.0.0.1:`port`, with this run's labels. */
export function runArgs(name: string, image: string, port: number): string[] {
  const labels = Object.entries(testLabels()).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
  return ["run", "-d", "--name", name, ...labels, "-p", `127.0.0.1:${port}:8080`, "--", image, ...httpdCommand(8080)];
}

/** What Watchtower does and what people do by hand: stop the old container, remove it, run the new one on the same port. */
export function manualMethod(images: Images): Method {
  let port = 0;
  let current: string | undefined;
  const remove = async (): Promise<void> => {
    if (current !== undefined) await docker(["rm", "-f", "--", current]);
    current = undefined;
  };
  return {
    id: "manual",
    label: "docker stop + rm + run (by hand / Watchtower)",
    async serveV1() {
      if (port === 0) port = await freePort();
      await remove();
      current = testName("bench-manual");
      await docker(runArgs(current, images.v1, port));
      return `http://127.0.0.1:${port}/`;
    },
    async updateToV2() {
      const old = current ?? "";
      await docker(["stop", "--", old]);
      await docker(["rm", "--", old]);
      current = testName("bench-manual");
      await docker(runArgs(current, images.v2, port));
    },
    close: remove,
  };
}
