/**
 * The engine's inspect answers as the pre-flight reads them: plain JSON, read leniently
 * (a field the engine left out is "not set"), never trusted to have a shape.
 */
export type Json = Readonly<Record<string, unknown>>;

/** GET /containers/ID/json, the parts recreating a container needs. */
export interface ContainerInspect {
  readonly Id: string;
  readonly Name: string;
  /** The image ID the container runs. */
  readonly Image: string;
  readonly Config: Json;
  readonly HostConfig: Json;
  readonly NetworkSettings: { readonly Networks?: Readonly<Record<string, Json>> | null };
  readonly Mounts?: readonly Json[] | null;
  readonly State?: Json;
}

/** The Config of GET /images/ID/json: what the image provides (Env, Cmd, Labels...). */
export type ImageConfig = Json;

export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

export function recordOf(value: unknown): Json {
  return isRecord(value) ? value : {};
}

export function stringOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** True for a value the engine reports for "not set": null, "", 0, false, [], {}. */
export function isUnset(value: unknown): boolean {
  if (value === null || value === undefined || value === "" || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0 || value.every((item) => item === 0);
  if (isRecord(value)) return Object.keys(value).length === 0;
  return false;
}

/** Structural equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameJson(a[key], b[key]));
  }
  return false;
}

/** The container's name without the engine's leading slash. */
export function containerNameOf(container: Pick<ContainerInspect, "Name">): string {
  return container.Name.replace(/^\//, "");
}
