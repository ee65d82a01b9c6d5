import { isSlipwayError } from "../errors/index.js";

/** What is kept of a failure, for the record, the CLI and notifications. */
export interface FailureDetail {
  /** The message: for a failed test, `test "NAME" of IMAGE failed with exit code N`. */
  readonly error: string;
  /** The error's further lines, when it has some: for a failed test its command and the tail of its output (redacted). */
  readonly output?: readonly string[];
}

/** Pure: the message of any error, and the detail lines of a SlipwayError (TEST_FAILED: `$ command` then the last output lines). */
export function failureDetail(error: unknown): FailureDetail {
  const message = error instanceof Error ? error.message : String(error);
  if (!isSlipwayError(error) || error.details.length === 0) return { error: message };
  return { error: message, output: [...error.details] };
}
