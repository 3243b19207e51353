export type { Jobs, Job, JobHandler, SendOptions, WorkOptions } from './jobs.js';
export { QUEUE_NAME } from './jobs.js';
export { createJobs, type JobsOptions } from './pg-boss-jobs.js';
