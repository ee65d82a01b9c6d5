import { apiName, apiUrl, repositoryScope, send, sha256Digest, type RegistryContext } from "./context.js";
import { parseImageConfig, type ImageConfig } from "./image-config.js";
import { choosePlatform, DEFAULT_PLATFORM, describePlatforms, hostPlatform, platformName, type Manifest, type Platform } from "./manifest.js";
import { getManifest } from "./manifests.js";
import { checkDigest } from "./names.js";
import { failedError, notFoundError, registryMessage } from "./registry-errors.js";

export interface ImageConfigOptions {
  /** For a multi-platform image: which platform's config. Default: this host's, else linux/amd64. */
  readonly platform?: Platform;
}

/**
 * The image config (labels at `config.Labels`, env, entrypoint…) of a tag or digest. For an
 * index (multi-platform image) it reads the entry for the wanted platform.
 */
export async function getImageConfig(context: RegistryContext, repository: string, reference: string, options: ImageConfigOptions = {}): Promise<ImageConfig> {
  const manifest = await imageManifest(context, repository, reference, options.platform);
  const config = manifest.body.config;
  if (config === undefined) throw failedError(context.host, `read the image config of ${repository}`, 200, `manifest ${manifest.digest} names no config`);
  return fetchConfigBlob(context, repository, checkDigest(config.digest));
}

async function imageManifest(context: RegistryContext, repository: string, reference: string, platform: Platform | undefined): Promise<Manifest> {
  const manifest = await getManifest(context, repository, reference);
  if (manifest.kind === "image") return manifest;
  const entries = manifest.body.manifests ?? [];
  const wanted = platform === undefined ? [hostPlatform(), DEFAULT_PLATFORM] : [platform];
  const entry = choosePlatform(entries, wanted);
  if (entry === undefined) {
    throw notFoundError(context.host, `${wanted.map(platformName).join(" or ")} image in ${repository} ${reference}`, `it has: ${describePlatforms(entries)}`);
  }
  const chosen = await getManifest(context, repository, checkDigest(entry.digest));
  if (chosen.kind !== "image")
    throw failedError(context.host, `read the image config of ${repository}`, 200, `index entry ${entry.digest} is not an image manifest`);
  return chosen;
}

async function fetchConfigBlob(context: RegistryContext, repository: string, digest: string): Promise<ImageConfig> {
  const name = apiName(context, repository);
  const purpose = `read the image config ${digest} of ${repository}`;
  const url = apiUrl(context, `${name}/blobs/${digest}`);
  const response = await send(context, { method: "GET", url, scope: repositoryScope(name, "pull"), purpose });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = Buffer.from(bytes).toString("utf8");
  if (response.status === 404) throw notFoundError(context.host, `blob ${digest} in ${repository}`, registryMessage(text));
  if (response.status !== 200) throw failedError(context.host, purpose, response.status, registryMessage(text));
  if (sha256Digest(bytes) !== digest) throw failedError(context.host, purpose, 200, "the blob it sent does not match its digest");
  const config = parseImageConfig(text);
  if (config === undefined) throw failedError(context.host, purpose, 200, "the blob is not an image config (JSON object)");
  return config;
}
