import { test } from "node:test";
import assert from "node:assert/strict";
import { dockerArch, lddPaths, planHostProxy, proxyImageTag, type ProxyImageInputs } from "../../../src/host-proxy/index.js";

const TAG = "slipway-proxy:v2.6.2-0123456789ab";

test("a host without the proxy: build the image there, create the container, start it", () => {
  assert.deepEqual(planHostProxy({ imagePresent: false }, TAG), [
    { kind: "build", tag: TAG },
    { kind: "create", tag: TAG },
    { kind: "start", id: "created" },
  ]);
  assert.deepEqual(planHostProxy({ imagePresent: true }, TAG), [
    { kind: "create", tag: TAG },
    { kind: "start", id: "created" },
  ]);
});

test("a proxy already running the wanted image: nothing to do; stopped: start that one", () => {
  assert.deepEqual(planHostProxy({ imagePresent: true, container: { id: "c1", image: TAG, running: true } }, TAG), []);
  assert.deepEqual(planHostProxy({ imagePresent: true, container: { id: "c1", image: TAG, running: false } }, TAG), [{ kind: "start", id: "c1" }]);
});

test("a proxy of another image (an older Caddy or config) is replaced by one of the wanted image", () => {
  const old = "slipway-proxy:v2.6.1-ffffffffffff";
  assert.deepEqual(planHostProxy({ imagePresent: false, container: { id: "c0", image: old, running: true } }, TAG), [
    { kind: "build", tag: TAG },
    { kind: "remove", id: "c0", image: old },
    { kind: "create", tag: TAG },
    { kind: "start", id: "created" },
  ]);
});

test("ldd output: the resolved libraries and the loader; vdso and 'not a dynamic executable' give nothing", () => {
  const output = [
    "\tlinux-vdso.so.1 (0x00007ffd1a7f2000)",
    "\tlibzstd.so.1 => /lib/x86_64-linux-gnu/libzstd.so.1 (0x00007f9535a5e000)",
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f953587c000)",
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f9535b2d000)",
  ].join("\n");
  assert.deepEqual(lddPaths(output), ["/lib/x86_64-linux-gnu/libzstd.so.1", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]);
  assert.deepEqual(lddPaths("\tnot a dynamic executable\n"), []);
});

test("the image tag names Caddy's version and changes with any file that goes in", () => {
  const inputs: ProxyImageInputs = { caddy: "/usr/bin/caddy", libraries: ["/lib/libc.so.6"], busybox: "/bin/busybox", version: "v2.6.2", arch: "amd64" };
  const files = new Map([
    ["/usr/bin/caddy", "caddy"],
    ["/lib/libc.so.6", "libc"],
    ["/bin/busybox", "busybox"],
  ]);
  const contents = (path: string) => Buffer.from(files.get(path) ?? "");
  const tag = proxyImageTag(inputs, contents);
  assert.match(tag, /^slipway-proxy:v2\.6\.2-[0-9a-f]{12}$/);
  assert.equal(proxyImageTag(inputs, contents), tag);
  files.set("/lib/libc.so.6", "libc, patched");
  assert.notEqual(proxyImageTag(inputs, contents), tag);
});

test("Node's architecture names become Docker's", () => {
  assert.deepEqual(["x64", "arm64", "ia32", "ppc64"].map(dockerArch), ["amd64", "arm64", "386", "ppc64le"]);
});
