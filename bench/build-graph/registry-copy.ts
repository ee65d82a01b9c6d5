import { MANIFEST_ACCEPT } from "../../src/registry/index.js";

/** One image manifest as the registry stores it: its bytes, media type and the blobs it names. */
export interface StoredManifest {
  readonly repository: string;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  readonly blobs: readonly string[];
}

/** Reads a Docker v2 / OCI image manifest from a plain-HTTP (loopback) registry. */
export async function readManifest(url: string, repository: string, reference: string): Promise<StoredManifest> {
  const response = await fetch(`${url}/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT.join(", ") } });
  if (response.status !== 200) throw new Error(`GET manifest ${repository}:${reference} answered ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const body = JSON.parse(Buffer.from(bytes).toString("utf8")) as { config?: { digest?: string }; layers?: { digest?: string }[] };
  const blobs = [body.config?.digest, ...(body.layers ?? []).map((layer) => layer.digest)].filter((d): d is string => typeof d === "string");
  return { repository, mediaType: response.headers.get("content-type") ?? "", bytes, blobs };
}

/**
 * Puts `manifest` under `repository:tag`: its blobs are mounted from the repository they are
 * in (no upload), then the manifest is PUT. Three or four requests; nothing is pulled.
 */
export async function copyManifest(url: string, manifest: StoredManifest, repository: string, tag: string): Promise<void> {
  for (const digest of manifest.blobs) {
    const mount = await fetch(`${url}/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(manifest.repository)}`, {
      method: "POST",
    });
    await mount.arrayBuffer();
    if (mount.status !== 201) throw new Error(`mounting ${digest} into ${repository} answered ${mount.status} (expected 201 Created)`);
  }
  const put = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    method: "PUT",
    headers: { "content-type": manifest.mediaType },
    body: manifest.bytes,
  });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`PUT manifest ${repository}:${tag} answered ${put.status}`);
}
