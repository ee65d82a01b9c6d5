import type { Document } from "yaml";
import { SlipwayError } from "../errors/index.js";

/** The plain data of a parsed YAML document; too many aliases (a "billion laughs") is a syntax error. */
export function yamlData(document: Document, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SlipwayError("CONFIG_SYNTAX", `${file}: ${reason}`, { hint: "check the anchors (&name) and aliases (*name) of the file", cause: error });
  }
}
