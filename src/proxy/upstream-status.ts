import * as z from "zod";
import type { AdminClient } from "./admin-client.js";
import type { UpstreamStatus } from "./types.js";

const statusSchema = z.array(
  z.object({
    address: z.string(),
    num_requests: z.number().catch(0),
    fails: z.number().catch(0),
  }),
);

/** GET /reverse_proxy/upstreams: every upstream in Caddy's pool with its in-flight request count. */
export async function readUpstreamStatus(admin: AdminClient): Promise<UpstreamStatus[]> {
  const response = await admin.call("reading upstream status", { method: "GET", path: "/reverse_proxy/upstreams" });
  const parsed = statusSchema.safeParse(parseOrNull(response.text));
  if (!parsed.success) return [];
  return parsed.data.map((u) => ({ address: u.address, numRequests: u.num_requests, fails: u.fails }));
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function inFlightByAddress(status: readonly UpstreamStatus[]): Map<string, number> {
  return new Map(status.map((u) => [u.address, u.numRequests]));
}
