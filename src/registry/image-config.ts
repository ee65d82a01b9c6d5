import * as z from "zod";

const stringList = z.array(z.string()).optional().catch(undefined);

/** The runtime part of an image config (what `docker inspect` shows as Config). */
const containerConfigSchema = z.looseObject({
  Labels: z
    .record(z.string(), z.string())
    .nullish()
    .transform((labels) => labels ?? {})
    .catch({}),
  Env: stringList,
  Cmd: stringList,
  Entrypoint: stringList,
  WorkingDir: z.string().optional().catch(undefined),
  User: z.string().optional().catch(undefined),
});

/** The OCI image config blob, read leniently: the fields Slipway uses, the rest as sent. */
const imageConfigSchema = z.looseObject({
  architecture: z.string().optional().catch(undefined),
  os: z.string().optional().catch(undefined),
  variant: z.string().optional().catch(undefined),
  created: z.string().optional().catch(undefined),
  config: containerConfigSchema
    .optional()
    .transform((config) => config ?? { Labels: {} })
    .catch({ Labels: {} }),
});

export type ImageConfig = z.infer<typeof imageConfigSchema>;

/** Parses an image config blob; undefined when it is not a JSON object. `config.Labels` is always an object. */
export function parseImageConfig(text: string): ImageConfig | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = imageConfigSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
