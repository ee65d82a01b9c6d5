import { invalidError, placedLines } from "./config-errors.js";
import { nameSchema } from "./common-schemas.js";
import { configErrorMap, problemsFromIssues, shortened, type ConfigProblem, type KnownKeys } from "./issues.js";
import { serviceSchema, type ServiceConfig } from "./service-schema.js";
import { composeReferenceProblems } from "./compose-references.js";
import { fileServicePath, liftExtension } from "./compose-extension.js";
import { composeVolumeName } from "./compose-project.js";
import type { ComposeFile } from "./compose.js";

/** The services of a compose file, and what docker-compose would reject in them (file:line:col: path: message). */
export interface ComposeServices {
  readonly services: Record<string, ServiceConfig>;
  readonly warnings: readonly string[];
}

/**
 * The services of a compose file, checked and normalized by serviceSchema, with every
 * problem of the file at once (file:line:col). Slipway's own keys are read from each
 * service's x-slipway:; named volumes get their engine names (the file's project). Throws CONFIG_INVALID.
 */
export function readComposeServices(file: ComposeFile): ComposeServices {
  const known: KnownKeys = new WeakMap();
  const services: Record<string, ServiceConfig> = {};
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  for (const [name, raw] of Object.entries(file.services)) {
    const badName = nameSchema.safeParse(name);
    if (!badName.success) {
      const why = badName.error.issues.map((issue) => issue.message).join("; ");
      problems.push({ path: ["services", name], anchor: "key", message: `invalid service name "${shortened(name)}": ${why}` });
      continue;
    }
    const service = liftExtension(raw ?? {});
    const inFile = (problem: ConfigProblem): ConfigProblem => ({ ...problem, path: ["services", name, ...fileServicePath(problem.path, service.lifted)] });
    problems.push(...service.problems.map(inFile));
    warnings.push(...service.warnings.map(inFile));
    const result = serviceSchema.safeParse(service.raw, { error: configErrorMap(known), reportInput: true });
    if (result.success) services[name] = result.data;
    else problems.push(...problemsFromIssues(result.error.issues, known).map(inFile));
  }
  if (problems.length === 0) problems.push(...composeReferenceProblems(file, services));
  if (problems.length > 0) throw invalidError(file.path, problems, file.document, file.lineCounter);
  return { services: withVolumeNames(file, services), warnings: placedLines(file.path, warnings, file.document, file.lineCounter) };
}

/** The services of a compose file; see readComposeServices. */
export function composeServices(file: ComposeFile): Record<string, ServiceConfig> {
  return readComposeServices(file).services;
}

/** Named volumes renamed to what the engine mounts: NAME_<volume> when the file names its project. */
function withVolumeNames(file: ComposeFile, services: Record<string, ServiceConfig>): Record<string, ServiceConfig> {
  if (file.project === undefined) return services;
  const project = file.project;
  const external = new Set(file.externalVolumes);
  const renamed = Object.entries(services).map(([name, service]): [string, ServiceConfig] => {
    const volumes = service.volumes.map((volume) =>
      volume.type === "volume" ? { ...volume, source: composeVolumeName(volume.source, { project, external: external.has(volume.source) }) } : volume,
    );
    return [name, { ...service, volumes }];
  });
  return Object.fromEntries(renamed);
}
