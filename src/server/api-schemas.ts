import * as z from "zod";

/** A message for a value of the wrong type; zod's own words for the other problems (too small, …). */
function typeError(text: string): (issue: { code: string; input?: unknown }) => string | undefined {
  return (issue) => (issue.code !== "invalid_type" ? undefined : issue.input === undefined ? "required" : text);
}

/** For an object: a wrong type, or the keys it does not know. */
const objectError = (issue: { code: string; keys?: readonly string[] }): string | undefined => {
  if (issue.code === "unrecognized_keys") return `unknown key${issue.keys?.length === 1 ? "" : "s"} ${(issue.keys ?? []).map((k) => `"${k}"`).join(", ")}`;
  return issue.code === "invalid_type" ? "expected a JSON object" : undefined;
};

const name = z
  .string({ error: typeError("expected a string") })
  .min(1, { error: "must not be empty" })
  .max(200);
const flag = z.boolean({ error: typeError("expected true or false") });
/** A query flag: true/false/1/0, or present without a value. */
const queryFlag = z.enum(["true", "false", "1", "0", ""], { error: "expected true or false" }).transform((v) => v === "true" || v === "1" || v === "");
const limit = z.coerce
  .number({ error: typeError("expected a number") })
  .int({ error: typeError("expected a whole number") })
  .min(1)
  .max(1000);

/** Why someone acts (an urgent deploy, a rejection, a freeze): one line a person reads. */
const reason = z
  .string({ error: typeError("expected a string") })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(500);

/** Wait this long (ms) for another deployment of the service to finish: at most an hour. */
const waitMs = z
  .number({ error: typeError("expected a number of milliseconds") })
  .int()
  .min(0)
  .max(3_600_000);

export const deploymentBody = z.strictObject(
  {
    service: name,
    environment: name.optional(),
    image: name.optional(),
    force: flag.optional(),
    /** Plan only: answer the steps a deployment would take, touch nothing. */
    dryRun: flag.optional(),
    waitMs: waitMs.optional(),
    /** Pass maintenance windows and freezes for this reason (audited); approvals still hold. */
    urgent: reason.optional(),
  },
  { error: objectError },
);

/** POST /api/v1/held/:id/approve and /reject */
export const verdictBody = z.strictObject({ reason: reason.optional() }, { error: objectError });

/** POST /api/v1/freezes */
export const freezeBody = z.strictObject(
  {
    environment: name,
    /** An ISO 8601 time, or a duration from now such as 3d. */
    until: z.string({ error: typeError("expected a time (ISO 8601) or a duration such as 3d") }).min(1),
    reason,
  },
  { error: objectError },
);

/** GET /api/v1/held */
export const heldQuery = z.object({ all: queryFlag.optional(), environment: name.optional(), service: name.optional() });

/** POST /api/v1/services/:service/down */
export const downBody = z.strictObject({ service: name.optional(), environment: name.optional(), dryRun: flag.optional() });

/** POST /api/v1/reconcile */
export const reconcileBody = z.strictObject({ service: name.optional(), environment: name.optional(), dryRun: flag.optional() });

export const rollbackBody = z.strictObject(
  {
    service: name,
    environment: name.optional(),
    to: z
      .union([name, z.number().int().min(1)], { error: typeError("expected a revision number") })
      .transform(String)
      .optional(),
  },
  { error: objectError },
);

/** POST /api/v1/promotions */
export const promotionBody = z.strictObject(
  {
    service: name,
    from: name,
    to: name,
    dryRun: flag.optional(),
    waitMs: waitMs.optional(),
    urgent: reason.optional(),
  },
  { error: objectError },
);

export const buildBody = z.strictObject(
  {
    images: z.array(name, { error: typeError("expected an array of image names") }).optional(),
    push: flag.optional(),
    force: flag.optional(),
    env: name.optional(),
    jobs: z
      .number({ error: typeError("expected a number") })
      .int()
      .min(1)
      .max(64)
      .optional(),
    noCache: flag.optional(),
  },
  { error: objectError },
);

export const pipelineBody = z.strictObject({ source: name, branch: name.optional() }, { error: objectError });

export const historyQuery = z.object({ environment: name.optional(), logs: queryFlag.optional(), limit: limit.optional() });

export const planQuery = z.object({
  images: z
    .string()
    .optional()
    .transform((text) =>
      (text ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  env: name.optional(),
});

export const pipelinesQuery = z.object({ environment: name.optional(), limit: limit.optional() });

export const pipelineParams = z.object({
  id: z.coerce
    .number({ error: typeError("expected a run id") })
    .int({ error: typeError("expected a run id") })
    .min(1),
});
