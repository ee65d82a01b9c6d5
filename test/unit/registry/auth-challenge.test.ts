import { test } from "node:test";
import assert from "node:assert/strict";
import { findChallenge, parseWwwAuthenticate } from "../../../src/registry/auth-challenge.js";

test("a Bearer challenge gives its realm, service and scope, unquoted", () => {
  const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"';
  assert.deepEqual(parseWwwAuthenticate(header), [
    {
      scheme: "bearer",
      params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:samalba/my-app:pull,push" },
    },
  ]);
});

test("distribution's insufficient_scope challenge and token-form values", () => {
  const [challenge] = parseWwwAuthenticate('Bearer realm="http://127.0.0.1:1/token",service=reg,scope="repository:a/b:pull",error="insufficient_scope"');
  assert.equal(challenge?.params.service, "reg");
  assert.equal(challenge?.params.error, "insufficient_scope");
});

test("a Basic challenge; scheme and parameter names are case-insensitive", () => {
  assert.deepEqual(parseWwwAuthenticate('basic REALM="Registry Realm"'), [{ scheme: "basic", params: { realm: "Registry Realm" } }]);
});

test("several challenges in one header, with spaces around = and escaped quotes", () => {
  const challenges = parseWwwAuthenticate('Basic realm="a \\"quoted\\" realm", Bearer realm = "https://t.example/token" , service="s"');
  assert.equal(challenges.length, 2);
  assert.equal(findChallenge(challenges, "basic")?.params.realm, 'a "quoted" realm');
  assert.deepEqual(findChallenge(challenges, "bearer")?.params, { realm: "https://t.example/token", service: "s" });
});

test("a token68 challenge, an empty header, and an unterminated quote", () => {
  assert.deepEqual(parseWwwAuthenticate("Negotiate abc123=="), [{ scheme: "negotiate", params: { "": "abc123==" } }]);
  assert.deepEqual(parseWwwAuthenticate(""), []);
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="https://x/token'), [{ scheme: "bearer", params: {} }]);
});
