import { join } from "node:path";
import { SlipwayError } from "../errors/index.js";
import { secretKeySource, type SecretKeySource } from "./secret-key.js";
import { openPostgresStore } from "./postgres-store.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

/**
 * Opens the store at `url` (a `sqlite:PATH` or `postgres://` URL: SLIPWAY_STORE, else the
 * config's store.url), or the embedded SQLite file under the state directory. Secrets in it are sealed with
 * SLIPWAY_SECRET_KEY, else the key file <state dir>/secret.key (src/store/secret-key.ts).
 */
export function openStore(options: { stateDir: string; url?: string; keys?: SecretKeySource }): Store {
  const url = options.url ?? "";
  const keys = options.keys ?? secretKeySource({ stateDir: options.stateDir });
  if (url === "") return openSqliteStore(join(options.stateDir, "slipway.db"), { keys });
  if (url.startsWith("sqlite:")) return openSqliteStore(url.slice("sqlite:".length), { keys });
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    // Never the URL itself in the message: it may hold the password.
    if (!URL.canParse(url)) {
      throw new SlipwayError("STORE_FAILED", "the PostgreSQL store URL (SLIPWAY_STORE or store.url) is not a valid URL", {
        hint: "write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, with any @ : / or % in the password percent-encoded",
      });
    }
    return openPostgresStore(url, { keys });
  }
  throw new SlipwayError("STORE_FAILED", "SLIPWAY_STORE must be a sqlite:PATH or postgres:// URL", {
    hint: "for example SLIPWAY_STORE=sqlite:/var/lib/slipway/slipway.db",
  });
}
