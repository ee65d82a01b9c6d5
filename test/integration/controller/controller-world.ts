import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import type { Store } from "../../../src/store/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { registryPush } from "../../unit/webhooks/payloads.js";
import { GIT_ENV } from "../builder/fixture.js";

/**
 * Shared setup of the controller tests: a readable controller log, a controller started
 * from a slipway.yml written for the test, senders for signed GitHub pushes and registry
 * notifications, and a one-image git app that builds in seconds.
 */
const run = promisify(execFile);

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** The controller's pino log, as parsed JSON lines. */
export interface LogCapture {
  readonly stream: NodeJS.WritableStream;
  readonly lines: LogLine[];
  /** Resolves with the first line `match` accepts, waiting up to `timeoutMs` for it. */
  waitFor(match: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine>;
}

export function captureLog(): LogCapture {
  const lines: LogLine[] = [];
  let rest = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const text = rest + chunk.toString();
      const parts = text.split("\n");
      rest = parts.pop() ?? "";
      for (const part of parts) if (part.trim() !== "") lines.push(JSON.parse(part) as LogLine);
      done();
    },
  });
  return {
    stream,
    lines,
    async waitFor(match, timeoutMs, what) {
      const found = await waitUntil(() => lines.find(match), timeoutMs, what);
      return found;
    },
  };
}

/** Polls `probe` every 100 ms until it returns something other than undefined or false. */
export async function waitUntil<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

/** `promise`, or a failure naming `what` after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface StartedController {
  readonly controller: Controller;
  readonly log: LogCapture;
}

/** Writes `yaml` as slipway.yml in `dir`, loads it and starts the controller on a free port with its log captured. */
export async function startFromConfig(input: {
  dir: string;
  yaml: readonly string[];
  stateDir: string;
  store: Store;
  engine: Engine;
  port?: number;
}): Promise<StartedController> {
  writeFileSync(join(input.dir, "slipway.yml"), [...input.yaml, ""].join("\n"));
  const loaded = await loadConfig({ cwd: input.dir, env: {} });
  const log = captureLog();
  const controller = await startController({
    loaded,
    stateDir: input.stateDir,
    store: input.store,
    engine: input.engine,
    listen: { host: "127.0.0.1", port: input.port ?? 0 },
    logger: { level: "info", stream: log.stream },
  });
  return { controller, log };
}

/**
 * slipway.yml lines for one web service (the tests' busybox server) that follows `ref` with
 * `update.auto`, blue-green, and accepts the registry's notifications with `token`; polling is
 * off in practice (`watch_interval: 1h` unless `watchInterval` says), so only a notification
 * starts an update.
 */
export function watchedServiceYaml(input: {
  service: string;
  ref: string;
  published: number;
  token: string;
  command: readonly string[];
  listen?: string;
  watchInterval?: string;
  /** update.track, written as YAML (e.g. '"^1.2"'). */
  track?: string;
}): string[] {
  return [
    "controller:",
    ...(input.listen === undefined ? [] : [`  listen: ${input.listen}`]),
    `  watch_interval: ${input.watchInterval ?? "1h"}`,
    `  webhooks: { registry: { token: ${input.token} } }`,
    "services:",
    `  ${input.service}:`,
    `    image: ${input.ref}`,
    `    command: ${JSON.stringify(input.command).replaceAll("$", "$$$$")}`,
    `    ports: ["127.0.0.1:${input.published}:8080"]`,
    "    stop_grace_period: 2s",
    "    health: { http: /, interval: 200ms, deadline: 30s }",
    `    update: { strategy: blue-green, drain: 300ms, auto: true${input.track === undefined ? "" : `, track: ${input.track}`} }`,
  ];
}

export interface Answer {
  readonly status: number;
  readonly ms: number;
  readonly body: string;
}

/** POSTs one signed GitHub push delivery. */
export async function sendGithubPush(
  controllerUrl: string,
  secret: string,
  push: { remote: string; branch: string; commit: string; delivery: string },
): Promise<Answer> {
  const payload = JSON.stringify({ ref: `refs/heads/${push.branch}`, after: push.commit, deleted: false, repository: { clone_url: push.remote } });
  const signature = `sha256=${createHmac("sha256", secret).update(payload).digest("hex")}`;
  return post(`${controllerUrl}/hooks/github`, payload, {
    "content-type": "application/json",
    "x-github-event": "push",
    "x-github-delivery": push.delivery,
    "x-hub-signature-256": signature,
  });
}

