import { test } from "node:test";
import assert from "node:assert/strict";
import { parentArgOf, parseFroms, unsetFromArgs } from "../../../src/builder/dockerfile-args.js";
import { buildArgsFor, fromArgProblems, parentArgNames } from "../../../src/builder/parent-arg.js";

const SEED = "# the seed's Dockerfile\nARG PARENT_IMAGE\nFROM ${PARENT_IMAGE}\nRUN echo hi\n";

test("the first FROM's ARG is the parent's: ${X} and $X after a leading ARG", () => {
  assert.equal(parentArgOf(SEED), "PARENT_IMAGE");
  assert.equal(parentArgOf("ARG BASE\nFROM $BASE AS build\n"), "BASE");
  assert.equal(parentArgOf("ARG PARENT\nFROM --platform=linux/amd64 ${PARENT}\n"), "PARENT");
  assert.equal(parentArgOf("arg Base=x\nfrom ${Base}\n"), "Base", "keywords in any case");
});

test("no parent ARG: an image name, a variable no leading ARG declares, a variable inside a name, a later FROM", () => {
  assert.equal(parentArgOf("FROM busybox:1.36\n"), undefined);
  assert.equal(parentArgOf("FROM ${PARENT_IMAGE}\n"), undefined, "not declared");
  assert.equal(parentArgOf("FROM scratch\nARG X\nFROM ${X}\n"), undefined, "an ARG after a FROM does not reach FROM");
  assert.equal(parentArgOf("ARG REG\nFROM ${REG}/base:1\n"), undefined);
  assert.equal(parentArgOf("ARG TAG\nFROM busybox:${TAG}\n"), undefined);
  assert.equal(parentArgOf(""), undefined);
});

test("parseFroms: line numbers of the first line, continuations joined, comments and directives skipped", () => {
  const text = "# syntax=docker/dockerfile:1\n# escape=\\\n\nARG A=1 \\\n  B\n# comment\nFROM \\\n  ${B} AS one\nFROM one\n";
  const parsed = parseFroms(text);
  assert.deepEqual(
    [...parsed.leadingArgs.values()],
    [
      { name: "A", line: 4, default: "1" },
      { name: "B", line: 4 },
    ],
  );
  assert.deepEqual(
    parsed.froms.map((f) => [f.line, f.image]),
    [
      [7, "${B}"],
      [9, "one"],
    ],
  );
  const backtick = parseFroms("# escape=`\nARG P\nFROM `\n  ${P}\n");
  assert.deepEqual(
    backtick.froms.map((f) => [f.line, f.image]),
    [[3, "${P}"]],
  );
});

test("unsetFromArgs: what the build leaves empty, and what is fine", () => {
  assert.deepEqual(unsetFromArgs(SEED, new Set(["PARENT"])), [{ line: 3, arg: "PARENT_IMAGE", image: "${PARENT_IMAGE}", declared: true }]);
  assert.deepEqual(unsetFromArgs(SEED, new Set(["PARENT_IMAGE"])), []);
  assert.deepEqual(unsetFromArgs("ARG P=busybox\nFROM ${P}\n", new Set()), [], "a default");
  assert.deepEqual(unsetFromArgs("ARG P\nFROM ${P:-busybox}\n", new Set()), [], "a fallback");
  assert.deepEqual(unsetFromArgs("ARG P=\nFROM ${P}\n", new Set()).length, 1, "an empty default is no default");
  assert.deepEqual(unsetFromArgs("FROM ${P}\n", new Set(["P"])), [{ line: 1, arg: "P", image: "${P}", declared: false }], "set but never declared");
  assert.deepEqual(unsetFromArgs("ARG REG\nFROM ${REG}/x:${REG}\n", new Set()).length, 1, "one problem per ARG and line");
});

test("the parent goes in as PARENT, parent_arg and the detected ARG; nothing without from:", () => {
  const target = { from: "base", args: { EXTRA: "1" } };
  assert.deepEqual(parentArgNames(target, SEED), ["PARENT", "PARENT_IMAGE"]);
  assert.deepEqual(parentArgNames({ ...target, parentArg: "BASE_REF" }, "FROM busybox\n"), ["PARENT", "BASE_REF"]);
  assert.deepEqual(parentArgNames({}, SEED), []);
  assert.deepEqual(buildArgsFor(target, SEED, "r/base@sha256:1"), { EXTRA: "1", PARENT: "r/base@sha256:1", PARENT_IMAGE: "r/base@sha256:1" });
  assert.deepEqual(buildArgsFor(target, SEED, undefined), { EXTRA: "1" });
});

test("fromArgProblems names the ARG, the line and what to do", () => {
  const [noFrom] = fromArgProblems({ name: "app", args: {} }, SEED);
  assert.equal(noFrom?.line, 3);
  assert.match(noFrom?.message ?? "", /FROM \$\{PARENT_IMAGE\} uses the build arg PARENT_IMAGE, which Slipway does not set for image app/);
  assert.match(noFrom?.fix ?? "", /give the image `from:`.*parent_arg: PARENT_IMAGE/);
  assert.deepEqual(fromArgProblems({ name: "app", from: "base", args: {} }, SEED), [], "detected: nothing to warn about");
  const [inName] = fromArgProblems({ name: "app", from: "base", args: {} }, "ARG REG\nFROM ${REG}/base\n");
  assert.match(inName?.fix ?? "", /under `args:`/);
  const [undeclared] = fromArgProblems({ name: "app", from: "base", args: {} }, "FROM ${PARENT_IMAGE}\n");
  assert.match(undeclared?.fix ?? "", /declare `ARG PARENT_IMAGE` before the first FROM/);
});
