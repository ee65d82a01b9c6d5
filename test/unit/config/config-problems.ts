import assert from "node:assert/strict";
import { parseConfigText } from "../../../src/config/parse-config-text.js";
import { isSlipwayError } from "../../../src/errors/index.js";

/** The problems slipway.yml `text` is refused with (CONFIG_INVALID's details); fails the test when it is accepted. */
export function details(text: string): readonly string[] {
  try {
    parseConfigText(text, { path: "slipway.yml", env: {} });
  } catch (error) {
    if (isSlipwayError(error, "CONFIG_INVALID")) return error.details;
    throw error;
  }
  assert.fail("expected CONFIG_INVALID");
}
