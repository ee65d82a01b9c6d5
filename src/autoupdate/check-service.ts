import type { Config } from "../config/index.js";
import type { AutoUpdate } from "../config/service-update.js";
import { currentRevision, deployService, specFromConfig, type DeployPorts, type DeployRequest, type DeployResult, type HostReport } from "../deploy/index.js";
import { isSlipwayError, SlipwayError } from "../errors/index.js";
import type { RevisionRecord } from "../store/index.js";
import type { TagTrack } from "../config/index.js";
import { formatReference, normalizeReference, parseReference } from "../reference/index.js";
import { digestsFor, pinnedReference, pullFollowed, tagDigestAfterNotice, type FollowedTag, type RegistrySource } from "./tag-digest.js";
import { chooseTag } from "./track-tags.js";
import { describeWait, soakDecision } from "./soak.js";

export interface ServiceUpdatePorts {
  readonly deploy: DeployPorts;
  readonly registries: RegistrySource;
  /** How the update is deployed: the application's one deploy path (src/app runDeployment); deployService on `deploy` when absent. */
  readonly run?: (request: DeployRequest) => Promise<DeployResult>;
  /** The clock update.min_age is measured by; the system's when absent. */
  readonly now?: () => Date;
  /**
   * The deploy gate of the service's environment (approvals, update.auto: approve, maintenance
   * windows, freezes; src/app/held-deploys.ts): "go", or the update held (queued to run when the
   * gate opens) or stopped (rejected, expired). Absent: every update runs at once, and
   * update.auto: approve is refused.
   */
  readonly gate?: (image: string) => Promise<UpdateGate>;
}

export type UpdateGate =
  { readonly kind: "go" } | { readonly kind: "held"; readonly held: number; readonly waiting: string } | { readonly kind: "stopped"; readonly text: string };

export interface ServiceUpdateRequest {
  readonly config: Config;
  readonly configDir: string;
  readonly service: string;
  readonly environment: string;
  /** Wait this long for a running deployment of the service (default: refuse with DEPLOY_LOCKED). */
  readonly waitMs?: number;
  /** The digest a registry notification announced for the tag (a hint: see tagDigestAfterNotice). */
  readonly announced?: string;
}

export type ServiceUpdateStatus = "current" | "updated" | "available" | "waiting" | "held" | "stopped" | "failed";

export interface ServiceUpdateReport {
  readonly service: string;
  readonly environment: string;
  readonly status: ServiceUpdateStatus;
  /** The tag followed: the image's own, or the one update.track chose among the repository's tags. */
  readonly tag: string;
  /** The digest the registry serves for the tag now. */
  readonly digest: string;
  /** The digest the current revision runs, when known. */
  readonly previousDigest?: string;
  /** updated: the new revision. */
  readonly revision?: number;
  /** available: false when this digest was reported before (notify once). */
  readonly firstSeen?: boolean;
  /** failed: why; the current revision kept serving. */
  readonly error?: string;
  /** waiting: what for, e.g. "min_age 2h: 47 min left" (update.min_age); held: what the deploy gate waits for. The current revision keeps running. */
  readonly waiting?: string;
  /** held: the held deploy that runs the update when its gate opens. */
  readonly held?: number;
  /** updated: what the new image says of itself (its OCI labels), for release notes. */
  readonly release?: ReleaseInfo;
  /** updated, on several hosts: what happened on each. */
  readonly hosts?: readonly HostReport[];
}

/** An image's own account of its release: the org.opencontainers.image.* labels it carries, those present. */
export interface ReleaseInfo {
  readonly version?: string;
  readonly revision?: string;
  readonly source?: string;
  readonly url?: string;
  readonly title?: string;
}

const RELEASE_LABELS = ["version", "revision", "source", "url", "title"] as const;

/** The release labels of an image (org.opencontainers.image.version, .revision, .source, .url, .title); pure. */
export function releaseInfo(labels: Readonly<Record<string, string>>): ReleaseInfo | undefined {
  const info = Object.fromEntries(
    RELEASE_LABELS.flatMap((name) => {
      const value = labels[`org.opencontainers.image.${name}`];
      return value === undefined || value === "" ? [] : [[name, value.slice(0, 500)]];
    }),
  ) as ReleaseInfo;
  return Object.keys(info).length === 0 ? undefined : info;
}

/** update.auto of a service; false when it is off or the service is unknown. */
export function autoUpdateOf(config: Config, service: string): AutoUpdate | false {
  return config.services[service]?.update.auto ?? false;
}

/** Services with update.auto on whose image is external (not one of this file's images); `tracked` when update.track picks the tag. */
export function autoUpdateServices(config: Config): { service: string; image: string; auto: AutoUpdate; tracked: boolean }[] {
  return Object.entries(config.services).flatMap(([service, declared]) => {
    const auto = declared.update.auto;
    if (auto === undefined || config.images[declared.image] !== undefined) return [];
    return [{ service, image: declared.image, auto, tracked: declared.update.track !== undefined }];
  });
}

