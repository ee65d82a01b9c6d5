import { test } from "node:test";
import assert from "node:assert/strict";
import { TokenCache } from "../../../src/registry/token-cache.js";
import { Secret } from "../../../src/util/secret.js";

test("a token is kept per scope until shortly before expires_in runs out", () => {
  let now = 1_000_000;
  const cache = new TokenCache(() => now);
  cache.set("repository:a:pull", new Secret("token-a"), 300);
  cache.set("repository:b:pull", new Secret("token-b"));
  assert.equal(cache.get("repository:a:pull")?.reveal(), "token-a");
  assert.equal(cache.get("repository:a:push"), undefined, "another scope is another token");
  now += 51_000;
  assert.equal(cache.get("repository:b:pull"), undefined, "no expires_in is 60 s, dropped 10 s early");
  now += 238_000;
  assert.equal(cache.get("repository:a:pull")?.reveal(), "token-a");
  now += 2_000;
  assert.equal(cache.get("repository:a:pull"), undefined);
});

test("a short-lived token is used for half its life", () => {
  let now = 0;
  const cache = new TokenCache(() => now);
  cache.set("s", new Secret("token-s"), 10);
  now = 4_000;
  assert.ok(cache.get("s"));
  now = 5_000;
  assert.equal(cache.get("s"), undefined);
});
