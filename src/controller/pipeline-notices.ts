/** The notices live in the application layer now (src/app/pipeline-notices.ts), shared with `slipway pipeline run`. */
export { pipelineNotice } from "../app/index.js";
