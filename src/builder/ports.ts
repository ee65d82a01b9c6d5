/**
 * What the builder needs from git and from the registry, as narrow ports. The adapters
 * (src/sources, src/registry) implement them; src/builder/adapters.ts wires them.
 */
export type { SourceReader } from "../sources/source-reader-port.js";

export interface RegistryReader {
  /** The manifest digest of a reference (one HEAD), or undefined when the registry has none. */
  digest(ref: string): Promise<string | undefined>;
}
