import { invalidError } from "./config-errors.js";
import { nameSchema } from "./common-schemas.js";
import { configErrorMap, problemsFromIssues, shortened, type ConfigProblem, type KnownKeys } from "./issues.js";
import { serviceSchema, type ServiceConfig } from "./service-schema.js";
import { composeReferenceProblems } from "./compose-references.js";
import type { ComposeFile } from "./compose.js";

/**
 * The services of a compose file, checked and normalized by serviceSchema, with every
 * problem of the file at once (file:line:col). Throws CONFIG_INVALID.
 */
export function composeServices(file: ComposeFile): Record<string, ServiceConfig> {
  const known: KnownKeys = new WeakMap();
  const services: Record<string, ServiceConfig> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, raw] of Object.entries(file.services)) {
    const badName = nameSchema.safeParse(name);
    if (!badName.success) {
      const why = badName.error.issues.map((issue) => issue.message).join("; ");
      problems.push({ path: ["services", name], anchor: "key", message: `invalid service name "${shortened(name)}": ${why}` });
      continue;
    }
    const result = serviceSchema.safeParse(raw ?? {}, { error: configErrorMap(known), reportInput: true });
    if (result.success) services[name] = result.data;
    else problems.push(...problemsFromIssues(result.error.issues, known, ["services", name]));
  }
  if (problems.length === 0) problems.push(...composeReferenceProblems(file, services));
  if (problems.length > 0) throw invalidError(file.path, problems, file.document, file.lineCounter);
  return services;
}
