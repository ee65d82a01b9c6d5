import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { SlipwayError } from "../errors/index.js";
import { initialConfig } from "../proxy/index.js";

const run = promisify(execFile);

/** The image repository of the proxy Slipway runs on each host. */
export const PROXY_IMAGE = "slipway-proxy";
/** Caddy's admin API inside the proxy container: the host's loopback only (the container shares the host's network). */
export const HOST_PROXY_ADMIN = "127.0.0.1:20190";
/** Where the image keeps its start-up config; the data volume holds Caddy's autosave and state. */
const CONFIG_PATH = "/etc/slipway/caddy.json";
export const DATA_PATH = "/data";

export interface ProxyImageInputs {
  /** The Caddy executable (realpath), e.g. /usr/bin/caddy. */
  readonly caddy: string;
  /** The shared libraries and loader it needs, as `ldd` lists them. */
  readonly libraries: readonly string[];
  /** A static busybox: its nc carries admin requests from the engine's exec to Caddy's loopback port. */
  readonly busybox: string;
  /** `caddy version`, first word, e.g. v2.6.2. */
  readonly version: string;
  /** The CPU architecture they run on, as Docker names it (amd64, arm64): this machine's. */
  readonly arch: string;
}

/** Node's name of a CPU architecture as Docker's engine reports it (GOARCH). */
export function dockerArch(nodeArch: string): string {
  const names: Record<string, string> = { x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };
  return names[nodeArch] ?? nodeArch;
}

/**
 * The absolute paths in `ldd` output (libraries resolved to files, and the loader); pure.
 * A statically linked binary lists none.
 */
export function lddPaths(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split("\n")) {
    const resolved = /=>\s+(\/\S+)\s+\(0x/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (resolved?.[1] !== undefined) paths.add(resolved[1]);
  }
  return [...paths];
}

/** The image tag: Caddy's version and a digest of every file and setting that goes in, so any change builds a new one. */
export function proxyImageTag(inputs: ProxyImageInputs, contents: (path: string) => Buffer): string {
  const hash = createHash("sha256");
  for (const path of [inputs.caddy, ...inputs.libraries, inputs.busybox]) hash.update(path).update(contents(path));
  hash.update(dockerfile()).update(JSON.stringify(initialConfig(HOST_PROXY_ADMIN)));
  const version = inputs.version.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 40) || "unknown";
  return `${PROXY_IMAGE}:${version}-${hash.digest("hex").slice(0, 12)}`;
}

function dockerfile(): string {
  return [
    "FROM scratch",
    "COPY root/ /",
    `ENV XDG_CONFIG_HOME=${DATA_PATH}/config XDG_DATA_HOME=${DATA_PATH}/data`,
    `VOLUME ${DATA_PATH}`,
    'ENTRYPOINT ["/usr/bin/caddy"]',
    // --resume: a restarted proxy comes back with the routes it last had (Caddy's autosave in the data volume)
    `CMD ["run", "--resume", "--config", "${CONFIG_PATH}"]`,
    "",
  ].join("\n");
}

/** Finds Caddy, its libraries and a static busybox on this machine. */
export async function findProxyImageInputs(caddyBinary = "caddy", busyboxBinary = "busybox"): Promise<ProxyImageInputs> {
  const { caddy, busybox } = proxyImageExecutables(caddyBinary, busyboxBinary);
  const linked = await run("ldd", [busybox]).then(
    (r) => lddPaths(r.stdout),
    () => [],
  );
  if (linked.length > 0) throw missing("a static busybox", `${busybox} is dynamically linked`, "install busybox-static (apt-get install busybox-static)");
  const libraries = await run("ldd", [caddy]).then(
    (r) => lddPaths(r.stdout),
    () => [], // "not a dynamic executable": a static Caddy needs nothing beside it
  );
  const { stdout } = await run(caddy, ["version"]);
  return { caddy, libraries, busybox, version: stdout.trim().split(/\s+/)[0] ?? "unknown", arch: dockerArch(process.arch) };
}

/**
 * Writes the build context (Dockerfile, then every file under root/ at its own absolute path)
 * into a new temporary directory; the caller removes it.
 */
export function writeProxyImageContext(inputs: ProxyImageInputs): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-proxy-image-"));
  const root = join(dir, "root");
  const place = (source: string, target: string) => {
    mkdirSync(dirname(join(root, target)), { recursive: true });
    copyFileSync(source, join(root, target));
  };
  place(inputs.caddy, "/usr/bin/caddy");
  for (const library of inputs.libraries) place(library, library);
  place(inputs.busybox, "/bin/busybox");
  mkdirSync(dirname(join(root, CONFIG_PATH)), { recursive: true });
  writeFileSync(join(root, CONFIG_PATH), JSON.stringify(initialConfig(HOST_PROXY_ADMIN), null, 2));
  writeFileSync(join(dir, "Dockerfile"), dockerfile());
  return dir;
}

/** Where Caddy and busybox are on this machine (real paths); PROXY_FAILED saying what to install when one is not. */
export function proxyImageExecutables(caddyBinary = "caddy", busyboxBinary = "busybox"): { caddy: string; busybox: string } {
  return {
    caddy: resolveExecutable(caddyBinary, "Caddy", "install it (apt-get install caddy)"),
    busybox: resolveExecutable(busyboxBinary, "busybox", "install busybox-static (apt-get install busybox-static)"),
  };
}

export const readContents = (path: string): Buffer => readFileSync(path);

function resolveExecutable(name: string, what: string, hint: string): string {
  const path = name.includes("/") ? name : which(name);
  if (path === undefined) throw missing(what, `${name} is not on PATH`, hint);
  try {
    return realpathSync(path);
  } catch (error) {
    throw missing(what, `${path} does not exist`, hint, error);
  }
}

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      realpathSync(candidate);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function missing(what: string, why: string, hint: string, cause?: unknown): SlipwayError {
  return new SlipwayError("PROXY_FAILED", `cannot build the hosts' proxy image: ${what} is needed and ${why}`, {
    hint,
    ...(cause === undefined ? {} : { cause }),
  });
}
