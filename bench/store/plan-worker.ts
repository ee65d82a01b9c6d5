import { currentRevision } from "../../src/deploy/deploy-state.js";
import { openStore, secretKeySource } from "../../src/store/index.js";

/**
 * One controller's share of the planning benchmark, as a process of its own: the desired state
 * of every service (its current revision, the spec unsealed), 8 at a time, as reconcile and
 * status read it. Prints the milliseconds it took.
 * usage: node dist/bench/store/plan-worker.js URL STATE_DIR SERVICES
 */
const [url = "", stateDir = "", count = "0"] = process.argv.slice(2);
const store = openStore({ stateDir, url, keys: secretKeySource({ stateDir }) });
await store.schemaVersion(); // connected and migrated before the clock starts
const services = Array.from({ length: Number(count) }, (_, n) => `svc-${n}`);
const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < services.length) {
      const service = services[next++] ?? "";
      const revision = await currentRevision({ store }, service, "prod");
      if (revision === undefined || Object.keys(revision.spec).length === 0) throw new Error(`no current revision of ${service}`);
    }
  }),
);
process.stdout.write(`${(performance.now() - started).toFixed(1)}\n`);
await store.close();
