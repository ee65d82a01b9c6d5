import { Secret } from "./secret.js";

/**
 * The one rule for which variables are secret, for services and jobs alike. A variable is
 * secret when its name looks secret (…TOKEN, …PASSWORD, …SECRET, …KEY, …CREDENTIALS, …AUTH,
 * …PRIVATE), when slipway.yml marks it (`NAME: { value: …, secret: true }`), or when its value
 * came from an env file. Secret values are redacted from logs, job output, API answers and
 * error messages; every variable of a stored revision is encrypted at rest (src/store/seal.ts).
 */
const SECRET_NAME = /(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|KEY|CREDENTIALS?|AUTH|API_?KEY|PRIVATE)(?:_|$)/i;

/** What the redacted value of a secret variable reads. */
export const REDACTED_VALUE = "[redacted]";

/** True when the name alone makes a variable secret (DB_PASSWORD, API_TOKEN, AWS_SECRET_ACCESS_KEY). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The names of `env` that are secret: by their name, or because they are among `marked`. */
export function secretNames(env: Readonly<Record<string, string>>, marked: readonly string[] = []): string[] {
  const explicit = new Set(marked);
  return Object.keys(env).filter((name) => explicit.has(name) || isSecretName(name));
}

/** The marked names that the rule of names does not already cover: what a spec must carry. */
export function extraSecretNames(env: Readonly<Record<string, string>>, marked: Iterable<string>): string[] {
  const names = new Set(marked);
  return Object.keys(env)
    .filter((name) => names.has(name) && !isSecretName(name))
    .sort();
}

/** `env` with the value of every secret variable replaced by [redacted], for output. */
export function redactEnv(env: Readonly<Record<string, string>>, marked: readonly string[] = []): Record<string, string> {
  const secret = new Set(secretNames(env, marked));
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, secret.has(name) ? REDACTED_VALUE : value]));
}

/** `env` with each secret value wrapped as a Secret (which also makes redactText() scrub it). */
export function withSecrets(env: Readonly<Record<string, string>>, marked: readonly string[] = []): Record<string, string | Secret> {
  const secret = new Set(secretNames(env, marked));
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, secret.has(name) ? new Secret(value) : value]));
}
