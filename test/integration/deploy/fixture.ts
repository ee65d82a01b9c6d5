import assert from "node:assert/strict";
import { after, before } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { deployService, type DeployResult, type ServiceSpec } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";
import { buildWebImages, ensureListenerMigration, startDeployWorld, webService, type DeployWorld } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName } from "../../harness/labels.js";
import { freePort, startLoad, waitForBody, type Sample } from "../proxy/helpers.js";

export interface DeployFixture {
  readonly engine: Engine;
  readonly world: DeployWorld;
  readonly images: Record<string, string>;
}

/**
 * Per test file: the engine, images v1 and v2, and a deploy world (state dir, store, real
 * Caddy); everything this run created is removed after the file's tests.
 */
export function useDeployFixture(): () => DeployFixture {
  let fixture: DeployFixture | undefined;
  let engine: Engine | undefined;
  before(async () => {
    engine = await ensureEngine();
    ensureListenerMigration();
    const images = await buildWebImages(engine, ["v1", "v2"]);
    const world = await startDeployWorld(engine, await freePort());
    fixture = { engine, world, images };
  });
  after(async () => {
    await fixture?.world.stop();
    if (engine !== undefined) await cleanupTestRun(engine);
  });
  return () => {
    assert.ok(fixture, "the deploy fixture is not set up");
    return fixture;
  };
}

export interface WebService {
  readonly v1: ServiceSpec;
  readonly v2: ServiceSpec;
  readonly url: string;
}

/** A new service (unique name, its own published port) in versions v1 and v2 of the same spec. */
export async function newWebService(fixture: DeployFixture, prefix: string, overrides: Partial<ServiceSpec> = {}): Promise<WebService> {
  const published = await freePort();
  const service = testName(prefix);
  const v1 = webService({ service, image: required(fixture.images.v1), published }, overrides);
  return { v1, v2: { ...v1, image: required(fixture.images.v2) }, url: `http://127.0.0.1:${published}/` };
}

/** Deploys v1 and waits until the proxy answers it. */
export async function deployV1(fixture: DeployFixture, web: WebService): Promise<DeployResult> {
  const result = await deployService(fixture.world.ports, { spec: web.v1, trigger: "test" });
  assert.equal(result.status, "succeeded");
  await waitForBody(web.url, "v1", 5_000);
  return result;
}

export interface LoadReport<T> {
  readonly result: T;
  readonly samples: Sample[];
  /** performance.now() when `action` returned. */
  readonly doneAt: number;
}

/** Runs `action` while 8 clients (1 s timeout each) send requests through the proxy; keeps the load on for `tailMs` after. */
export async function underLoad<T>(url: string, action: () => Promise<T>, tailMs = 1_000): Promise<LoadReport<T>> {
  const load = startLoad(url, { clients: 8, timeoutMs: 1_000 });
  await sleep(300);
  let result: T;
  try {
    result = await action();
  } catch (error) {
    await load.stop();
    throw error;
  }
  const doneAt = performance.now();
  await sleep(tailMs);
  return { result, samples: await load.stop(), doneAt };
}

export function assertNoFailedRequests(samples: readonly Sample[]): void {
  const failures = samples.filter((s) => s.error !== undefined);
  assert.deepEqual(failures.map((s) => s.error).slice(0, 5), [], `${failures.length} of ${samples.length} requests failed`);
  assert.ok(samples.length > 50, `only ${samples.length} requests were made`);
}

/** The answers of requests that started after `at`: only `body`, and enough of them. */
export function assertOnlyAnswers(samples: readonly Sample[], at: number, body: string): void {
  const later = samples.filter((s) => s.startedAt > at);
  assert.ok(later.length > 10, `only ${later.length} requests after the deployment`);
  assert.deepEqual([...new Set(later.map((s) => s.body))], [body]);
}

/** The SlipwayError a promise rejects with (fails when it resolves or rejects with something else). */
export async function slipwayFailure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error = await promise.then(
    (value) => assert.fail(`expected a failure, got ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
  assert.ok(isSlipwayError(error), `not a SlipwayError: ${String(error)}`);
  return error;
}

function required(ref: string | undefined): string {
  assert.ok(ref !== undefined, "image not built");
  return ref;
}
