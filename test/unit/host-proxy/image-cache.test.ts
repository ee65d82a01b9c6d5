import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { cachedProxyImage, proxyImageCacheFile, type ProxyImage } from "../../../src/host-proxy/image-cache.js";

/** A directory with stand-ins for Caddy, one library and busybox, and a finder that counts its searches. */
function world(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), "slipway-image-cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [caddy, library, busybox] = ["caddy", "libc.so.6", "busybox"].map((name) => join(dir, name));
  for (const path of [caddy, library, busybox]) writeFileSync(path ?? "", `contents of ${path ?? ""}`);
  const resolved = { caddy: caddy ?? "", busybox: busybox ?? "" };
  let searches = 0;
  const find = (): Promise<ProxyImage> => {
    searches += 1;
    return Promise.resolve({ inputs: { ...resolved, libraries: [library ?? ""], version: "v2.6.2", arch: "amd64" }, tag: `slipway-proxy:v2.6.2-${searches}` });
  };
  return { dir, file: join(dir, "cache", "proxy-image.json"), resolved, library: library ?? "", find, searches: () => searches };
}

test("the second process finds the proxy image in the cache without searching", async (t) => {
  const w = world(t);
  const first = await cachedProxyImage(w.file, w.resolved, w.find);
  const second = await cachedProxyImage(w.file, w.resolved, w.find);
  assert.equal(w.searches(), 1);
  assert.deepEqual(second, first);
});

test("a file that goes in changed, went missing, or Caddy resolves elsewhere: searched again", async (t) => {
  const w = world(t);
  await cachedProxyImage(w.file, w.resolved, w.find);
  utimesSync(w.library, new Date(), new Date(Date.now() - 60_000));
  assert.equal((await cachedProxyImage(w.file, w.resolved, w.find)).tag, "slipway-proxy:v2.6.2-2");
  writeFileSync(w.resolved.caddy, "a newer caddy");
  assert.equal((await cachedProxyImage(w.file, w.resolved, w.find)).tag, "slipway-proxy:v2.6.2-3");
  assert.equal((await cachedProxyImage(w.file, { ...w.resolved, caddy: join(w.dir, "other-caddy") }, w.find)).tag, "slipway-proxy:v2.6.2-4");
  rmSync(w.library);
  assert.equal((await cachedProxyImage(w.file, w.resolved, w.find)).tag, "slipway-proxy:v2.6.2-5");
  assert.equal((await cachedProxyImage(w.file, w.resolved, w.find)).tag, "slipway-proxy:v2.6.2-6", "a missing library is never taken from the cache");
});

test("a cache that is not JSON or not an entry is searched again and rewritten", async (t) => {
  const w = world(t);
  await cachedProxyImage(w.file, w.resolved, w.find);
  for (const text of [
    "{",
    JSON.stringify({ signature: 1, image: {} }),
    JSON.stringify({ signature: "x", image: { tag: "t", inputs: { caddy: w.resolved.caddy } } }),
  ]) {
    writeFileSync(w.file, text);
    await cachedProxyImage(w.file, w.resolved, w.find);
    assert.match(readFileSync(w.file, "utf8"), /"tag":"slipway-proxy:v2\.6\.2-\d+"/);
  }
  assert.equal(w.searches(), 4);
});

test("the cache file is under XDG_CACHE_HOME, else ~/.cache", () => {
  assert.equal(proxyImageCacheFile({ XDG_CACHE_HOME: "/var/cache/me" }), "/var/cache/me/slipway/proxy-image.json");
  assert.match(proxyImageCacheFile({}), /\/\.cache\/slipway\/proxy-image\.json$/);
});
