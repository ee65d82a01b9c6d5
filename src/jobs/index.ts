export { openJobLog, formatHeader, jobLogFiles, type JobLog, type JobLogHeader, type JobLogOptions } from "./job-log.js";
export { runJob, JOB_LABEL, type JobPorts, type JobRunInput } from "./run-job.js";
export { createStreamRedactor, type StreamRedactor } from "./redact-stream.js";
export { createJobScheduler, jobNotFound, type JobScheduler, type JobSchedulerOptions, type ScheduledJob, type RunJobFn } from "./scheduler.js";
export { findJob, jobImage, jobEnv, jobHome, jobLogDir, registryCredentials, type JobImage } from "./job-setup.js";
