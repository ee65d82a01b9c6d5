import { SlipwayError } from "../errors/index.js";

/** `-e` and `--env-from` as `docker run` reads them. Pure. */

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

type Lookup = (name: string) => string | undefined;

/**
 * KEY=VALUE sets KEY; a bare KEY passes the caller's value of KEY (skipped when it is unset),
 * as `docker run -e KEY` does.
 */
export function parseEnvAssignments(items: readonly string[], lookup: Lookup): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of items) {
    const [name, value] = splitAssignment(item, lookup, "-e");
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** An env file: KEY=VALUE lines (the value taken literally, no quotes removed), # comments and blank lines skipped. */
export function parseEnvFile(text: string, file: string, lookup: Lookup): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const [name, value] = splitAssignment(line, lookup, `${file}:${index + 1}`);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function splitAssignment(item: string, lookup: Lookup, where: string): [string, string | undefined] {
  const at = item.indexOf("=");
  const name = at === -1 ? item.trimEnd() : item.slice(0, at);
  if (!NAME.test(name)) {
    throw new SlipwayError("USAGE", `${where}: ${JSON.stringify(name)} is not an environment variable name`, {
      hint: "write KEY=VALUE, with a name of letters, digits and `_` (or a bare KEY to pass your own value of it)",
    });
  }
  return [name, at === -1 ? lookup(name) : item.slice(at + 1)];
}
