import { SlipwayError } from "../errors/index.js";
import type { HeldDeployRecord } from "./store.js";

/** HELD_NOT_FOUND, in the words every caller uses. */
export function heldNotFound(id: number): SlipwayError {
  return new SlipwayError("HELD_NOT_FOUND", `there is no held deploy #${id}`, { hint: "`slipway queue` lists the held deploys" });
}

/** HELD_NOT_WAITING: it ran, or was stopped. */
export function heldNotWaiting(held: Pick<HeldDeployRecord, "id" | "service" | "environment" | "status">): SlipwayError {
  return new SlipwayError("HELD_NOT_WAITING", `held deploy #${held.id} (${held.service} to ${held.environment}) is ${held.status}, no longer waiting`, {
    hint: "`slipway queue --all` shows what became of it",
  });
}
