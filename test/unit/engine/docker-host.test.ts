import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDockerHost } from "../../../src/engine/docker-host.js";
import { isSlipwayError } from "../../../src/errors/index.js";

test("no DOCKER_HOST, an empty one or a bare unix:// mean the default socket", () => {
  const expected = { kind: "unix", socketPath: "/var/run/docker.sock", display: "unix:///var/run/docker.sock" };
  assert.deepEqual(parseDockerHost(undefined), expected);
  assert.deepEqual(parseDockerHost(""), expected);
  assert.deepEqual(parseDockerHost("unix://"), expected);
});

test("unix:// and tcp:// addresses are parsed, with port 2375 when none is given", () => {
  assert.deepEqual(parseDockerHost("unix:///run/user/1000/docker.sock"), {
    kind: "unix",
    socketPath: "/run/user/1000/docker.sock",
    display: "unix:///run/user/1000/docker.sock",
  });
  assert.deepEqual(parseDockerHost("tcp://10.0.0.5:2376"), { kind: "tcp", host: "10.0.0.5", port: 2376, display: "tcp://10.0.0.5:2376" });
  assert.deepEqual(parseDockerHost("tcp://docker-host"), { kind: "tcp", host: "docker-host", port: 2375, display: "tcp://docker-host:2375" });
  assert.deepEqual(parseDockerHost("tcp://[::1]:2375"), { kind: "tcp", host: "::1", port: 2375, display: "tcp://[::1]:2375" });
});

test("other schemes, relative socket paths and tcp paths are refused with the accepted forms", () => {
  for (const bad of [
    "ssh://me@host",
    "npipe:////./pipe/docker_engine",
    "/var/run/docker.sock",
    "unix://relative.sock",
    "tcp://host:2375/path",
    "tcp://:2375",
  ]) {
    assert.throws(
      () => parseDockerHost(bad),
      (error: unknown) => {
        assert.ok(isSlipwayError(error, "ENGINE_UNREACHABLE"), `${bad}: ${String(error)}`);
        assert.ok(error.message.includes(`"${bad}"`), error.message);
        assert.match(error.hint ?? "", /unix:\/\/\/var\/run\/docker\.sock or tcp:\/\/HOST:PORT/);
        return true;
      },
    );
  }
});
