import { apiName, apiUrl, repositoryScope, send, sha256Digest, type RegistryContext } from "./context.js";
import { manifestKind, parseManifestBody, type Manifest } from "./manifest.js";
import { MANIFEST_ACCEPT } from "./media-types.js";
import { checkDigest, checkManifestReference, checkTag, isDigest } from "./names.js";
import { failedError, notFoundError, registryMessage } from "./registry-errors.js";
import { discardBody } from "./http.js";

/**
 * The digest a tag (or digest) points at, by HEAD, with no manifest download; undefined when
 * the registry has no such manifest. A registry that sends no Docker-Content-Digest on HEAD
 * gets a GET, and the digest is computed from the bytes.
 */
export async function manifestDigest(context: RegistryContext, repository: string, reference: string): Promise<string | undefined> {
  const name = apiName(context, repository);
  const ref = checkManifestReference(reference);
  const purpose = `look up ${repository}${separator(ref)}${ref}`;
  const url = apiUrl(context, `${name}/manifests/${ref}`);
  const response = await send(context, { method: "HEAD", url, scope: repositoryScope(name, "pull"), purpose, accept: MANIFEST_ACCEPT });
  await discardBody(response);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw failedError(context.host, purpose, response.status, undefined);
  const digest = response.headers.get("docker-content-digest");
  if (digest !== null && isDigest(digest)) return digest;
  return (await fetchManifest(context, repository, ref))?.digest;
}

/** A manifest by tag or digest; REGISTRY_NOT_FOUND when the registry has none. */
export async function getManifest(context: RegistryContext, repository: string, reference: string): Promise<Manifest> {
  const manifest = await fetchManifest(context, repository, reference);
  if (manifest === undefined) throw notFoundError(context.host, `manifest ${repository}${separator(reference)}${reference}`, undefined);
  return manifest;
}

async function fetchManifest(context: RegistryContext, repository: string, reference: string): Promise<Manifest | undefined> {
  return (await fetchManifestBytes(context, repository, reference))?.manifest;
}

async function fetchManifestBytes(
  context: RegistryContext,
  repository: string,
  reference: string,
): Promise<{ manifest: Manifest; bytes: Uint8Array } | undefined> {
  const name = apiName(context, repository);
  const ref = checkManifestReference(reference);
  const purpose = `read the manifest of ${repository}${separator(ref)}${ref}`;
  const url = apiUrl(context, `${name}/manifests/${ref}`);
  const response = await send(context, { method: "GET", url, scope: repositoryScope(name, "pull"), purpose, accept: MANIFEST_ACCEPT });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = Buffer.from(bytes).toString("utf8");
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw failedError(context.host, purpose, response.status, registryMessage(text));
  const computed = sha256Digest(bytes);
  if (isDigest(ref) && computed !== ref) {
    throw failedError(context.host, purpose, 200, `the manifest it sent has the digest ${computed}, not the one asked for`);
  }
  const body = parseManifestBody(text);
  const kind = body === undefined ? undefined : manifestKind(body, response.headers.get("content-type"));
  if (body === undefined || kind === undefined) throw failedError(context.host, purpose, 200, "what it sent is not an image manifest or index");
  const header = response.headers.get("docker-content-digest");
  return { manifest: { mediaType: kind.mediaType, digest: header !== null && isDigest(header) ? header : computed, kind: kind.kind, body }, bytes };
}

/**
 * Points `tag` at a manifest already in the repository: its own bytes are PUT under the tag,
 * so its digest stays the same and no layer moves. REGISTRY_NOT_FOUND when there is no such
 * manifest.
 */
export async function tagManifest(context: RegistryContext, repository: string, digest: string, tag: string): Promise<void> {
  const name = apiName(context, repository);
  const checked = checkDigest(digest);
  const wanted = checkTag(tag);
  const found = await fetchManifestBytes(context, repository, checked);
  if (found === undefined) throw notFoundError(context.host, `manifest ${repository}@${checked}`, undefined);
  const purpose = `tag ${repository}@${checked} as ${wanted}`;
  const url = apiUrl(context, `${name}/manifests/${wanted}`);
  const response = await send(context, {
    method: "PUT",
    url,
    scope: repositoryScope(name, "pull", "push"),
    purpose,
    body: { bytes: found.bytes, contentType: found.manifest.mediaType },
  });
  const body = await response.text();
  if (response.status !== 201 && response.status !== 200) throw failedError(context.host, purpose, response.status, registryMessage(body));
}

/**
 * Deletes a manifest by digest (the registry removes every tag pointing at it). A registry that
 * does not allow deletes answers 405: REGISTRY_FAILED with the setting to change.
 */
export async function deleteManifest(context: RegistryContext, repository: string, digest: string): Promise<void> {
  const name = apiName(context, repository);
  const checked = checkDigest(digest);
  const purpose = `delete ${repository}@${checked}`;
  const url = apiUrl(context, `${name}/manifests/${checked}`);
  const response = await send(context, { method: "DELETE", url, scope: repositoryScope(name, "delete"), purpose });
  const body = await response.text();
  if (response.status === 202 || response.status === 200) return;
  if (response.status === 404) throw notFoundError(context.host, `manifest ${repository}@${checked}`, registryMessage(body));
  if (response.status === 405) {
    throw failedError(
      context.host,
      purpose,
      405,
      registryMessage(body),
      "the registry does not allow deletes: set storage.delete.enabled: true in its config (distribution), or delete in its UI",
    );
  }
  throw failedError(context.host, purpose, response.status, registryMessage(body));
}

function separator(reference: string): string {
  return reference.includes(":") ? "@" : ":";
}
