import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SlipwayError } from "../../../src/errors/index.js";
import { formatReference, isReference, normalizeReference, parseReference } from "../../../src/reference/index.js";
import type { ImageReference } from "../../../src/reference/index.js";

const chars = (set: string) => fc.constantFrom(...set.split(""));
const lowerAlnum = fc.string({ unit: chars("abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 1, maxLength: 8 });
const alnum = fc.string({ unit: chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), minLength: 1, maxLength: 6 });
const hex = (length: number) => fc.string({ unit: chars("0123456789abcdef"), minLength: length, maxLength: length });

const separator = fc.constantFrom(".", "_", "__", "-", "--", "---");
const pathComponent = fc
  .tuple(lowerAlnum, fc.array(fc.tuple(separator, lowerAlnum), { maxLength: 3 }))
  .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(""));
const path = fc.array(pathComponent, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));

const domainComponent = fc.oneof(
  alnum,
  fc.tuple(alnum, fc.string({ unit: chars("abcXYZ019-"), maxLength: 4 }), alnum).map(([a, middle, b]) => a + middle + b),
);
const port = fc.option(
  fc.integer({ min: 0, max: 99999 }).map((n) => `:${n}`),
  { nil: undefined },
);
const host = fc.oneof(
  fc.array(domainComponent, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(".")),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((parts) => parts.join(".")),
  fc.constantFrom("[::1]", "[2001:db8::1]", "[fc00:1:2:3:4:5:6:7]", "[2001:DB8::]", "localhost"),
);
// Docker reads a first component as a registry only when it has a `.` or `:`, or is localhost.
const domain = fc
  .tuple(host, port)
  .map(([name, p]) => name + (p ?? ""))
  .filter((name) => name.includes(".") || name.includes(":") || name === "localhost");

const wordChar = chars("abcXYZ0189_");
const tag = fc
  .tuple(wordChar, fc.string({ unit: chars("abcXYZ0189_.-"), maxLength: 20 }))
  .map(([first, rest]) => first + rest)
  .chain((short) => fc.constantFrom(short, short.padEnd(128, "x").slice(0, 128)));
const digest = fc.oneof(
  hex(64).map((h) => `sha256:${h}`),
  hex(96).map((h) => `sha384:${h}`),
  hex(128).map((h) => `sha512:${h}`),
);

const reference: fc.Arbitrary<ImageReference> = fc
  .record(
    { domain: fc.option(domain, { nil: undefined }), path, tag: fc.option(tag, { nil: undefined }), digest: fc.option(digest, { nil: undefined }) },
    { requiredKeys: ["path"] },
  )
  .map((ref) => Object.fromEntries(Object.entries(ref).filter(([, value]) => value !== undefined)) as unknown as ImageReference)
  .filter((ref) => {
    // Without a domain, a first component that looks like a host would be read as one.
    const first = ref.path.split("/")[0] ?? "";
    const looksLikeHost = first.includes(".") || first === "localhost";
    return ref.domain !== undefined || !ref.path.includes("/") || !looksLikeHost;
  });

test("every valid reference formats to text that parses back to the same parts", () => {
  fc.assert(
    fc.property(reference, (ref) => {
      const text = formatReference(ref);
      assert.deepEqual(parseReference(text), ref);
      assert.equal(isReference(text), true);
    }),
    { numRuns: 2000 },
  );
});

function onlyReferenceErrors(parse: (text: string) => unknown) {
  return (text: string) => {
    try {
      parse(text);
    } catch (error) {
      assert.ok(error instanceof SlipwayError, `threw a ${String(error)} for ${JSON.stringify(text)}`);
      assert.equal(error.code, "REFERENCE_INVALID");
      assert.ok(error.hint, "every rejection has a hint");
    }
  };
}

test("any text either parses or is rejected with REFERENCE_INVALID, never another error", () => {
  const referenceLike = fc.string({ unit: chars("aAzZ09._-/:@[]% \n\u0000é"), maxLength: 40 });
  for (const arbitrary of [fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 80 }), referenceLike]) {
    fc.assert(fc.property(arbitrary, onlyReferenceErrors(parseReference)), { numRuns: 1000 });
    fc.assert(fc.property(arbitrary, onlyReferenceErrors(normalizeReference)), { numRuns: 300 });
  }
});

test("whatever parses is free of whitespace, control characters, `..` components and a leading `-`", () => {
  const referenceLike = fc.string({ unit: chars("az09._-/:@ \t"), maxLength: 30 });
  fc.assert(
    fc.property(referenceLike, (text) => {
      if (!isReference(text)) return;
      assert.doesNotMatch(text, /\s|^-|(^|\/)\.\.?(\/|$|:|@)/);
      assert.equal(formatReference(parseReference(text)), text, "a parsed reference formats back to its text");
    }),
    { numRuns: 3000 },
  );
});
