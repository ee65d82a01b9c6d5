import type { Config } from "../config/index.js";
import type { AutoUpdate } from "../config/service-update.js";
import { currentRevision, deployService, specFromConfig, type DeployPorts, type DeployRequest, type DeployResult } from "../deploy/index.js";
import { isSlipwayError, SlipwayError } from "../errors/index.js";
import type { RevisionRecord } from "../store/index.js";
import type { TagTrack } from "../config/index.js";
import { formatReference, normalizeReference, parseReference } from "../reference/index.js";
import { digestsFor, pinnedReference, pullFollowed, tagDigestAfterNotice, type RegistrySource } from "./tag-digest.js";
import { chooseTag } from "./track-tags.js";

export interface ServiceUpdatePorts {
  readonly deploy: DeployPorts;
  readonly registries: RegistrySource;
  /** How the update is deployed: the application's one deploy path (src/app runDeployment); deployService on `deploy` when absent. */
  readonly run?: (request: DeployRequest) => Promise<DeployResult>;
}

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

export type ServiceUpdateStatus = "current" | "updated" | "available" | "failed";

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
  const followed = await tagDigestAfterNotice(ports.registries, reference, request.announced, (digest) => running.includes(digest));
  const base = { service, environment, tag: followed.tag, digest: followed.digest };
  const previousDigest = running.includes(followed.digest) ? followed.digest : running[0];
  const report = { ...base, ...(previousDigest === undefined ? {} : { previousDigest }) };
  if (previousDigest === followed.digest) return { ...report, status: "current" };

  const key = `auto-update:${service}:${environment}`;
  if (auto === "monitor") {
    const seen = await deploy.store.getWatch(`${key}:announced`);
    if (seen?.value !== followed.digest) await deploy.store.setWatch(`${key}:announced`, followed.digest);
    return { ...report, status: "available", firstSeen: seen?.value !== followed.digest };
  }
  const failedBefore = await deploy.store.getWatch(`${key}:failed`);
  if (failedBefore?.value === followed.digest) {
    return { ...report, status: "failed", error: `digest ${followed.digest} of ${reference} failed to deploy before; waiting for the tag to move on` };
  }

  const credentials = await deploy.credentialsFor?.(declared.image);
  await pullFollowed(deploy.engine, followed, credentials);
  const image = pinnedReference(followed);
  const spec = specFromConfig({ config, configDir: request.configDir, service, environment, image });
  deploy.log(`auto-update: ${service} (${environment}) ${reference} moved to ${followed.digest}`);
  try {
    const run = ports.run ?? ((deployRequest: DeployRequest) => deployService(deploy, deployRequest));
    const result = await run({ spec, trigger: "auto-update", ...(request.waitMs === undefined ? {} : { waitMs: request.waitMs }) });
    if (result.status === "unchanged") return { ...report, status: "current", revision: result.revision };
    return { ...report, status: "updated", revision: result.revision };
  } catch (error) {
    if (!isSlipwayError(error, "DEPLOY_FAILED")) throw error;
    await deploy.store.setWatch(`${key}:failed`, followed.digest);
    return { ...report, status: "failed", error: error.message };
  }
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