/** POSTs the distribution registry's notification envelope for a manifest push of host/repository:tag. */
export async function sendRegistryPush(
  controllerUrl: string,
  token: string,
  push: { host: string; repository: string; tag: string; id: string; digest?: string },
): Promise<Answer> {
  const body = registryPush({
    host: push.host,
    repository: push.repository,
    tag: push.tag,
    ids: [`${push.id}-layer`, `${push.id}-manifest`],
    ...(push.digest === undefined ? {} : { digest: push.digest }),
  });
  return post(`${controllerUrl}/hooks/registry`, body, {
    "content-type": "application/vnd.docker.distribution.events.v1+json",
    authorization: `Bearer ${token}`,
  });
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, body: text };
}

/** A one-image app in a bare git remote: a busybox web page FROM scratch, built in seconds. */
export interface GitApp {
  readonly remote: string;
  /** Commits `page` as www/index.html on `branch` (created from main when new) and pushes it; returns the commit. */
  commit(branch: string, page: string): Promise<string>;
}

export async function createGitApp(root: string): Promise<GitApp> {
  const remote = join(root, "app.git");
  const work = join(root, "app-work");
  mkdirSync(join(work, "www"), { recursive: true });
  const git = async (...args: string[]): Promise<string> => (await run("git", args, { cwd: work, env: GIT_ENV })).stdout.trim();
  await run("git", ["init", "--quiet", "--bare", "-b", "main", "--", remote], { env: GIT_ENV });
  await git("init", "--quiet", "-b", "main");
  copyFileSync("/bin/busybox", join(work, "busybox"));
  chmodSync(join(work, "busybox"), 0o755);
  writeFileSync(
    join(work, "Dockerfile"),
    ["FROM scratch", "COPY busybox /bin/busybox", 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', "COPY www /www", ""].join("\n"),
  );
  writeFileSync(join(work, "www", "index.html"), "main");
  await git("add", "--all");
  await git("commit", "--quiet", "-m", "the app");
  await git("push", "--quiet", "--", remote, "HEAD:refs/heads/main");
  const branches = new Set(["main"]);
  return {
    remote,
    async commit(branch, page) {
      if (!branches.has(branch)) {
        await git("checkout", "--quiet", "-b", branch, "main");
        branches.add(branch);
      } else await git("checkout", "--quiet", branch);
      writeFileSync(join(work, "www", "index.html"), page);
      await git("commit", "--quiet", "--allow-empty", "-am", `page: ${page}`);
      await git("push", "--quiet", "--", remote, `HEAD:refs/heads/${branch}`);
      return git("rev-parse", "HEAD");
    },
  };
}

/**
 * slipway.yml lines for a GitApp built as image `web` and served by `service` in environment
 * test1, fed by the branch test.1; blue-green behind Caddy on `published`.
 */
export function gitAppYaml(input: { registry: string; remote: string; service: string; published: number; labels: Record<string, string> }): string[] {
  return [
    `registry: ${input.registry}`,
    "sources:",
    `  app: { repo: ${input.remote}, branch: main }`,
    "images:",
    `  web: { context: "app:", labels: ${JSON.stringify(input.labels)} }`,
    "environments:",
    "  test1: { branches: [test.1] }",
    "services:",
    `  ${input.service}:`,
    "    image: web",
    `    command: ${JSON.stringify(["sh", "-c", 'trap "exit 0" TERM; httpd -f -p 8080 -h /www & wait'])}`,
    `    ports: ["127.0.0.1:${input.published}:8080"]`,
    "    stop_grace_period: 2s",
    "    health: { http: /, interval: 200ms, deadline: 30s }",
    "    update: { strategy: blue-green, drain: 300ms }",
  ];
}

/** Start/finish intervals that overlap, as text for a failure message (none: []). */
export function overlaps(records: readonly { id: number; startedAt: Date; finishedAt?: Date | undefined }[]): string[] {
  const sorted = [...records].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const found: string[] = [];
  for (let i = 1; i < sorted.length; i += 1) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (previous === undefined || current === undefined) continue;
    const end = previous.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY;
    if (end > current.startedAt.getTime())
      found.push(`#${previous.id} (until ${previous.finishedAt?.toISOString() ?? "never"}) and #${current.id} (from ${current.startedAt.toISOString()})`);
  }
  return found;
}
