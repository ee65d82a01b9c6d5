// One deployment in its own process, for the tests that kill a deployment at a step or run
// two at once. usage: node deploy-driver.js '<json DriverArgs>'; SLIPWAY_FAULT=before:<step>
// or after:<step> makes the deploy engine SIGKILL this process there. The last stdout line is
// a JSON DriverReport; progress lines go before it.
import { deployService } from "../../../src/deploy/index.js";
import { connectEngine } from "../../../src/engine/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { deployPortsFor, type DriverArgs, type DriverReport } from "../../harness/deploy.js";

async function main(): Promise<DriverReport> {
  const args = JSON.parse(process.argv[2] ?? "") as DriverArgs;
  const engine = await connectEngine();
  const fault = process.env.SLIPWAY_FAULT;
  const { ports, store } = await deployPortsFor({
    engine,
    stateDir: args.stateDir,
    adminUrl: args.adminUrl,
    log: (line) => process.stdout.write(`${line}\n`),
    ...(fault === undefined || fault === "" ? {} : { fault }),
  });
  try {
    const result = await deployService(ports, { spec: args.spec, trigger: "driver", ...(args.waitMs === undefined ? {} : { waitMs: args.waitMs }) });
    return { ok: true, status: result.status, revision: result.revision };
  } catch (error) {
    if (isSlipwayError(error)) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: "UNEXPECTED", message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  } finally {
    await store.close();
  }
}

const report = await main();
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exitCode = report.ok ? 0 : 1;
