import * as z from "zod";
import { bareMediaType, isImageManifestMediaType, isIndexMediaType } from "./media-types.js";

/** Lenient: what registries send is read for the fields Slipway uses; the rest is kept as sent. */
const platformSchema = z.looseObject({
  os: z.string().catch(""),
  architecture: z.string().catch(""),
  variant: z.string().optional().catch(undefined),
});

const descriptorSchema = z.looseObject({
  mediaType: z.string().catch(""),
  digest: z.string(),
  size: z.number().catch(0),
  platform: platformSchema.optional().catch(undefined),
});

const manifestBodySchema = z.looseObject({
  schemaVersion: z.number().optional().catch(undefined),
  mediaType: z.string().optional().catch(undefined),
  config: descriptorSchema.optional().catch(undefined),
  layers: z.array(descriptorSchema).optional().catch(undefined),
  manifests: z.array(descriptorSchema).optional().catch(undefined),
  annotations: z.record(z.string(), z.string()).optional().catch(undefined),
});

export type Platform = z.infer<typeof platformSchema>;
export type Descriptor = z.infer<typeof descriptorSchema>;
export type ManifestBody = z.infer<typeof manifestBodySchema>;

/** A manifest as the registry serves it: an image manifest, or an index (manifest list) of them. */
export interface Manifest {
  readonly mediaType: string;
  /** The manifest's own digest: what `repository@digest` pins. */
  readonly digest: string;
  readonly kind: "image" | "index";
  readonly body: ManifestBody;
}

/** Reads a manifest body; undefined when it is not a JSON object. */
export function parseManifestBody(text: string): ManifestBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = manifestBodySchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Index or image: by the body's mediaType, else the Content-Type, else the shape. */
export function manifestKind(body: ManifestBody, contentType: string | null): { kind: "image" | "index"; mediaType: string } | undefined {
  const mediaType = body.mediaType ?? bareMediaType(contentType) ?? "";
  if (isIndexMediaType(mediaType)) return { kind: "index", mediaType };
  if (isImageManifestMediaType(mediaType)) return { kind: "image", mediaType };
  if (body.manifests !== undefined) return { kind: "index", mediaType };
  if (body.config !== undefined) return { kind: "image", mediaType };
  return undefined;
}

const NODE_ARCHITECTURES: Readonly<Record<string, string>> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

/** The platform this process runs on, in OCI terms (linux/amd64); images run on Linux. */
export function hostPlatform(): Platform {
  return { os: "linux", architecture: NODE_ARCHITECTURES[process.arch] ?? process.arch };
}

export const DEFAULT_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

/** The index entry for the first of `wanted` it has (a variant counts only when asked for). */
export function choosePlatform(manifests: readonly Descriptor[], wanted: readonly Platform[]): Descriptor | undefined {
  for (const platform of wanted) {
    const match = manifests.find((entry) => entry.platform !== undefined && samePlatform(entry.platform, platform));
    if (match !== undefined) return match;
  }
  return undefined;
}

function samePlatform(offered: Platform, wanted: Platform): boolean {
  if (offered.os !== wanted.os || offered.architecture !== wanted.architecture) return false;
  return wanted.variant === undefined || offered.variant === wanted.variant;
}

export function describePlatforms(manifests: readonly Descriptor[]): string {
  const names = manifests.flatMap((entry) => (entry.platform === undefined ? [] : [platformName(entry.platform)]));
  return names.length === 0 ? "none" : names.join(", ");
}

export function platformName(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined && part !== "").join("/");
}
