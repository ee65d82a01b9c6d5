import { createHash } from "node:crypto";

/**
 * Pushes a tiny image straight through the distribution API (blob uploads, then the manifest
 * by tag), as `docker push` does, so the registry sends its real notifications. Returns the
 * manifest digest the registry reports.
 */
export async function pushTinyImage(registryUrl: string, repository: string, tag: string, seed: string): Promise<string> {
  const layer = Buffer.from(`layer ${seed}`);
  const config = Buffer.from(
    JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [digestOf(layer)] }, config: { Env: [`SEED=${seed}`] } }),
  );
  await uploadBlob(registryUrl, repository, layer);
  await uploadBlob(registryUrl, repository, config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: { mediaType: "application/vnd.docker.container.image.v1+json", size: config.length, digest: digestOf(config) },
    layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: layer.length, digest: digestOf(layer) }],
  });
  const response = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
    method: "PUT",
    headers: { "content-type": "application/vnd.docker.distribution.manifest.v2+json" },
    body: manifest,
  });
  if (response.status !== 201) throw new Error(`manifest PUT answered ${response.status}: ${await response.text()}`);
  return response.headers.get("docker-content-digest") ?? digestOf(Buffer.from(manifest));
}

async function uploadBlob(registryUrl: string, repository: string, blob: Buffer): Promise<void> {
  const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: "POST" });
  const location = start.headers.get("location");
  if (start.status !== 202 || location === null) throw new Error(`blob upload start answered ${start.status}`);
  const url = new URL(location, registryUrl);
  url.searchParams.set("digest", digestOf(blob));
  const put = await fetch(url, { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: blob });
  if (put.status !== 201) throw new Error(`blob PUT answered ${put.status}: ${await put.text()}`);
}

function digestOf(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
