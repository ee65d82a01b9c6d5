/**
 * A value as it travels as JSON: dates become ISO strings, undefined properties disappear.
 * The CLI renders this form whether the data came from the local store or from a
 * controller's HTTP API, so both print the same.
 */
export type Wire<T> = T extends Date ? string : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { -readonly [K in keyof T]: Wire<T[K]> } : T;

/** `value` exactly as JSON.stringify would send it (key order kept). */
export function toWire<T>(value: T): Wire<T> {
  return JSON.parse(JSON.stringify(value)) as Wire<T>;
}
