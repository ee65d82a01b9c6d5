import type { FastifyInstance } from "fastify";
import {
  activeFreezes,
  approveHeld,
  freezeEnvironment,
  gateDeps,
  listHeldViews,
  parseHeldId,
  parseUntil,
  rejectHeld,
  unfreezeEnvironment,
} from "../app/index.js";
import type { RouteDeps } from "./route-deps.js";
import { freezeBody, heldQuery, verdictBody } from "./api-schemas.js";
import { parseRequest } from "./api-validate.js";

/** GET /api/v1/held, POST /api/v1/held/:id/approve and /reject, GET and POST /api/v1/freezes, DELETE /api/v1/freezes/:environment. */
export function registerPolicyRoutes(api: FastifyInstance, deps: RouteDeps): void {
  const gate = gateDeps(deps.context);
  const actorOf = (request: { actor?: string }): string => request.actor ?? "api";

  api.get("/api/v1/held", async (request) => {
    const query = parseRequest(heldQuery, request.query, "query", "GET /api/v1/held");
    return { held: await listHeldViews(gate, query) };
  });

  api.post<{ Params: { id: string } }>("/api/v1/held/:id/approve", async (request) => {
    const body = parseRequest(verdictBody, request.body ?? {}, "body", "POST /api/v1/held/:id/approve");
    const held = await approveHeld(gate, parseHeldId(request.params.id), actorOf(request), body.reason);
    deps.onHeldChange?.();
    return held;
  });

  api.post<{ Params: { id: string } }>("/api/v1/held/:id/reject", async (request) => {
    const body = parseRequest(verdictBody, request.body ?? {}, "body", "POST /api/v1/held/:id/reject");
    return rejectHeld(gate, parseHeldId(request.params.id), actorOf(request), body.reason);
  });

  api.get("/api/v1/freezes", async () => ({ freezes: await activeFreezes(gate) }));

  api.post("/api/v1/freezes", async (request) => {
    const body = parseRequest(freezeBody, request.body, "body", "POST /api/v1/freezes");
    return freezeEnvironment(gate, { environment: body.environment, until: parseUntil(body.until, new Date()), reason: body.reason, actor: actorOf(request) });
  });

  api.delete<{ Params: { environment: string } }>("/api/v1/freezes/:environment", async (request) => {
    const cleared = await unfreezeEnvironment(gate, { environment: request.params.environment, actor: actorOf(request) });
    if (cleared) deps.onHeldChange?.();
    return { environment: request.params.environment, cleared };
  });
}
