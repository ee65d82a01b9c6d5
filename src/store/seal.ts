import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SlipwayError } from "../errors/index.js";
import type { SecretKey, SecretKeySource } from "./secret-key.js";

/**
 * Encryption at rest, independent of the database: text is sealed with AES-256-GCM under the
 * key of a SecretKeySource, bound to what it belongs to (`context`, e.g. "revision web/prod/3"),
 * so a sealed value copied onto another record does not open. The sealed form is one line of
 * text: `sealed:v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url).
 */
const PREFIX = "sealed:v1:";
const IV_BYTES = 12;

export function isSealed(text: string): boolean {
  return text.startsWith(PREFIX);
}

export function sealText(plain: string, key: SecretKey, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${PREFIX}${key.id}:${[iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url")).join(":")}`;
}

/**
 * The plain text of a sealed value. `what` names the record for people ("revision 3 of web
 * (prod)"). A missing key, another key or damaged data is SECRET_KEY_MISMATCH or STORE_FAILED,
 * never a crash and never a partial value.
 */
export function unsealText(sealed: string, keys: SecretKeySource, context: string, what: string): string {
  const parts = sealed.slice(PREFIX.length).split(":");
  const [id, iv, tag, body] = parts;
  if (!isSealed(sealed) || parts.length !== 4 || id === undefined || iv === undefined || tag === undefined || body === undefined) {
    throw damaged(what, "it is not in the sealed form Slipway writes");
  }
  const key = keys.forReading();
  if (key === undefined) {
    throw new SlipwayError("SECRET_KEY_MISMATCH", `${what} is encrypted, and there is no key to decrypt it: no ${keys.where}`, {
      hint: `restore the key file from your backup (mode 0600), or set SLIPWAY_SECRET_KEY to the key in use when it was stored (key id ${id})`,
    });
  }
  if (key.id !== id) {
    throw new SlipwayError("SECRET_KEY_MISMATCH", `${what} was encrypted with another key (key id ${id}) than the one in use (${key.id}, from ${key.origin})`, {
      hint: `use the key it was stored with: restore that key file, or set SLIPWAY_SECRET_KEY to it`,
    });
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw damaged(what, "it does not decrypt with its key: the stored data was changed or belongs to another record");
  }
}

function damaged(what: string, why: string): SlipwayError {
  return new SlipwayError("STORE_FAILED", `cannot read ${what}: ${why}`, {
    hint: "restore the state store from a backup, or deploy the service again to record a new revision",
  });
}
