import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SlipwayError } from "../errors/index.js";

/** The variable that gives the key instead of the key file: 32 bytes in base64 or hex. */
export const SECRET_KEY_VARIABLE = "SLIPWAY_SECRET_KEY";
/** The key file's name in the state directory. */
export const SECRET_KEY_FILE = "secret.key";

const KEY_BYTES = 32;

/** A key that encrypts secrets at rest, with an id safe to print (it tells two keys apart). */
export interface SecretKey {
  readonly bytes: Buffer;
  readonly id: string;
  /** Where it came from, for messages: "SLIPWAY_SECRET_KEY" or the key file's path. */
  readonly origin: string;
}

/**
 * Where the key comes from, read on first use and kept: SLIPWAY_SECRET_KEY when set, else
 * <state dir>/secret.key (mode 0600, created on the first write). The key is never in the
 * database, so a copy of the database alone reveals no secret.
 */
export interface SecretKeySource {
  /** The key to encrypt with: created (key file) when there is none yet. */
  forWriting(): SecretKey;
  /** The key to decrypt with, or undefined when there is none (nothing was created). */
  forReading(): SecretKey | undefined;
  /** Where a key would be found, for messages. */
  readonly where: string;
}

export function secretKeySource(options: { stateDir: string; env?: Readonly<Record<string, string | undefined>> }): SecretKeySource {
  const given = (options.env ?? process.env)[SECRET_KEY_VARIABLE];
  const file = join(options.stateDir, SECRET_KEY_FILE);
  let key: SecretKey | undefined;
  const load = (create: boolean): SecretKey | undefined => {
    if (key !== undefined) return key;
    if (given !== undefined && given !== "") key = keyFromVariable(given);
    else key = readKeyFile(file) ?? (create ? createKeyFile(options.stateDir, file) : undefined);
    return key;
  };
  return {
    forWriting: () => load(true) as SecretKey,
    forReading: () => load(false),
    where: given !== undefined && given !== "" ? SECRET_KEY_VARIABLE : `${file} (or ${SECRET_KEY_VARIABLE})`,
  };
}

/** A key that lives only as long as the process: for an in-memory store. */
export function ephemeralKeySource(): SecretKeySource {
  const key = makeKey(randomBytes(KEY_BYTES), "an in-memory key");
  return { forWriting: () => key, forReading: () => key, where: key.origin };
}

/** A short id of a key: the start of a hash of it, so messages can say "another key" without revealing it. */
export function keyId(bytes: Buffer): string {
  return createHash("sha256").update("slipway secret key id\0").update(bytes).digest("hex").slice(0, 12);
}

function makeKey(bytes: Buffer, origin: string): SecretKey {
  return { bytes, id: keyId(bytes), origin };
}

function keyFromVariable(text: string): SecretKey {
  const bytes = decodeKey(text.trim());
  if (bytes === undefined) {
    throw new SlipwayError("SECRET_KEY_INVALID", `${SECRET_KEY_VARIABLE} is not a key of ${KEY_BYTES} bytes in base64 or hex`, {
      hint: `make one with \`openssl rand -base64 ${KEY_BYTES}\`; keep it: revisions stored with it cannot be read without it`,
    });
  }
  return makeKey(bytes, SECRET_KEY_VARIABLE);
}

function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text, "base64");
    return bytes.length === KEY_BYTES ? bytes : undefined;
  }
  return undefined;
}

function readKeyFile(file: string): SecretKey | undefined {
  let mode: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw keyFileError(file, "is not a regular file");
    mode = stat.mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if (error instanceof SlipwayError) throw error;
    throw keyFileError(file, `cannot be read: ${(error as Error).message}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new SlipwayError("SECRET_KEY_INVALID", `the key file ${file} has mode ${mode.toString(8).padStart(4, "0")}: others may read it`, {
      hint: `it must be readable by its owner only: chmod 600 ${file} (and if others could read it, treat the secrets it protects as known)`,
    });
  }
  const bytes = decodeKey(readKey(file));
  if (bytes === undefined) throw keyFileError(file, `does not hold a key of ${KEY_BYTES} bytes in base64`);
  return makeKey(bytes, file);
}

function readKey(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    throw keyFileError(file, `cannot be read: ${(error as Error).message}`);
  }
}

function createKeyFile(stateDir: string, file: string): SecretKey {
  const bytes = randomBytes(KEY_BYTES);
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    // wx: never overwrite a key another process just wrote; that one wins and is read back.
    writeFileSync(file, `${bytes.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      const written = readKeyFile(file);
      if (written !== undefined) return written;
    }
    throw new SlipwayError("STORE_FAILED", `cannot create the key file ${file}: ${(error as Error).message}`, {
      hint: `check that the state directory is writable, or set ${SECRET_KEY_VARIABLE}`,
      cause: error,
    });
  }
  return makeKey(bytes, file);
}

function keyFileError(file: string, what: string): SlipwayError {
  return new SlipwayError("SECRET_KEY_INVALID", `the key file ${file} ${what}`, {
    hint: `restore the key file Slipway wrote (mode 0600), or set ${SECRET_KEY_VARIABLE}`,
  });
}
