import { test } from "node:test";
import assert from "node:assert/strict";
import { validateRemote, type Remote } from "../../../src/sources/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";

const base = { baseDir: "/srv/app" };

function refused(repo: string): string {
  try {
    validateRemote(repo, base);
  } catch (error) {
    assert.ok(isSlipwayError(error, "GIT_REMOTE_INVALID"), `expected GIT_REMOTE_INVALID for ${JSON.stringify(repo)}, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`${JSON.stringify(repo)} was accepted`);
}

test("ssh, scp-like, https and file remotes are accepted as written", () => {
  const cases: [string, Remote["kind"]][] = [
    ["git@github.com:my-org/app1.git", "scp"],
    ["github.com:my-org/app1.git", "scp"],
    ["ssh://git@gitlab.example.com:2222/group/app.git", "ssh"],
    ["https://github.com/my-org/app1.git", "https"],
    ["file:///srv/git/app1.git", "file"],
  ];
  for (const [repo, kind] of cases) {
    const remote = validateRemote(repo, base);
    assert.equal(remote.kind, kind, repo);
    assert.equal(remote.url, repo);
  }
});

test("local paths become absolute, relative ones against the config file's directory", () => {
  assert.deepEqual(validateRemote("../repos/app1", base), { url: "/srv/repos/app1", kind: "local", display: "/srv/repos/app1" });
  assert.equal(validateRemote("repos/app1", base).url, "/srv/app/repos/app1");
  assert.equal(validateRemote("/abs/dir/with space", base).url, "/abs/dir/with space");
  assert.equal(validateRemote("./a:b", base).url, "/srv/app/a:b", "a colon after a slash is a path, as git reads it");
});

test("credentials in an https remote are kept for git but never shown", () => {
  const remote = validateRemote("https://x-access-token:ghp_abcdef123456@github.com/org/app.git", base);
  assert.equal(remote.url, "https://x-access-token:ghp_abcdef123456@github.com/org/app.git");
  assert.equal(remote.display, "https://github.com/org/app.git");
  const message = refused("http://user:hunter2secret@example.com/app.git");
  assert.ok(!message.includes("hunter2secret"), message);
});

test("remote helpers and option injection are refused before git runs", () => {
  assert.match(refused("ext::sh -c touch% /tmp/x"), /remote helper/);
  assert.match(refused("ext::sh -c touch /tmp/pwned"), /remote helper/);
  assert.match(refused("fd::3"), /remote helper/);
  assert.match(refused("--upload-pack=touch /tmp/x"), /option/);
  assert.match(refused("-oProxyCommand=touch /tmp/x"), /option/);
  assert.match(refused("ssh://-oProxyCommand=touch%20x/repo"), /'-'/);
  assert.match(refused("-oProxyCommand=x:repo"), /option/);
  assert.match(refused("git@host:-oProxyCommand"), /'-'/);
  assert.match(refused("-user@host:repo"), /option/);
  assert.match(refused("a-user@host::repo"), /.+/);
});

test("other transports, empty values and control characters are refused with a hint", () => {
  assert.match(refused("http://example.com/app.git"), /plain http/);
  assert.match(refused("git://example.com/app.git"), /git:\/\//);
  assert.match(refused("ftp://example.com/app.git"), /"ftp"/);
  assert.match(refused(""), /empty/);
  assert.match(refused("https://github.com/org/app.git\n--upload-pack=x"), /control character/);
  assert.match(refused("https:///org/app.git"), /host|well-formed/);
  assert.match(refused("https://github.com/"), /no repository path/);
  assert.match(refused("file://otherhost/srv/app.git"), /names a host/);
  try {
    validateRemote("http://example.com/app.git", base);
  } catch (error) {
    assert.ok(isSlipwayError(error) && error.hint?.includes("https://"));
  }
});
