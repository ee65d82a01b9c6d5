/**
 * The distribution reference grammar (github.com/distribution/reference, regexp.go), anchored.
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [domain '/'] path-component ['/' path-component]*
 *   domain           := host [':' port-number]
 *   host             := domain-name | '[' IPv6address ']'
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   path-component   := /[a-z0-9]+/ [separator /[a-z0-9]+/]*   separator := /[._]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := algorithm ":" /[0-9a-fA-F]{32,}/, then checked per algorithm (go-digest)
 */
const DOMAIN_NAME_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const IPV6_ADDRESS = "\\[[a-fA-F0-9:]+\\]";

export const DOMAIN_AND_PORT = new RegExp(`^(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?$`);
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
export const TAG = /^\w[\w.-]{0,127}$/;
export const TAG_MAX_LENGTH = 128;
export const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** A 64-hex image ID; Docker refuses it as a repository name, since it would be ambiguous. */
export const IDENTIFIER = /^[a-f0-9]{64}$/;
/** The longest repository path a registry accepts (RepositoryNameTotalLengthMax). */
export const PATH_MAX_LENGTH = 255;

/** The digest algorithms Docker registers, with the hex length of each. */
export const DIGEST_HEX_LENGTHS: ReadonlyMap<string, number> = new Map([
  ["sha256", 64],
  ["sha384", 96],
  ["sha512", 128],
]);

/** Docker reads the first component of a name as a registry when it could not be a Hub namespace. */
export function looksLikeDomain(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost";
}
