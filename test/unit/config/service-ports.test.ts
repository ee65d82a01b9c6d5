import { test } from "node:test";
import assert from "node:assert/strict";
import { portsSchema } from "../../../src/config/service-ports.js";

function ports(value: unknown): unknown {
  const result = portsSchema.safeParse(value);
  assert.ok(result.success, `expected ${JSON.stringify(value)} to parse: ${result.error?.message ?? ""}`);
  return result.data;
}

function messages(value: unknown): string[] {
  const result = portsSchema.safeParse(value);
  assert.ok(!result.success, `expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => issue.message);
}

test("short forms: container only, host:container, ip:host:container, with a protocol", () => {
  assert.deepEqual(ports(["80", 81, "8080:80", "127.0.0.1:8081:80/udp", "[::1]:8082:80", "127.0.0.1::9000"]), [
    { target: 80, protocol: "tcp" },
    { target: 81, protocol: "tcp" },
    { published: 8080, target: 80, protocol: "tcp" },
    { published: 8081, target: 80, protocol: "udp", hostIp: "127.0.0.1" },
    { published: 8082, target: 80, protocol: "tcp", hostIp: "::1" },
    { target: 9000, protocol: "tcp", hostIp: "127.0.0.1" },
  ]);
});

test("long form: target, published (number or text), protocol, host_ip", () => {
  assert.deepEqual(
    ports([{ target: 80 }, { target: 443, published: "8443", protocol: "tcp", host_ip: "10.0.0.1" }, { target: 53, published: 5353, protocol: "udp" }]),
    [
      { target: 80, protocol: "tcp" },
      { published: 8443, target: 443, protocol: "tcp", hostIp: "10.0.0.1" },
      { published: 5353, target: 53, protocol: "udp" },
    ],
  );
});

test("port ranges are refused with a message saying to list each port", () => {
  assert.match(messages(["8000-8010:80"])[0] ?? "", /port ranges are not supported.*list each port/);
  assert.match(messages(["8000-8010"])[0] ?? "", /port ranges are not supported/);
  assert.match(messages([{ target: 80, published: "8080-8081" }])[0] ?? "", /published: .*port ranges are not supported/);
});

test("numbers out of range, unknown protocols and other shapes are refused with what was wrong", () => {
  assert.match(messages(["70000:80"])[0] ?? "", /host port "70000" is not a port number/);
  assert.match(messages(["8080:0"])[0] ?? "", /container port "0" is not a port number/);
  assert.match(messages(["8080:80/sctp"])[0] ?? "", /protocol must be tcp or udp/);
  assert.match(messages(["a:b:c:d"])[0] ?? "", /is not a port/);
  assert.match(messages([true])[0] ?? "", /expected a port/);
  assert.match(messages([{ target: 80, mode: "host" }])[0] ?? "", /Unrecognized key: "mode"/);
});
