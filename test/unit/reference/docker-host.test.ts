import { test } from "node:test";
import assert from "node:assert/strict";
import { homedir } from "node:os";
import { join } from "node:path";
import { addressFromEnvironment, parseDockerHost } from "../../../src/reference/docker-host.js";
import { negotiateApiVersion } from "../../../src/engine/api-version.js";
import { sshArguments } from "../../../src/engine/ssh-transport.js";
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

test("ssh:// addresses name the host, and the user and port when given", () => {
  assert.deepEqual(parseDockerHost("ssh://deploy@build-1.example.com"), {
    kind: "ssh",
    host: "build-1.example.com",
    user: "deploy",
    display: "ssh://deploy@build-1.example.com",
  });
  assert.deepEqual(parseDockerHost("ssh://10.0.0.7:2222"), { kind: "ssh", host: "10.0.0.7", port: 2222, display: "ssh://10.0.0.7:2222" });
});

test("TLS, as DOCKER_TLS_VERIFY and DOCKER_CERT_PATH say it: port 2376 by default, certificates from the cert path or ~/.docker", () => {
  assert.deepEqual(parseDockerHost({ host: "tcp://10.0.0.5", tlsVerify: true }), {
    kind: "tcp",
    host: "10.0.0.5",
    port: 2376,
    tls: { certPath: join(homedir(), ".docker") },
    display: "tcp://10.0.0.5:2376",
  });
  const withPath = parseDockerHost({ host: "tcp://10.0.0.5:3376", certPath: "/etc/slipway/certs" });
  assert.deepEqual(withPath, { kind: "tcp", host: "10.0.0.5", port: 3376, tls: { certPath: "/etc/slipway/certs" }, display: "tcp://10.0.0.5:3376" });
  assert.deepEqual(addressFromEnvironment({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/c" }), {
    host: "tcp://h:2376",
    tlsVerify: true,
    certPath: "/c",
  });
  assert.deepEqual(addressFromEnvironment({ DOCKER_TLS_VERIFY: "" }), {});
});

test("other schemes, relative socket paths, paths, users on tcp and ssh arguments that look like options are refused", () => {
  for (const bad of [
    "npipe:////./pipe/docker_engine",
    "/var/run/docker.sock",
    "unix://relative.sock",
    "tcp://host:2375/path",
    "tcp://:2375",
    "tcp://me@host:2375",
    "ssh://me:secret@host",
    "ssh://-oProxyCommand=x@host",
    "ssh://host/path",
  ]) {
    assert.throws(
      () => parseDockerHost(bad),
      (error: unknown) => {
        assert.ok(isSlipwayError(error, "ENGINE_UNREACHABLE"), `${bad}: ${String(error)}`);
        assert.ok(error.message.includes(`"${bad}"`), error.message);
        assert.match(error.hint ?? "", /unix:\/\/\/var\/run\/docker\.sock, tcp:\/\/HOST:PORT or ssh:\/\/USER@HOST/);
        assert.ok(!error.message.includes("secret") || bad.includes("secret"), error.message);
        return true;
      },
    );
  }
});

test("ssh is run as the docker CLI runs it: batch mode, the user's own config, the host after --", () => {
  assert.deepEqual(sshArguments({ host: "10.0.0.7", port: 2222, user: "deploy", configFile: "/tmp/ssh_config" }), [
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=10",
    "-F",
    "/tmp/ssh_config",
    "-p",
    "2222",
    "-l",
    "deploy",
    "--",
    "10.0.0.7",
    "docker",
    "system",
    "dial-stdio",
  ]);
});

test("the API version is the older of the engine's and Slipway's newest; an engine older than 1.40 is refused", () => {
  assert.equal(negotiateApiVersion("1.41"), "1.41");
  assert.equal(negotiateApiVersion("1.52"), "1.47");
  assert.equal(negotiateApiVersion("1.47"), "1.47");
  assert.equal(negotiateApiVersion("1.40"), "1.40");
  assert.equal(negotiateApiVersion("1.39"), undefined);
  assert.equal(negotiateApiVersion("2.0"), "1.47");
});
