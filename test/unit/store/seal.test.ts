import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";
import { isSealed, sealText, unsealText } from "../../../src/store/seal.js";
import { ephemeralKeySource, secretKeySource, SECRET_KEY_FILE } from "../../../src/store/secret-key.js";

function stateDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-seal-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function refusal(run: () => unknown): SlipwayError {
  try {
    run();
  } catch (error) {
    if (isSlipwayError(error)) return error;
    throw error;
  }
  assert.fail("expected a SlipwayError");
}

test("a sealed text holds neither the plain text nor the key, and opens with its key and context only", () => {
  const keys = ephemeralKeySource();
  const sealed = sealText('{"DB_PASSWORD":"hunter22"}', keys.forWriting(), "revision web prod 1");
  assert.ok(isSealed(sealed));
  assert.ok(!sealed.includes("hunter22"));
  assert.ok(!sealed.includes(keys.forWriting().bytes.toString("base64")));
  assert.notEqual(sealText("same", keys.forWriting(), "c"), sealText("same", keys.forWriting(), "c"), "a fresh IV each time");
  assert.equal(unsealText(sealed, keys, "revision web prod 1", "revision 1"), '{"DB_PASSWORD":"hunter22"}');

  const moved = refusal(() => unsealText(sealed, keys, "revision web prod 2", "revision 2 of web (prod)"));
  assert.equal(moved.code, "STORE_FAILED");
  assert.match(moved.message, /cannot read revision 2 of web \(prod\): it does not decrypt/);
  const tampered = sealed.slice(0, -2) + (sealed.endsWith("AA") ? "BB" : "AA");
  assert.equal(refusal(() => unsealText(tampered, keys, "revision web prod 1", "revision 1")).code, "STORE_FAILED");
});

test("another key, or no key at all, is SECRET_KEY_MISMATCH naming the record, the key ids and what to do", (t) => {
  const sealed = sealText("x", ephemeralKeySource().forWriting(), "c");
  const other = refusal(() => unsealText(sealed, ephemeralKeySource(), "c", "revision 3 of web (prod)"));
  assert.equal(other.code, "SECRET_KEY_MISMATCH");
  assert.match(other.message, /revision 3 of web \(prod\) was encrypted with another key \(key id [0-9a-f]{12}\) than the one in use/);
  assert.match(other.hint ?? "", /SLIPWAY_SECRET_KEY/);

  const dir = stateDir(t);
  const none = refusal(() => unsealText(sealed, secretKeySource({ stateDir: dir, env: {} }), "c", "revision 3 of web (prod)"));
  assert.equal(none.code, "SECRET_KEY_MISMATCH");
  assert.match(none.message, new RegExp(`revision 3 of web \\(prod\\) is encrypted, and there is no key to decrypt it: no ${join(dir, SECRET_KEY_FILE)}`));
  assert.match(none.hint ?? "", /restore the key file/);
});

test("the key file is created on first write with mode 0600 and read back by the next process", (t) => {
  const dir = join(stateDir(t), "state");
  assert.equal(secretKeySource({ stateDir: dir, env: {} }).forReading(), undefined, "reading creates nothing");
  const written = secretKeySource({ stateDir: dir, env: {} }).forWriting();
  assert.equal(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777, 0o600);
  assert.equal(secretKeySource({ stateDir: dir, env: {} }).forReading()?.id, written.id);
});

test("a key file others may read is refused with how to fix it", (t) => {
  const dir = stateDir(t);
  secretKeySource({ stateDir: dir, env: {} }).forWriting();
  chmodSync(join(dir, SECRET_KEY_FILE), 0o644);
  const refused = refusal(() => secretKeySource({ stateDir: dir, env: {} }).forReading());
  assert.equal(refused.code, "SECRET_KEY_INVALID");
  assert.match(refused.message, /has mode 0644: others may read it/);
  assert.match(refused.hint ?? "", new RegExp(`chmod 600 ${join(dir, SECRET_KEY_FILE)}`));
  writeFileSync(join(dir, SECRET_KEY_FILE), "short\n", { mode: 0o600 });
  chmodSync(join(dir, SECRET_KEY_FILE), 0o600);
  assert.equal(refusal(() => secretKeySource({ stateDir: dir, env: {} }).forReading()).code, "SECRET_KEY_INVALID");
});

test("SLIPWAY_SECRET_KEY (base64 or hex of 32 bytes) wins over the key file; anything else is refused without echoing it", (t) => {
  const dir = stateDir(t);
  const hex = "ab".repeat(32);
  const fromHex = secretKeySource({ stateDir: dir, env: { SLIPWAY_SECRET_KEY: hex } }).forWriting();
  const fromBase64 = secretKeySource({ stateDir: dir, env: { SLIPWAY_SECRET_KEY: Buffer.from(hex, "hex").toString("base64") } }).forWriting();
  assert.equal(fromHex.id, fromBase64.id);
  assert.equal(fromHex.origin, "SLIPWAY_SECRET_KEY");
  assert.throws(() => statSync(join(dir, SECRET_KEY_FILE)), /ENOENT/, "no key file is written when the key comes from the environment");
  const refused = refusal(() => secretKeySource({ stateDir: dir, env: { SLIPWAY_SECRET_KEY: "my-guessable-passphrase" } }).forWriting());
  assert.equal(refused.code, "SECRET_KEY_INVALID");
  assert.ok(!refused.message.includes("my-guessable-passphrase"));
});