/**
 * Checks an auto-updated service's tag in its registry and, when its digest differs from
 * the current revision's, pulls that digest and deploys it (image `repo:tag@digest`) with the
 * service's own strategy. A digest is deployed once however often this runs: the second call
 * finds it current. A digest whose deployment failed is not tried again (status failed) until
 * the tag moves on. Monitor mode only reports "available".
 */
export async function checkServiceUpdate(ports: ServiceUpdatePorts, request: ServiceUpdateRequest): Promise<ServiceUpdateReport> {
  const report = await checkOnce(ports, request);
  const last: LastUpdateCheck = {
    status: report.status,
    tag: report.tag,
    digest: report.digest,
    ...(report.waiting === undefined ? {} : { waiting: report.waiting }),
    ...(report.held === undefined ? {} : { held: report.held }),
    ...(report.error === undefined ? {} : { error: report.error }),
    checkedAt: (ports.now?.() ?? new Date()).toISOString(),
  };
  await ports.deploy.store.setWatch(lastCheckKey(request.service, request.environment), JSON.stringify(last));
  return report;
}

/** What the last auto-update check of a service decided, as `slipway status` shows it. */
export interface LastUpdateCheck {
  readonly status: ServiceUpdateStatus;
  readonly tag: string;
  readonly digest: string;
  readonly waiting?: string;
  readonly held?: number;
  readonly error?: string;
  readonly checkedAt: string;
}

function lastCheckKey(service: string, environment: string): string {
  return `auto-update:${service}:${environment}:last`;
}

/** The last auto-update check of a service in an environment, if one ran. */
export async function lastUpdateCheck(
  store: Pick<DeployPorts["store"], "getWatch">,
  service: string,
  environment: string,
): Promise<LastUpdateCheck | undefined> {
  const stored = await store.getWatch(lastCheckKey(service, environment));
  if (stored === undefined) return undefined;
  try {
    return JSON.parse(stored.value) as LastUpdateCheck;
  } catch {
    return undefined;
  }
}

async function checkOnce(ports: ServiceUpdatePorts, request: ServiceUpdateRequest): Promise<ServiceUpdateReport> {
  const { config, service, environment } = request;
  const declared = config.services[service];
  const auto = autoUpdateOf(config, service);
  if (declared === undefined || auto === false || config.images[declared.image] !== undefined) {
    throw new SlipwayError(
      "CONFIG_INVALID",
      `service ${service} is not auto-updated: ${declared === undefined ? "there is no such service" : auto === false ? "it has no update.auto" : `its image ${declared.image} is built from this file (pipelines deploy it)`}`,
      {
        hint: "set update.auto: true (or monitor) on a service whose image is external, e.g. myorg/foo:qa",
      },
    );
  }
  const { deploy } = ports;
  const current = await currentRevision(deploy, service, environment);
  const running = current === undefined ? [] : await revisionDigests(deploy, current, declared.image);
  const reference = declared.update.track === undefined ? declared.image : await trackedReference(ports.registries, declared.image, declared.update.track);
  const newest = await tagDigestAfterNotice(ports.registries, reference, request.announced, (digest) => running.includes(digest));
  const key = `auto-update:${service}:${environment}`;
  const soaked =
    declared.update.minAge === undefined
      ? { followed: newest }
      : await soakedVersion(deploy.store, key, newest, running, declared.update.minAge, ports.now?.() ?? new Date());
  const followed = soaked.followed ?? newest;
  const base = { service, environment, tag: followed.tag, digest: followed.digest };
  const previousDigest = running.includes(followed.digest) ? followed.digest : running[0];
  const report = { ...base, ...(previousDigest === undefined ? {} : { previousDigest }) };
  if (previousDigest === followed.digest) return { ...report, status: "current" };
  if (soaked.waiting !== undefined) return { ...report, status: "waiting", waiting: soaked.waiting };

  if (auto === "monitor") {
    const seen = await deploy.store.getWatch(`${key}:announced`);
    if (seen?.value !== followed.digest) await deploy.store.setWatch(`${key}:announced`, followed.digest);
    return { ...report, status: "available", firstSeen: seen?.value !== followed.digest };
  }
  const failedBefore = await deploy.store.getWatch(`${key}:failed`);
  if (failedBefore?.value === followed.digest) {
    return { ...report, status: "failed", error: `digest ${followed.digest} of ${reference} failed to deploy before; waiting for the tag to move on` };
  }

  const image = pinnedReference(followed);
  if (ports.gate === undefined && auto === "approve") {
    throw new SlipwayError("INTERNAL", `update.auto: approve of ${service} needs the deploy gate, which this check was not given`);
  }
  const gate = ports.gate === undefined ? { kind: "go" as const } : await ports.gate(image);
  if (gate.kind === "held") return { ...report, status: "held", held: gate.held, waiting: gate.waiting };
  if (gate.kind === "stopped") return { ...report, status: "stopped", error: gate.text };

  const credentials = await deploy.credentialsFor?.(declared.image);
  const imageId = await pullFollowed(deploy.engine, followed, credentials);
  const release = releaseInfo(await deploy.engine.imageLabels(imageId));
  const spec = specFromConfig({ config, configDir: request.configDir, service, environment, image });
  deploy.log(`auto-update: ${service} (${environment}) ${reference} moved to ${followed.digest}`);
  try {
    const run = ports.run ?? ((deployRequest: DeployRequest) => deployService(deploy, deployRequest));
    const result = await run({ spec, trigger: "auto-update", ...(request.waitMs === undefined ? {} : { waitMs: request.waitMs }) });
    if (result.status === "unchanged") return { ...report, status: "current", revision: result.revision };
    return {
      ...report,
      status: "updated",
      revision: result.revision,
      ...(release === undefined ? {} : { release }),
      ...(result.hosts === undefined ? {} : { hosts: result.hosts }),
    };
  } catch (error) {
    if (!isSlipwayError(error, "DEPLOY_FAILED")) throw error;
    await deploy.store.setWatch(`${key}:failed`, followed.digest);
    return { ...report, status: "failed", error: error.message };
  }
}

