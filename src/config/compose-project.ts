import { suggestion } from "./did-you-mean.js";
import { EXTENSION_KEY } from "./compose-extension.js";
import { describe, type ConfigProblem } from "./issues.js";

/**
 * The compose project whose volumes a compose file adopts. docker-compose names a named
 * volume `<project>_<volume>` (the project is the file's top-level name:, -p, or the
 * directory's name); Slipway mounts a volume by the name written, unless the file names its
 * project, with name: or x-slipway: { project: NAME }: then its named volumes resolve to
 * NAME_<volume>, as docker-compose's do, and the data a compose project left is reused.
 */

/** docker compose's rule for a project name. */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const PROJECT_RULE = "a compose project name is lowercase letters, digits, - and _, starting with a letter or digit";
const PROJECT_KEYS = ["project"] as const;

/** The project named by the top level of a compose file (name:, x-slipway.project), and the problems with them. */
export function readProject(data: Readonly<Record<string, unknown>>): { readonly project?: string; readonly problems: readonly ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const fromName = projectName(data["name"], ["name"], problems);
  const fromExtension = extensionProject(data[EXTENSION_KEY], problems);
  if (fromName !== undefined && fromExtension !== undefined && fromName !== fromExtension) {
    problems.push({
      path: [EXTENSION_KEY, "project"],
      anchor: "value",
      message: `the project "${fromExtension}" disagrees with name: "${fromName}": write the project once`,
    });
  }
  const project = fromName ?? fromExtension;
  return project === undefined ? { problems } : { project, problems };
}

/** The engine's name of a named volume: NAME_<volume> in a project (external volumes keep their name), else as written. */
export function composeVolumeName(volume: string, options: { readonly project?: string; readonly external: boolean }): string {
  return options.project === undefined || options.external ? volume : `${options.project}_${volume}`;
}

function extensionProject(value: unknown, problems: ConfigProblem[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    problems.push({ path: [EXTENSION_KEY], anchor: "value", message: `expected a mapping such as { project: NAME }, got ${describe(value)}` });
    return undefined;
  }
  const extension = value as Record<string, unknown>;
  for (const key of Object.keys(extension)) {
    if ((PROJECT_KEYS as readonly string[]).includes(key)) continue;
    problems.push({ path: [EXTENSION_KEY, key], anchor: "key", message: `unknown key "${key}"${suggestion(key, PROJECT_KEYS)}` });
  }
  return projectName(extension["project"], [EXTENSION_KEY, "project"], problems);
}

function projectName(value: unknown, path: readonly string[], problems: ConfigProblem[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    problems.push({ path, anchor: "value", message: `expected a project name, got ${describe(value)}` });
    return undefined;
  }
  if (!PROJECT_NAME.test(value)) {
    problems.push({ path, anchor: "value", message: `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}" is not a project name: ${PROJECT_RULE}` });
    return undefined;
  }
  return value;
}
