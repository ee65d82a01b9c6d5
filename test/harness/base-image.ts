import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Engine } from "../../src/engine/index.js";
import { testLabels } from "./labels.js";

/** Debian's busybox-static puts its binary here (`dpkg -L busybox-static`). */
const BUSYBOX = "/bin/busybox";
export const BASE_IMAGE_REPOSITORY = "slipway-test/busybox";
export const BASE_IMAGE_LABEL = "slipway.test.base";

const DOCKERFILE = ["FROM scratch", "COPY busybox /bin/busybox", 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', ""].join("\n");

/**
 * A busybox container (sh; the TERM trap makes `docker stop` quick) serving /www over HTTP
 * on `port`. /www/index.html holds $HTTP_BODY ("ok" when unset).
 */
export function httpdCommand(port = 8080): string[] {
  const script = ["mkdir -p /www", 'printf %s "${HTTP_BODY:-ok}" > /www/index.html', 'trap "exit 0" TERM', `httpd -f -p ${port} -h /www & wait`].join("; ");
  return ["sh", "-c", script];
}

let baseImage: Promise<string> | undefined;

/**
 * The shared base image for tests, built FROM scratch from Debian's static busybox and tagged
 * by the hash of its inputs; built once and reused by later runs (per-run cleanup keeps it).
 */
export function ensureBaseImage(engine: Engine): Promise<string> {
  baseImage ??= buildBaseImage(engine);
  return baseImage;
}

async function buildBaseImage(engine: Engine): Promise<string> {
  if (!existsSync(BUSYBOX)) {
    throw new Error(`the test base image needs ${BUSYBOX}: install it with \`apt-get install -y busybox-static\``);
  }
  const busybox = readFileSync(BUSYBOX);
  const hash = createHash("sha256").update(DOCKERFILE).update(busybox).digest("hex").slice(0, 12);
  const ref = `${BASE_IMAGE_REPOSITORY}:${hash}`;
  if (await engine.inspectImage(ref)) return ref;
  const dir = mkdtempSync(join(tmpdir(), "slipway-base-"));
  try {
    copyFileSync(BUSYBOX, join(dir, "busybox"));
    chmodSync(join(dir, "busybox"), 0o755);
    writeFileSync(join(dir, "Dockerfile"), DOCKERFILE);
    await engine.build({ contextDir: dir, tags: [ref], labels: { [BASE_IMAGE_LABEL]: "1" } });
    return ref;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds, on the busybox base, an image holding `files` (path in the image -> content),
 * labelled with this run's test labels (cleanup removes it), and pushes it as `ref`.
 */
export async function pushFilesImage(engine: Engine, ref: string, files: Readonly<Record<string, string>>): Promise<void> {
  const base = await ensureBaseImage(engine);
  const dir = mkdtempSync(join(tmpdir(), "slipway-files-image-"));
  try {
    for (const [path, content] of Object.entries(files)) {
      const file = join(dir, "files", path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    writeFileSync(join(dir, "Dockerfile"), `FROM ${base}\nCOPY files/ /\n`);
    await engine.build({ contextDir: dir, tags: [ref], labels: testLabels() });
    await engine.push(ref);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
