import type Docker from "dockerode";
import { SlipwayError } from "../errors/index.js";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { engineError, isNotFound } from "./errors.js";
import { splitImageRef } from "./image-ref.js";

/** What Slipway reads about a local image. `raw` keeps the engine's full answer. */
export interface ImageDetails {
  readonly id: string;
  readonly tags: readonly string[];
  /** repository@sha256:... for each registry the image was pushed to or pulled from. */
  readonly repoDigests: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly created: string;
  readonly size: number;
  readonly raw: Docker.ImageInspectInfo;
}

export interface ImageSummary {
  readonly id: string;
  readonly tags: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly created: Date;
  readonly size: number;
}

/** The image, or undefined when the engine has no image by that reference or ID. */
export async function inspectImage(docker: Docker, endpoint: EngineEndpoint, ref: string): Promise<ImageDetails | undefined> {
  try {
    const raw = await docker.getImage(ref).inspect();
    return {
      id: raw.Id,
      tags: raw.RepoTags ?? [],
      repoDigests: raw.RepoDigests ?? [],
      labels: raw.Config?.Labels ?? {},
      created: raw.Created,
      size: raw.Size,
      raw,
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw engineError(error, endpoint, `inspecting image ${ref}`);
  }
}

/** Lists images; `labels` keeps those carrying every given label (value "" matches any value). */
export async function listImages(
  docker: Docker,
  endpoint: EngineEndpoint,
  options: { labels?: Readonly<Record<string, string>>; reference?: string } = {},
): Promise<ImageSummary[]> {
  const filters: Record<string, string[]> = { label: labelFilters(options.labels) };
  if (options.reference !== undefined) filters.reference = [options.reference];
  try {
    const images = await docker.listImages({ filters: JSON.stringify(filters) });
    return images.map((image) => ({
      id: image.Id,
      tags: (image.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
      labels: image.Labels ?? {},
      created: new Date(image.Created * 1000),
      size: image.Size,
    }));
  } catch (error) {
    throw engineError(error, endpoint, "listing images");
  }
}

export function labelFilters(labels: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(labels ?? {}).map(([key, value]) => (value === "" ? key : `${key}=${value}`));
}

/** Gives an existing image (by reference or ID) another name. */
export async function tagImage(docker: Docker, endpoint: EngineEndpoint, source: string, target: string): Promise<void> {
  const parts = splitImageRef(target);
  if (parts.digest !== undefined) {
    throw new SlipwayError("REFERENCE_INVALID", `cannot tag an image as ${target}: a tag cannot hold a digest`);
  }
  try {
    await docker.getImage(source).tag({ repo: parts.repository, tag: parts.tag ?? "latest" });
  } catch (error) {
    if (isNotFound(error)) throw imageNotFound(source);
    throw engineError(error, endpoint, `tagging ${source} as ${target}`);
  }
}

/** Removes an image reference (or the image, by ID). Returns false when it did not exist. */
export async function removeImage(docker: Docker, endpoint: EngineEndpoint, ref: string, options: { force?: boolean } = {}): Promise<boolean> {
  try {
    await docker.getImage(ref).remove({ force: options.force ?? false });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw engineError(error, endpoint, `removing image ${ref}`);
  }
}

/** The image's labels; IMAGE_NOT_FOUND when there is no such image. */
export async function imageLabels(docker: Docker, endpoint: EngineEndpoint, ref: string): Promise<Record<string, string>> {
  const image = await inspectImage(docker, endpoint, ref);
  if (image === undefined) throw imageNotFound(ref);
  return { ...image.labels };
}

export function imageNotFound(ref: string): SlipwayError {
  return new SlipwayError("IMAGE_NOT_FOUND", `there is no image ${ref} on this Docker engine`, {
    hint: "build it or pull it first",
  });
}
