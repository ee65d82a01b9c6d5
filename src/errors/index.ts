export { errorCatalogue, exitCodes, type ErrorCode, type Who } from "./catalogue.js";
export { SlipwayError, isSlipwayError, type SlipwayErrorOptions } from "./slipway-error.js";
export { formatError, exitCodeOf } from "./format-error.js";
