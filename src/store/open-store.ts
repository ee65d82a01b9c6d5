import { join } from "node:path";
import { SlipwayError } from "../errors/index.js";
import { secretKeySource } from "./secret-key.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

/**
 * Opens the store named by SLIPWAY_STORE (a `sqlite:PATH` or `postgres://` URL), or the
 * embedded SQLite file under the state directory. Secrets in it are sealed with
 * SLIPWAY_SECRET_KEY, else the key file <state dir>/secret.key (src/store/secret-key.ts).
 */
export function openStore(options: { stateDir: string; url?: string }): Store {
  const url = options.url ?? "";
  const keys = secretKeySource({ stateDir: options.stateDir });
  if (url === "") return openSqliteStore(join(options.stateDir, "slipway.db"), { keys });
  if (url.startsWith("sqlite:")) return openSqliteStore(url.slice("sqlite:".length), { keys });
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    throw new SlipwayError("STORE_FAILED", "a PostgreSQL store is not available in this version of Slipway", {
      hint: "unset SLIPWAY_STORE to use the embedded SQLite store",
    });
  }
  throw new SlipwayError("STORE_FAILED", "SLIPWAY_STORE must be a sqlite:PATH or postgres:// URL", {
    hint: "for example SLIPWAY_STORE=sqlite:/var/lib/slipway/slipway.db",
  });
}
