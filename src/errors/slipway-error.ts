import { errorCatalogue, exitCodes, type ErrorCode, type Who } from "./catalogue.js";

export interface SlipwayErrorOptions {
  /** What the user can do next. */
  readonly hint?: string;
  /** Further lines shown under the message: one per problem, or the failing output. */
  readonly details?: readonly string[];
  readonly cause?: unknown;
}

/** An error meant for people: a stable code, one clear message, and what to do next. */
export class SlipwayError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: SlipwayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SlipwayError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }

  get who(): Who {
    return errorCatalogue[this.code].who;
  }

  get exitCode(): number {
    return exitCodes[this.who];
  }
}

export function isSlipwayError(value: unknown, code?: ErrorCode): value is SlipwayError {
  return value instanceof SlipwayError && (code === undefined || value.code === code);
}
