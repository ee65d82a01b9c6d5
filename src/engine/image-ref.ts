import { SlipwayError } from "../errors/index.js";

/**
 * An image reference split just enough to talk to the engine. The full distribution
 * grammar lives in src/reference; here references are validated only lightly.
 */
export interface ImageRefParts {
  /** Everything before the tag or digest: [registry/]path. */
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  /** The registry host the engine will contact (docker.io when the reference names none). */
  readonly registry: string;
}

const DOCKER_HUB = "docker.io";

export function splitImageRef(ref: string): ImageRefParts {
  if (ref === "" || /\s/.test(ref) || ref.startsWith("-") || ref.startsWith("/") || ref.endsWith(":") || ref.endsWith("/")) {
    throw new SlipwayError("REFERENCE_INVALID", `"${ref}" is not an image reference`, {
      hint: "write an image reference as [registry/]name[:tag][@digest], for example 127.0.0.1:5000/app:1.0",
    });
  }
  const at = ref.indexOf("@");
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const named = at === -1 ? ref : ref.slice(0, at);
  const slash = named.lastIndexOf("/");
  const colon = named.lastIndexOf(":");
  const hasTag = colon > slash;
  const repository = hasTag ? named.slice(0, colon) : named;
  return { repository, tag: hasTag ? named.slice(colon + 1) : undefined, digest, registry: registryOf(repository) };
}

function registryOf(repository: string): string {
  const slash = repository.indexOf("/");
  if (slash === -1) return DOCKER_HUB;
  const first = repository.slice(0, slash);
  const isHost = first.includes(".") || first.includes(":") || first === "localhost";
  return isHost ? first : DOCKER_HUB;
}

/** The `serveraddress` the engine expects in X-Registry-Auth for this registry. */
export function serverAddress(registry: string): string {
  return registry === DOCKER_HUB ? "https://index.docker.io/v1/" : registry;
}