interface SeenVersion {
  readonly tag: string;
  readonly digest: string;
  readonly firstSeen: string;
}
const SEEN_KEPT = 50;

/**
 * update.min_age: the versions the followed tag (or the tracked newest tag) has been, in the
 * order Slipway first saw them, kept in the store; the newest that has soaked and is newer than
 * what runs is followed, or none yet (waiting, with the time left). A version seen now for the
 * first time has no known age and waits the whole min_age.
 */
async function soakedVersion(
  store: DeployPorts["store"],
  key: string,
  newest: FollowedTag,
  running: readonly string[],
  minAgeMs: number,
  now: Date,
): Promise<{ followed?: FollowedTag; waiting?: string }> {
  const stored = await store.getWatch(`${key}:seen`);
  let seen: SeenVersion[] = [];
  try {
    seen = stored === undefined ? [] : (JSON.parse(stored.value) as SeenVersion[]);
  } catch {
    seen = []; // an unreadable record starts the history again: every version waits its min_age
  }
  if (!seen.some((v) => v.tag === newest.tag && v.digest === newest.digest)) {
    seen = [...seen, { tag: newest.tag, digest: newest.digest, firstSeen: now.toISOString() }].slice(-SEEN_KEPT);
    await store.setWatch(`${key}:seen`, JSON.stringify(seen), now);
  }
  const newerFirst: SeenVersion[] = [];
  for (const version of [...seen].reverse()) {
    if (running.includes(version.digest)) break;
    newerFirst.push(version);
  }
  const decision = soakDecision(
    newerFirst.map((v, index) => ({ id: String(index), firstSeen: new Date(v.firstSeen) })),
    now,
    minAgeMs,
  );
  const pick = (id: string): FollowedTag | undefined => {
    const version = newerFirst[Number(id)];
    return version === undefined ? undefined : { written: newest.written, tag: version.tag, digest: version.digest };
  };
  if (decision.kind === "take") {
    const followed = pick(decision.candidate.id);
    return followed === undefined ? {} : { followed };
  }
  if (decision.kind === "wait") return { waiting: describeWait(minAgeMs, decision.leftMs) };
  return {};
}

/**
 * The image's repository at the tag `track` takes among the repository's tags now, e.g.
 * myorg/foo:1.3.0 for myorg/foo:1.2.0 with track ^1.2. REGISTRY_NOT_FOUND when none qualifies.
 */
async function trackedReference(registries: RegistrySource, image: string, track: TagTrack): Promise<string> {
  const normalized = normalizeReference(image);
  const tags = await registries.client(normalized.domain).listTags(normalized.path);
  const chosen = chooseTag(tags, track);
  if (chosen === undefined) {
    const rule = track.kind === "semver" ? `semver ${track.range}${track.prereleases ? " (pre-releases too)" : ""}` : `match ${track.pattern}`;
    throw new SlipwayError(
      "REGISTRY_NOT_FOUND",
      `no tag of ${normalized.path} in ${normalized.domain} fits update.track (${rule}): ${tags.length} tags, none of them fits`,
      {
        hint: "push a tag that fits, or widen update.track",
      },
    );
  }
  return formatReference({ ...parseReference(image), tag: chosen, digest: undefined });
}

/**
 * The digests a revision runs: recorded, or in its image reference (repo:tag@digest), or
 * the repository digests of its local image (a revision deployed by tag).
 */
async function revisionDigests(ports: Pick<DeployPorts, "engine">, revision: RevisionRecord, reference: string): Promise<string[]> {
  if (revision.digest !== undefined) return [revision.digest];
  const at = revision.image.indexOf("@");
  if (at !== -1) return [revision.image.slice(at + 1)];
  if (revision.imageId === undefined) return [];
  const image = await ports.engine.inspectImage(revision.imageId);
  return image === undefined ? [] : digestsFor(image.repoDigests, reference);
}
