/**
 * The grammars of what slipway.yml names and points at. Names of sources, images,
 * environments, services and jobs become repository names, labels and directory names,
 * so they are lowercase and start with a letter or digit.
 */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
/**
 * At most a DNS label's 63 characters (RFC 1035): a service's name is how containers on its
 * networks reach it, and names are parts of container names, labels and directories.
 */
export const NAME_MAX_LENGTH = 63;
export const NAME_RULE = "lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit";

const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?`;

/** host[:port] with an optional /namespace, and an optional http:// or https:// in front. */
export const REGISTRY_ADDRESS = new RegExp(`^(?:https?://)?${HOST}(?:/${PATH_COMPONENT})*/?$`);

/** host[:port]/path/name: the repository an image is pushed to. */
export const REPOSITORY_PATTERN = new RegExp(`^${HOST}(?:/${PATH_COMPONENT})+$`);

/** A graph image's name, as opposed to an external reference (busybox:1.36, ghcr.io/x/y). */
export function looksLikeImageName(value: string): boolean {
  return !/[/:.@]/.test(value);
}
