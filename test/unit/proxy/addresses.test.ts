import { test } from "node:test";
import assert from "node:assert/strict";
import { isSlipwayError } from "../../../src/errors/index.js";
import { DEFAULT_ADMIN_ADDRESS, parseAdminAddress } from "../../../src/proxy/admin-address.js";
import { formatAddress, isUpstream, parseAddress } from "../../../src/proxy/route-address.js";

test("admin addresses are loopback host:port, with or without http://", () => {
  assert.deepEqual(parseAdminAddress(DEFAULT_ADMIN_ADDRESS), { listen: "127.0.0.1:2019", url: "http://127.0.0.1:2019", port: 2019 });
  assert.deepEqual(parseAdminAddress("http://localhost:2020"), { listen: "localhost:2020", url: "http://localhost:2020", port: 2020 });
  assert.deepEqual(parseAdminAddress("[::1]:2021"), { listen: "[::1]:2021", url: "http://[::1]:2021", port: 2021 });
});

test("an admin address on a public interface, or without a port, is refused with a hint", () => {
  for (const bad of ["0.0.0.0:2019", "10.0.0.5:2019", "example.com:2019"]) {
    assert.throws(
      () => parseAdminAddress(bad),
      (error) => isSlipwayError(error, "CONFIG_INVALID") && /not a loopback address/.test(error.message) && /127\.0\.0\.1/.test(error.hint ?? ""),
    );
  }
  for (const bad of ["127.0.0.1", "https://127.0.0.1:2019", "127.0.0.1:2019/config", "nonsense::"]) {
    assert.throws(
      () => parseAdminAddress(bad),
      (error) => isSlipwayError(error, "CONFIG_INVALID"),
      bad,
    );
  }
});

test("listen and upstream addresses format and parse both ways", () => {
  assert.equal(formatAddress({ port: 80 }), ":80");
  assert.equal(formatAddress({ host: "127.0.0.1", port: 80 }), "127.0.0.1:80");
  assert.equal(formatAddress({ host: "::1", port: 80 }), "[::1]:80");
  assert.deepEqual(parseAddress(":80"), { port: 80 });
  assert.deepEqual(parseAddress("tcp/127.0.0.1:80"), { host: "127.0.0.1", port: 80 });
  assert.deepEqual(parseAddress("[::1]:80"), { host: "::1", port: 80 });
  assert.equal(parseAddress("127.0.0.1:80-85"), undefined);
  assert.equal(parseAddress("127.0.0.1:0"), undefined);
  assert.equal(isUpstream("127.0.0.1:32768"), true);
  assert.equal(isUpstream("db.internal:5432"), true);
  assert.equal(isUpstream(":32768"), false);
  assert.equal(isUpstream("{http.request.host}:80"), false);
});
