import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Engine } from "../../../src/engine/index.js";
import { ensureBaseImage } from "../../harness/base-image.js";
import { RUN_LABEL, TEST_LABEL, testLabels, testRunId } from "../../harness/labels.js";

const run = promisify(execFile);

/** The docker CLI, as a Watchtower user would run it (argv, never a shell string). */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run("docker", args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** The CLI flags that label a resource for this test run's cleanup. */
export function labelFlags(): string[] {
  return ["--label", `${TEST_LABEL}=1`, "--label", `${RUN_LABEL}=${testRunId}`];
}

/**
 * Builds an image on the busybox base whose own defaults differ by version: ENV GREETING,
 * LABEL org.example.version, and a CMD that records $GREETING in /data/seen-$GREETING.
 */
export async function buildVersion(engine: Engine, ref: string, version: string): Promise<string> {
  const base = await ensureBaseImage(engine);
  const dir = mkdtempSync(join(tmpdir(), "slipway-autoupdate-"));
  try {
    const cmd = JSON.stringify(["sh", "-c", 'mkdir -p /data; touch "/data/seen-$GREETING"; trap "exit 0" TERM; while true; do sleep 1; done']);
    writeFileSync(
      join(dir, "Dockerfile"),
      [`FROM ${base}`, `ENV GREETING=${version} MODE=image`, `LABEL org.example.version=${version} org.example.ref=${ref}`, `CMD ${cmd}`, ""].join("\n"),
    );
    await engine.build({ contextDir: dir, tags: [ref], labels: testLabels() });
    const image = await engine.inspectImage(ref);
    if (image === undefined) throw new Error(`built ${ref}, but the engine has no such image`);
    return image.id;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `docker inspect` of a container, as JSON. */
export async function inspect(name: string): Promise<InspectView> {
  return (JSON.parse(await docker("inspect", "--type", "container", "--", name)) as InspectView[])[0] as InspectView;
}

export interface InspectView {
  Id: string;
  Name: string;
  Image: string;
  State: { Running: boolean };
  Config: { Env: string[]; Labels: Record<string, string>; Healthcheck?: unknown; Cmd?: string[]; Image: string };
  HostConfig: { Binds: string[] | null; RestartPolicy: unknown; Memory: number; NetworkMode: string; PortBindings: unknown; Mounts?: unknown };
  NetworkSettings: { Networks: Record<string, { Aliases: string[] | null; IPAMConfig: { IPv4Address?: string } | null; IPAddress: string }> };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
}

/** A /24 on 10.x unlikely to clash with another test's network. */
export function randomSubnet(): { subnet: string; address: string } {
  const a = 100 + Math.floor(Math.random() * 150);
  const b = Math.floor(Math.random() * 250);
  return { subnet: `10.${a}.${b}.0/24`, address: `10.${a}.${b}.7` };
}
