import { DIGEST, DIGEST_HEX_LENGTHS, DOMAIN_AND_PORT, PATH_COMPONENT, PATH_MAX_LENGTH, TAG, TAG_MAX_LENGTH } from "./grammar.js";
import { quote } from "./reference-error.js";
import type { Problem } from "./types.js";

/**
 * Each function names what is wrong with one part of a reference, or returns undefined when
 * the part follows the grammar. The parser, the validators and the formatter share them, so
 * a part is judged the same way wherever it comes from.
 */
const EXAMPLE = "registry.example.com:5000/my-org/app1-prod:20180923T082316Z";
const PATH_HINT =
  "a repository path is lowercase components separated by `/`, each of letters and digits joined by one `.`, one or two `_`, or dashes (e.g. my-org/app1-prod)";
const TAG_HINT = "a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-` (e.g. 20180923T082316Z)";
const DIGEST_HINT = "a digest is an algorithm and lowercase hex digits, e.g. sha256:0123…cdef with 64 hex digits";

/** Characters that must never reach a command line, a file path or a log line unescaped. */
export function textProblem(text: string): Problem | undefined {
  if (text === "") return { what: "it is empty", hint: `write a reference such as ${EXAMPLE}` };
  if (hasControlCharacter(text)) {
    return { what: "it contains control characters", hint: `remove them; a reference looks like ${EXAMPLE}` };
  }
  if (/\s/.test(text)) return { what: "it contains whitespace", hint: `remove it; a reference looks like ${EXAMPLE}` };
  if (text.startsWith("-")) {
    return { what: "it starts with `-`, so a program could read it as an option", hint: `a reference starts with a letter or digit, e.g. ${EXAMPLE}` };
  }
  return undefined;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

export function domainProblem(domain: string): Problem | undefined {
  if (DOMAIN_AND_PORT.test(domain)) return undefined;
  return {
    what: `the registry host ${quote(domain)} is not a host name, IPv4 address or [IPv6] address with an optional numeric port`,
    hint: "write the registry as host[:port] before the first `/`, without a scheme (e.g. registry.example.com, 127.0.0.1:5000 or [::1]:5000)",
  };
}

export function traversalProblem(components: readonly string[]): Problem | undefined {
  if (!components.some((component) => component === "." || component === "..")) return undefined;
  return { what: "it has a `.` or `..` path component", hint: PATH_HINT };
}

export function pathProblem(path: string): Problem | undefined {
  if (path === "") return { what: "the repository name is missing", hint: `name a repository before any tag or digest, e.g. ${EXAMPLE}` };
  const components = path.split("/");
  const traversal = traversalProblem(components);
  if (traversal) return traversal;
  for (const component of components) {
    const problem = componentProblem(component);
    if (problem) return problem;
  }
  if (path.length > PATH_MAX_LENGTH) {
    return { what: `the repository name is too long (${path.length} characters, at most ${PATH_MAX_LENGTH})`, hint: PATH_HINT };
  }
  return undefined;
}

function componentProblem(component: string): Problem | undefined {
  if (PATH_COMPONENT.test(component)) return undefined;
  if (component === "") return { what: "the repository name has an empty path component (`//`, or `/` at an end)", hint: PATH_HINT };
  if (PATH_COMPONENT.test(component.toLowerCase())) {
    return { what: "uppercase letters in the repository name", hint: `write the repository in lowercase (a tag may keep its case), e.g. ${EXAMPLE}` };
  }
  return { what: `the path component ${quote(component)} is not valid`, hint: PATH_HINT };
}

export function tagProblem(tag: string): Problem | undefined {
  if (TAG.test(tag)) return undefined;
  if (tag === "") return { what: "the tag after `:` is empty", hint: TAG_HINT };
  if (tag.length > TAG_MAX_LENGTH && TAG.test(tag.slice(0, TAG_MAX_LENGTH))) {
    return { what: `tag too long (${tag.length} characters, at most ${TAG_MAX_LENGTH})`, hint: TAG_HINT };
  }
  if (!/^\w/.test(tag)) return { what: `the tag ${quote(tag)} starts with ${quote(tag.charAt(0))}`, hint: TAG_HINT };
  return { what: `the tag ${quote(tag)} has characters other than letters, digits, \`_\`, \`.\` and \`-\``, hint: TAG_HINT };
}

export function digestProblem(digest: string): Problem | undefined {
  if (digest === "") return { what: "the digest after `@` is empty", hint: DIGEST_HINT };
  if (!DIGEST.test(digest)) return { what: `${quote(digest)} is not a digest (algorithm:hex)`, hint: DIGEST_HINT };
  const colon = digest.indexOf(":");
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTHS.get(algorithm);
  if (length === undefined) {
    return { what: `the digest algorithm ${quote(algorithm)} is not supported`, hint: "use sha256, sha384 or sha512 (e.g. sha256: and 64 hex digits)" };
  }
  if (hex.length !== length) {
    return { what: `a ${algorithm} digest has ${length} hex digits, this one has ${hex.length}`, hint: DIGEST_HINT };
  }
  if (!/^[a-f0-9]+$/.test(hex)) return { what: "the digest's hex digits must be lowercase", hint: DIGEST_HINT };
  return undefined;
}
